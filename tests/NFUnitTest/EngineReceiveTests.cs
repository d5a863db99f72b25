using HssDevice.Engine;
using HssDevice.Sockets;
using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>Host-to-device data: ACK after the application reads, budgets, end of stream, host CLOSE.</summary>
    [TestClass]
    public class EngineReceiveTests
    {

        [TestMethod]
        public void Received_data_is_acknowledged_only_once_read()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                int msgId = rig.Host.Transmit(s.Handle, TestData.Pattern(100, 1), 0, 100);
                Wait.Until(() => s.Available == 100);
                rig.Host.ExpectSilence(100);
                byte[] buffer = new byte[60];
                Assert.AreEqual(60, s.Receive(buffer));
                rig.Host.ExpectSilence(100);
                Assert.AreEqual(40, s.Receive(buffer));
                Assert.AreEqual(TestData.Pattern(100, 1)[99], buffer[39]);
                SeenPacket ack = rig.Host.Expect(HssOpcode.Ack);
                Assert.IsTrue(ack.OnCommandPipe);
                Assert.AreEqual(msgId, ack.MsgId);
                Assert.AreEqual(s.Handle, ack.SockId);
                Assert.AreEqual((int)HssOpcode.Transmit, ack.OrigOpcode);
                Assert.IsTrue(ack.HasValue);
                Assert.AreEqual(100, ack.Value);
            });
        }

        [TestMethod]
        public void Data_that_overtakes_the_connect_ack_is_kept()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenAnswered(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                Background connect = Background.Start(() => s.Connect(HssEndPoint.Parse("127.0.0.1:25")));
                SeenPacket c = rig.Host.Expect(HssOpcode.Connect);
                // A server that speaks first: its banner arrives on the data pipe before the CONNECT's ACK.
                rig.Host.Transmit(s.Handle, TestData.Pattern(12, 3), 0, 12);
                Wait.Until(() => s.Available == 12);
                rig.Host.Ack(c, HssError.Success);
                connect.Join();
                byte[] buffer = new byte[32];
                Assert.AreEqual(12, s.Receive(buffer));
                Assert.AreEqual(TestData.Pattern(12, 3)[11], buffer[11]);
                Assert.AreEqual(12, rig.Host.Expect(HssOpcode.Ack).Value);
            });
        }

        [TestMethod]
        public void One_receive_spanning_several_transmits_acks_each()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                int a = rig.Host.Transmit(s.Handle, TestData.Pattern(10, 1), 0, 10);
                int b = rig.Host.Transmit(s.Handle, TestData.Pattern(20, 2), 0, 20);
                Wait.Until(() => s.Available == 30);
                byte[] buffer = new byte[100];
                Assert.AreEqual(30, s.Receive(buffer));
                Assert.AreEqual(TestData.Pattern(20, 2)[0], buffer[10]);
                Assert.AreEqual(a, rig.Host.Expect(HssOpcode.Ack).MsgId);
                Assert.AreEqual(b, rig.Host.Expect(HssOpcode.Ack).MsgId);
            });
        }

        [TestMethod]
        public void Datagrams_are_returned_one_per_receive_and_truncated_to_the_buffer()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Dgram);
                rig.Host.Transmit(s.Handle, TestData.Pattern(50, 1), 0, 50);
                rig.Host.Transmit(s.Handle, TestData.Pattern(0, 0), 0, 0);
                rig.Host.Transmit(s.Handle, TestData.Pattern(30, 3), 0, 30);
                Wait.Until(() => s.Available == 80);
                byte[] buffer = new byte[20];
                Assert.AreEqual(20, s.Receive(buffer));
                Assert.AreEqual(TestData.Pattern(50, 1)[19], buffer[19]);
                Assert.AreEqual(0, s.Receive(buffer));
                Assert.AreEqual(20, s.Receive(buffer));
                Assert.AreEqual(TestData.Pattern(30, 3)[0], buffer[0]);
                Assert.AreEqual(50, rig.Host.Expect(HssOpcode.Ack).Value);
                Assert.AreEqual(0, rig.Host.Expect(HssOpcode.Ack).Value);
                Assert.AreEqual(30, rig.Host.Expect(HssOpcode.Ack).Value);
                Assert.AreEqual(0, s.Available);
            });
        }

        [TestMethod]
        public void Host_shutdown_gives_end_of_stream_after_buffered_data()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                rig.Host.Transmit(s.Handle, TestData.Pattern(10, 1), 0, 10);
                Wait.Until(() => s.Available == 10);
                int shutdownId = rig.Host.Shutdown(s.Handle);
                SeenPacket ack = rig.Host.Expect(HssOpcode.Ack);
                Assert.AreEqual(shutdownId, ack.MsgId);
                Assert.AreEqual((int)HssOpcode.Shutdown, ack.OrigOpcode);
                Assert.AreEqual(0, ack.Code);
                byte[] buffer = new byte[64];
                Assert.AreEqual(10, s.Receive(buffer));
                Assert.AreEqual(0, s.Receive(buffer));
                Assert.AreEqual(0, s.Receive(buffer));
                // Sending still works after the peer's FIN.
                s.Send(TestData.Pattern(3, 0));
                rig.Host.Expect(HssOpcode.Ack);
                Assert.AreEqual(3, rig.Host.Expect(HssOpcode.Transmit).PayloadLength);
            });
        }

        [TestMethod]
        public void Host_close_keeps_buffered_data_readable_then_ends_the_stream()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                rig.Host.Transmit(s.Handle, TestData.Pattern(10, 1), 0, 10);
                Wait.Until(() => s.Available == 10);
                int closeId = rig.Host.Close(s.Handle);
                SeenPacket ack = rig.Host.Expect(HssOpcode.Ack);
                Assert.AreEqual(closeId, ack.MsgId);
                Assert.AreEqual((int)HssOpcode.Close, ack.OrigOpcode);
                byte[] buffer = new byte[64];
                Assert.AreEqual(10, s.Receive(buffer));
                Assert.AreEqual(0, s.Receive(buffer));
                Assert.AreEqual(0, s.Receive(buffer));
                // Told apart from the host's SHUTDOWN: an error to poll for, and sends fail with ConnectionReset.
                Assert.IsTrue(s.Poll(0, SelectMode.SelectError));
                Assert.IsFalse(s.Connected);
                TestData.ExpectSocketError(SocketError.ConnectionReset, () => s.Send(TestData.Pattern(1, 0)));
                // The handle is dead on both sides: closing sends nothing and frees the slot.
                s.Close();
                rig.Host.ExpectSilence(100);
                Assert.AreEqual(0, rig.Engine.SocketsInUse);
            });
        }

        [TestMethod]
        public void Host_close_fails_a_blocked_send()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                s.Send(TestData.Pattern(1024, 0));
                Background blocked = Background.Start(() => s.Send(TestData.Pattern(10, 0)));
                rig.Clock.AwaitWaiters(1);
                rig.Host.Close(s.Handle);
                HssSocketException e = blocked.JoinFailure();
                Assert.AreEqual((int)SocketError.ConnectionReset, e.ErrorCode);
            });
        }

        [TestMethod]
        public void Requests_for_unknown_handles_get_enosock()
        {
            Rig.Run(rig =>
            {
                rig.Host.Shutdown(999);
                Assert.AreEqual(HssError.NoSocket, rig.Host.Expect(HssOpcode.Ack).Code);
                rig.Host.Close(999);
                Assert.AreEqual(HssError.NoSocket, rig.Host.Expect(HssOpcode.Ack).Code);
                rig.Host.Transmit(999, TestData.Pattern(5, 0), 0, 5);
                SeenPacket ack = rig.Host.Expect(HssOpcode.Ack);
                Assert.AreEqual(HssError.NoSocket, ack.Code);
                Assert.AreEqual(-HssError.NoSocket, ack.Value);
            });
        }

        [TestMethod]
        public void Receive_timeout_throws_timed_out()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                s.ReceiveTimeout = 100;
                HssSocketException e = rig.ExpireTimeout(100, () => s.Receive(new byte[10]));
                Assert.AreEqual((int)SocketError.TimedOut, e.ErrorCode);
                Assert.AreEqual(HssSocketException.NoHssCode, e.HssCode);
                Assert.IsFalse(s.Poll(0, SelectMode.SelectRead));
                rig.Host.Transmit(s.Handle, TestData.Pattern(5, 0), 0, 5);
                Assert.IsTrue(s.Poll(-1, SelectMode.SelectRead));
                Assert.AreEqual(5, s.Receive(new byte[10]));
            });
        }

        [TestMethod]
        public void Close_wakes_a_blocked_receive()
        {
            Rig.Run(rig =>
            {
                rig.Host.StartResponder();
                var s = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                s.Connect(new HssEndPoint(HssIPAddress.Loopback, 9));
                Background blocked = Background.Start(() => s.Receive(new byte[10]));
                rig.Clock.AwaitWaiters(1);
                s.Close();
                Assert.ThrowsException(typeof(BackgroundException), () => blocked.Join());
            });
        }

        [TestMethod]
        public void Budget_spent_stops_reading_the_pipe_and_loses_nothing()
        {
            // Per-socket buffer 1024, total 2048: two sockets fill the budget, the third socket's data waits.
            Rig.Run(rig =>
            {
                HssSocket a = rig.OpenConnected(SocketType.Stream);
                HssSocket b = rig.OpenConnected(SocketType.Stream);
                HssSocket c = rig.OpenConnected(SocketType.Stream);
                for (int i = 0; i < 4; i++)
                {
                    rig.Host.Transmit(a.Handle, TestData.Pattern(256, i), 0, 256);
                    rig.Host.Transmit(b.Handle, TestData.Pattern(256, i + 10), 0, 256);
                }

                rig.Host.Transmit(c.Handle, TestData.Pattern(100, 50), 0, 100);
                rig.Host.Transmit(a.Handle, TestData.Pattern(256, 4), 0, 256);
                Wait.Until(() => a.Available == 1024 && b.Available == 1024);
                System.Threading.Thread.Sleep(100);
                Assert.AreEqual(0, c.Available, "c's data must wait while the budget is spent");
                Assert.AreEqual(2048, rig.Engine.TotalBuffered);
                byte[] buffer = new byte[2048];
                Assert.AreEqual(1024, b.Receive(buffer));
                Wait.Until(() => c.Available == 100);
                Assert.AreEqual(100, c.Receive(buffer));
                Assert.AreEqual(TestData.Pattern(100, 50)[99], buffer[99]);
                int total = 0;
                while (total < 1280)
                {
                    total += a.Receive(buffer, 0, 2048, SocketFlags.None);
                }

                Assert.AreEqual(1280, total);
                Assert.IsTrue(rig.Engine.TotalBuffered <= 2048);
            });
        }

        [TestMethod]
        public void HssStream_over_a_connected_socket_reads_writes_and_fails_as_NetworkStream_does()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                var stream = new HssStream(s, true);
                stream.Write(TestData.Pattern(7, 1), 0, 7);
                SeenPacket t = rig.Host.Expect(HssOpcode.Transmit);
                Assert.AreEqual(7, t.PayloadLength);
                rig.Host.Transmit(s.Handle, TestData.Pattern(9, 2), 0, 9);
                byte[] buffer = new byte[16];
                Assert.AreEqual(9, stream.Read(buffer, 0, 16));
                rig.Host.Shutdown(s.Handle);
                Assert.AreEqual(0, stream.Read(buffer, 0, 16));
                rig.Host.Close(s.Handle);
                Wait.Until(() => s.Poll(0, SelectMode.SelectError));
                // As NetworkStream: a socket failure is an IOException.
                Assert.ThrowsException(typeof(System.IO.IOException), () => stream.Write(TestData.Pattern(1, 0), 0, 1));
                stream.Dispose();
                Assert.ThrowsException(typeof(System.ObjectDisposedException), () => s.Send(TestData.Pattern(1, 0)));
            });
        }
    }
}
