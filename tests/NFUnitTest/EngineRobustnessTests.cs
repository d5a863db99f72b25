using HssDevice.Engine;
using HssDevice.Sockets;
using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>Failures in awkward places: writes that fail, retries, full tables, closing with data still around.</summary>
    [TestClass]
    public class EngineRobustnessTests
    {
        [TestMethod]
        public void Open_whose_write_fails_gives_its_slot_back()
        {
            HssEngineSettings settings = Rig.SmallSettings();
            settings.MaxSockets = 2;
            Rig.Run(true, settings, rig =>
            {
                rig.Link.FailWrites = true;
                for (int i = 0; i < 4; i++)
                {
                    TestData.ExpectSocketError(SocketError.NetworkReset, () => new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
                }

                Assert.AreEqual(0, rig.Engine.SocketsInUse);
                rig.Link.FailWrites = false;
                rig.Host.StartResponder();
                var s = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                Assert.AreNotEqual(0u, s.Handle);
            });
        }

        [TestMethod]
        public void A_flush_that_fails_in_the_reader_thread_does_not_stop_it()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                s.Send(TestData.Pattern(10, 0));
                SeenPacket first = rig.Host.Expect(HssOpcode.Transmit);
                s.Send(TestData.Pattern(10, 1));
                // The ACK makes the command reader flush the coalesced bytes: that write fails.
                rig.Link.FailWrites = true;
                rig.Host.AckTransmit(first, 10);
                Wait.Until(() => rig.Engine.Stats.LinkResets >= 1);
                rig.Link.FailWrites = false;
                // The reader still reads: a host request is answered.
                rig.Host.Shutdown(12345);
                Assert.AreEqual(HssError.NoSocket, rig.Host.Expect(HssOpcode.Ack).Code);
            });
        }

        [TestMethod]
        public void Shutdown_retried_after_a_drain_timeout_still_sends_shutdown()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                s.Send(TestData.Pattern(10, 0));
                SeenPacket t = rig.Host.Expect(HssOpcode.Transmit);
                s.SendTimeout = 100;
                Assert.AreEqual((int)SocketError.TimedOut, rig.ExpireTimeout(100, () => s.Shutdown(SocketShutdown.Send)).ErrorCode);
                rig.Host.AckTransmit(t, 10);
                s.SendTimeout = -1;
                Background retry = Background.Start(() => s.Shutdown(SocketShutdown.Send));
                rig.Host.Ack(rig.Host.Expect(HssOpcode.Shutdown), HssError.Success);
                retry.Join();
            });
        }

        [TestMethod]
        public void Close_refuses_buffered_host_transmits_with_one_ack_each()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                int a = rig.Host.Transmit(s.Handle, TestData.Pattern(10, 0), 0, 10);
                int b = rig.Host.Transmit(s.Handle, TestData.Pattern(20, 0), 0, 20);
                Wait.Until(() => s.Available == 30);
                s.Close();
                SeenPacket ackA = rig.Host.Expect(HssOpcode.Ack);
                SeenPacket ackB = rig.Host.Expect(HssOpcode.Ack);
                Assert.AreEqual(a, ackA.MsgId);
                Assert.AreEqual(b, ackB.MsgId);
                Assert.AreEqual(-HssError.NotConnected, ackA.Value);
                Assert.AreEqual(HssError.NotConnected, ackB.Code);
                rig.Host.Ack(rig.Host.Expect(HssOpcode.Close), HssError.Success);
                Wait.Until(() => rig.Engine.SocketsInUse == 0 && rig.Engine.TotalBuffered == 0);
            });
        }

        [TestMethod]
        public void Close_after_the_host_failed_a_transmit_still_sends_close()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Dgram);
                s.Send(TestData.Pattern(10, 0));
                rig.Host.AckTransmit(rig.Host.Expect(HssOpcode.Transmit), -HssError.HostError);
                Wait.Until(() => s.Poll(0, SelectMode.SelectError));
                s.Close();
                SeenPacket close = rig.Host.Expect(HssOpcode.Close);
                Assert.AreEqual(s.Handle, close.SockId);
            });
        }

        [TestMethod]
        public void Connect_timeout_makes_the_socket_unusable_and_close_tells_the_host()
        {
            HssEngineSettings settings = Rig.SmallSettings();
            settings.ConnectTimeoutMs = 200;
            Rig.Run(true, settings, rig =>
            {
                HssSocket s = rig.OpenAnswered(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                Background connect = Background.Start(() => s.Connect(HssEndPoint.Parse("127.0.0.1:9")));
                rig.Host.Expect(HssOpcode.Connect);
                rig.Clock.AwaitTimedWaiters(1);
                rig.Advance(199);
                Assert.IsFalse(connect.Finished, "CONNECT timed out before ConnectTimeoutMs");
                rig.Advance(1);
                Assert.AreEqual((int)SocketError.TimedOut, connect.JoinFailure().ErrorCode);
                TestData.ExpectSocketError(SocketError.TimedOut, () => s.Connect(HssEndPoint.Parse("127.0.0.1:9")));
                s.Close();
                Assert.AreEqual(s.Handle, rig.Host.Expect(HssOpcode.Close).SockId);
            });
        }

        [TestMethod]
        public void Datagram_send_waiting_for_a_request_slot_goes_out_when_another_socket_frees_one()
        {
            HssEngineSettings settings = Rig.SmallSettings();
            settings.MaxOutstandingRequests = 4;
            Rig.Run(true, settings, rig =>
            {
                HssSocket u1 = rig.OpenConnected(SocketType.Dgram);
                HssSocket u2 = rig.OpenConnected(SocketType.Dgram);
                SeenPacket[] held = new SeenPacket[4];
                for (int i = 0; i < 4; i++)
                {
                    u1.Send(TestData.Pattern(8, i));
                    held[i] = rig.Host.Expect(HssOpcode.Transmit);
                }

                Background blocked = Background.Start(() => u2.Send(TestData.Pattern(8, 9)));
                rig.Host.ExpectSilence(150);
                rig.Host.AckTransmit(held[0], 8);
                SeenPacket t = rig.Host.Expect(HssOpcode.Transmit);
                Assert.AreEqual(u2.Handle, t.SockId);
                blocked.Join();
            });
        }
    }
}
