using HssDevice.Engine;
using HssDevice.Sockets;
using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>Link reset, bad input from the host (docs/protocol.md section 11) and the single-pipe profile.</summary>
    [TestClass]
    public class EngineLinkTests
    {

        [TestMethod]
        public void Link_reset_fails_every_socket_and_pending_request_with_network_reset()
        {
            Rig.Run(rig =>
            {
                HssSocket a = rig.OpenConnected(SocketType.Stream);
                rig.Host.Transmit(a.Handle, TestData.Pattern(4, 0), 0, 4);
                Wait.Until(() => a.Available == 4);
                // b's OPEN is unanswered when the link goes (the constructor does not wait): b's Connect reports the reset.
                var b = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                rig.Host.Expect(HssOpcode.Open);
                rig.Link.HostDisconnect();
                TestData.ExpectSocketError(SocketError.NetworkReset, () => b.Connect(new HssEndPoint(HssIPAddress.Loopback, 80)));
                b.Close();
                // Data that arrived stays readable, then the reset is reported.
                byte[] buffer = new byte[10];
                Assert.AreEqual(4, a.Receive(buffer));
                HssSocketException r = TestData.ExpectSocketError(SocketError.NetworkReset, () => a.Receive(buffer));
                Assert.IsTrue(rig.Engine.Stats.LinkResets >= 1);
                a.Close();
                Assert.AreEqual(0, rig.Engine.SocketsInUse);
                // The link came back: new sockets work.
                rig.Host.StartResponder();
                var c = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                c.Connect(new HssEndPoint(HssIPAddress.Loopback, 80));
                Assert.IsTrue(c.Connected);
            });
        }

        [TestMethod]
        public void Link_reset_wakes_a_blocked_receive()
        {
            Rig.Run(rig =>
            {
                HssSocket a = rig.OpenConnected(SocketType.Stream);
                Background blocked = Background.Start(() => a.Receive(new byte[10]));
                rig.Clock.AwaitWaiters(1);
                rig.Link.HostDisconnect();
                Assert.ThrowsException(typeof(BackgroundException), () => blocked.Join());
            });
        }

        [TestMethod]
        public void Over_long_command_is_answered_einval_and_nothing_else_changes()
        {
            Rig.Run(rig =>
            {
                HssSocket a = rig.OpenConnected(SocketType.Stream);
                byte[] bad = new byte[64];
                PacketWriter.WriteHeader(bad, 0, HssOpcode.Shutdown, 0x1234, a.Handle, 60);
                rig.Link.HostSendCommand(bad, 64);
                SeenPacket ack = rig.Host.Expect(HssOpcode.Ack);
                Assert.AreEqual(0x1234, ack.MsgId);
                Assert.AreEqual(HssError.InvalidArgument, ack.Code);
                Assert.AreEqual(1, rig.Engine.Stats.ProtocolErrors);
                Assert.IsTrue(a.Connected);
            });
        }

        [TestMethod]
        public void Unknown_opcode_and_short_payload_are_dropped_and_counted()
        {
            Rig.Run(rig =>
            {
                HssSocket a = rig.OpenConnected(SocketType.Stream);
                rig.Link.HostSendCommand(Hex.Parse("09 00 01 00 01 00 00 00 00 00 00 00"), 12);
                rig.Link.HostSendCommand(Hex.Parse("04 00 01 00 01 00 00 00 02 00 00 00 01 00"), 14);
                // A command whose transfer is longer than its packet is not trusted either.
                rig.Link.HostSendCommand(Hex.Parse("04 00 01 00 01 00 00 00 03 00 00 00 01 00 00 ff"), 16);
                Wait.Until(() => rig.Engine.Stats.ProtocolErrors == 3);
                rig.Host.ExpectSilence(100);
                Assert.IsTrue(a.Connected);
            });
        }

        [TestMethod]
        public void Open_or_connect_from_the_host_is_refused()
        {
            Rig.Run(rig =>
            {
                byte[] buffer = new byte[64];
                int n = PacketWriter.WriteOpen(buffer, 0, 77, 5, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream);
                rig.Link.HostSendCommand(buffer, n);
                SeenPacket ack = rig.Host.Expect(HssOpcode.Ack);
                Assert.AreEqual(77, ack.MsgId);
                Assert.AreEqual(HssError.InvalidArgument, ack.Code);
            });
        }

        [TestMethod]
        public void Oversized_transmit_is_refused_and_framing_holds()
        {
            Rig.Run(rig =>
            {
                HssSocket a = rig.OpenConnected(SocketType.Stream);
                int bad = rig.Host.Transmit(a.Handle, TestData.Pattern(300, 0), 0, 300);
                int good = rig.Host.Transmit(a.Handle, TestData.Pattern(20, 9), 0, 20);
                SeenPacket refused = rig.Host.Expect(HssOpcode.Ack);
                Assert.AreEqual(bad, refused.MsgId);
                Assert.AreEqual(HssError.InvalidArgument, refused.Code);
                Assert.AreEqual(-HssError.InvalidArgument, refused.Value);
                byte[] buffer = new byte[64];
                Assert.AreEqual(20, a.Receive(buffer));
                Assert.AreEqual(TestData.Pattern(20, 9)[19], buffer[19]);
                Assert.AreEqual(good, rig.Host.Expect(HssOpcode.Ack).MsgId);
            });
        }

        [TestMethod]
        public void Lost_data_framing_resets_the_link_and_closes_host_sockets()
        {
            Rig.Run(rig =>
            {
                HssSocket a = rig.OpenConnected(SocketType.Stream);
                rig.Link.HostSendData(Hex.Parse("0a 00 01 00 01 00 00 00 10 00 00 00"), 12);
                SeenPacket close = rig.Host.Expect(HssOpcode.Close);
                Assert.AreEqual(a.Handle, close.SockId);
                rig.Host.Ack(close, HssError.Success);
                Assert.IsTrue(a.Poll(1000000, SelectMode.SelectError));
                Assert.IsFalse(a.Connected);
                Assert.AreEqual(1, rig.Engine.Stats.LinkResets);
                // Framing is back for the next transfer.
                rig.Host.StartResponder();
                var b = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                b.Connect(new HssEndPoint(HssIPAddress.Loopback, 80));
                rig.Host.StopResponder();
                rig.Host.Transmit(b.Handle, TestData.Pattern(5, 0), 0, 5);
                Assert.AreEqual(5, b.Receive(new byte[8]));
            });
        }

        [TestMethod]
        public void Single_pipe_profile_carries_data_both_ways_with_short_reads()
        {
            int[] limits = new int[] { 1, 5, 12, 13, 64 };
            for (int k = 0; k < limits.Length; k++)
            {
                Rig.Run(false, Rig.SmallSettings(), rig =>
                {
                    rig.Link.ChunkLimit = limits[k];
                    HssSocket s = rig.OpenConnected(SocketType.Stream);
                    s.Send(TestData.Pattern(50, k));
                    SeenPacket t = rig.Host.Expect(HssOpcode.Transmit);
                    Assert.IsFalse(t.OnCommandPipe);
                    rig.Host.AckTransmit(t, 50);
                    rig.Host.Transmit(s.Handle, TestData.Pattern(200, k), 0, 200);
                    byte[] buffer = new byte[256];
                    int total = 0;
                    while (total < 200)
                    {
                        total += s.Receive(buffer, total, 256 - total, SocketFlags.None);
                    }

                    Assert.AreEqual(TestData.Pattern(200, k)[199], buffer[199]);
                    SeenPacket ack = rig.Host.Expect(HssOpcode.Ack);
                    Assert.IsFalse(ack.OnCommandPipe, "single pipe: commands travel on the data pipe");
                    Assert.AreEqual(200, ack.Value);
                });
            }
        }

        [TestMethod]
        public void Dual_pipe_transmits_back_to_back_are_reassembled_from_short_reads()
        {
            int[] limits = new int[] { 1, 5, 12, 13, 64 };
            for (int k = 0; k < limits.Length; k++)
            {
                Rig.Run(rig =>
                {
                    rig.Link.ChunkLimit = limits[k];
                    HssSocket s = rig.OpenConnected(SocketType.Stream);
                    byte[] two = new byte[2 * (12 + 100)];
                    PacketWriter.WriteTransmitHeader(two, 0, 1, s.Handle, 100);
                    System.Array.Copy(TestData.Pattern(100, 1), 0, two, 12, 100);
                    PacketWriter.WriteTransmitHeader(two, 112, 2, s.Handle, 100);
                    System.Array.Copy(TestData.Pattern(100, 2), 0, two, 124, 100);
                    rig.Link.HostSendData(two, two.Length);
                    Wait.Until(() => s.Available == 200);
                    byte[] buffer = new byte[200];
                    Assert.AreEqual(200, s.Receive(buffer));
                    Assert.AreEqual(TestData.Pattern(100, 2)[99], buffer[199]);
                });
            }
        }

        [TestMethod]
        public void Dispose_fails_waiters_with_operation_aborted()
        {
            Rig rig = Rig.Start();
            // The constructor does not wait for OPEN: the waiter is the Connect sent right behind it.
            var socket = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            Background open = Background.Start(() => socket.Connect(new HssEndPoint(HssIPAddress.Loopback, 80)));
            rig.Host.Expect(HssOpcode.Open);
            rig.Host.Expect(HssOpcode.Connect);
            rig.Engine.Dispose();
            HssSocketException e = open.JoinFailure();
            Assert.AreEqual((int)SocketError.OperationAborted, e.ErrorCode);
        }
    }
}
