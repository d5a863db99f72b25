using HssDevice.Engine;
using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>The engine's tables on their own: message IDs, the byte ring, settings.</summary>
    [TestClass]
    public class EngineTableTests
    {
        [TestMethod]
        public void A_socket_dropped_without_close_is_closed_by_housekeeping_and_frees_its_slot()
        {
            Rig.Run(rig =>
            {
                EngineSocket s = null;
                Background open = Background.Start(() => s = rig.Engine.Requests.Open(HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream));
                rig.Host.Ack(rig.Host.Expect(HssOpcode.Open), HssError.Success);
                open.Join();
                // What HssSocket's finalizer calls: it writes nothing itself.
                rig.Engine.Closer.CloseAbandoned(s);
                rig.Advance(0);
                SeenPacket close = rig.Host.Expect(HssOpcode.Close);
                Assert.AreEqual(s.Handle, close.SockId);
                rig.Host.Ack(close, HssError.Success);
                Wait.Until(() => rig.Engine.SocketsInUse == 0);
            });
        }

        [TestMethod]
        public void Message_ids_start_at_1_wrap_to_1_and_skip_outstanding_ones()
        {
            var table = new PendingTable(4);
            PendingRequest first = table.Allocate(HssOpcode.Open, 0, null, false, 0);
            Assert.AreEqual((ushort)1, first.MsgId);
            // Walk the counter to the end of the u16 range, keeping request 1 outstanding.
            for (int i = 2; i <= 0xFFFF; i++)
            {
                PendingRequest r = table.Allocate(HssOpcode.Close, 1, null, true, 0);
                Assert.AreEqual((ushort)i, r.MsgId);
                table.Free(r);
            }

            // 0 is never used and 1 is still outstanding, so the next is 2.
            PendingRequest wrapped = table.Allocate(HssOpcode.Close, 1, null, true, 0);
            Assert.AreEqual((ushort)2, wrapped.MsgId);
            Assert.AreSame(first, table.Find(1));
            Assert.AreSame(wrapped, table.Find(2));
        }

        [TestMethod]
        public void Table_full_returns_null_and_freeing_makes_room()
        {
            var table = new PendingTable(2);
            PendingRequest a = table.Allocate(HssOpcode.Open, 0, null, false, 0);
            PendingRequest b = table.Allocate(HssOpcode.Open, 0, null, false, 0);
            Assert.IsNotNull(b);
            Assert.IsNull(table.Allocate(HssOpcode.Open, 0, null, false, 0));
            table.Free(a);
            Assert.IsNotNull(table.Allocate(HssOpcode.Open, 0, null, false, 0));
            Assert.AreEqual(2, table.InUse);
        }

        [TestMethod]
        public void Byte_ring_wraps_with_two_copies()
        {
            var ring = new ByteRing(8);
            byte[] data = new byte[] { 1, 2, 3, 4, 5, 6 };
            Assert.AreEqual(6, ring.Write(data, 0, 6));
            byte[] out4 = new byte[4];
            Assert.AreEqual(4, ring.Read(out4, 0, 4));
            Assert.AreEqual(6, ring.Write(new byte[] { 7, 8, 9, 10, 11, 12 }, 0, 6));
            Assert.AreEqual(0, ring.Write(data, 0, 1));
            byte[] all = new byte[8];
            ring.Peek(1, all, 0, 7);
            Hex.AssertBytes("06 07 08 09 0a 0b 0c", all, 0, 7);
            Assert.AreEqual(8, ring.Read(all, 0, 8));
            Hex.AssertBytes("05 06 07 08 09 0a 0b 0c", all, 0, 8);
            Assert.AreEqual(0, ring.Count);
        }

        [TestMethod]
        public void Settings_that_cannot_work_are_refused()
        {
            var s = new HssEngineSettings();
            s.Validate();
            s.ReceiveBufferPerSocket = s.MaxDataPayload - 1;
            Assert.ThrowsException(typeof(System.ArgumentException), () => s.Validate());
            s = new HssEngineSettings();
            s.SendWindow = s.MaxTransmitPayload - 1;
            Assert.ThrowsException(typeof(System.ArgumentException), () => s.Validate());
            s = new HssEngineSettings();
            s.ReceiveBudgetTotal = s.ReceiveBufferPerSocket - 1;
            Assert.ThrowsException(typeof(System.ArgumentException), () => new HssEngine(new FakeLink(true), s));
        }

        [TestMethod]
        public void Hss_codes_map_to_socket_errors()
        {
            Assert.AreEqual((int)SocketError.ConnectionRefused, (int)ErrorMap.ToSocketError(HssError.ConnectionRefused));
            Assert.AreEqual((int)SocketError.NetworkUnreachable, (int)ErrorMap.ToSocketError(HssError.NetworkUnreachable));
            Assert.AreEqual((int)SocketError.TimedOut, (int)ErrorMap.ToSocketError(HssError.TimedOut));
            Assert.AreEqual((int)SocketError.NotConnected, (int)ErrorMap.ToSocketError(HssError.NotConnected));
            Assert.AreEqual((int)SocketError.NotSocket, (int)ErrorMap.ToSocketError(HssError.NoSocket));
            Assert.AreEqual(10013, (int)ErrorMap.ToSocketError(HssError.Denied));
            Assert.AreEqual("EDENIED", HssError.NameOf(HssError.Denied));
            Assert.AreEqual((int)SocketError.AddressFamilyNotSupported, (int)ErrorMap.ToSocketError(HssError.Mismatch));
            Assert.AreEqual((int)SocketError.SocketError, (int)ErrorMap.ToSocketError(HssError.HostError));
            Assert.AreEqual((int)SocketError.SocketError, (int)ErrorMap.ToSocketError(200));
            HssSocketException e = ErrorMap.FromHss(HssError.ConnectionRefused, HssOpcode.Connect);
            Assert.AreEqual(10061, e.ErrorCode);
            Assert.Contains("ECONNREFUSED", e.Message);
        }
    }
}
