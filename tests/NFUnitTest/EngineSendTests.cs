using HssDevice.Engine;
using HssDevice.Sockets;
using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>Device-to-host data: TRANSMIT bytes, the window, coalescing, ACK handling and ordering.</summary>
    [TestClass]
    public class EngineSendTests
    {
        [TestMethod]
        public void Close_of_a_datagram_socket_whose_sends_are_acknowledged_sends_close_at_once()
        {
            // Regression: a datagram's ACK used to discard bytes from the (unused) send ring, so Close saw unsent
            // data and lingered CloseLingerMs before sending CLOSE. The manual clock never reaches the linger.
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Dgram);
                s.Send(TestData.Pattern(40, 1));
                rig.Host.AckTransmit(rig.Host.Expect(HssOpcode.Transmit), 40);
                Wait.Until(() => rig.Engine.PendingRequests == 0);
                s.Close();
                Assert.AreEqual(s.Handle, rig.Host.Expect(HssOpcode.Close).SockId);
            });
        }

        [TestMethod]
        public void Send_emits_one_transmit_on_the_data_pipe()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                Assert.AreEqual(5, s.Send(Hex.Parse("68 65 6c 6c 6f")));
                SeenPacket t = rig.Host.Expect(HssOpcode.Transmit);
                Assert.IsFalse(t.OnCommandPipe);
                Assert.AreEqual(s.Handle, t.SockId);
                Hex.AssertBytes("68 65 6c 6c 6f", t.Payload, 0, 5);
                rig.Host.AckTransmit(t, 5);
            });
        }

        [TestMethod]
        public void Window_blocks_sending_until_acks_free_it()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                s.SendTimeout = 300;
                byte[] data = TestData.Pattern(1024, 1);
                s.Send(data);
                // 1024 bytes = the whole window, in TRANSMITs of at most 256.
                int inFlight = 0;
                SeenPacket[] sent = new SeenPacket[8];
                int count = 0;
                while (inFlight < 1024)
                {
                    SeenPacket t = rig.Host.Expect(HssOpcode.Transmit);
                    Assert.IsTrue(t.PayloadLength <= 256);
                    sent[count++] = t;
                    inFlight += t.PayloadLength;
                }

                Assert.AreEqual(1024, inFlight);
                HssSocketException e = rig.ExpireTimeout(300, () => s.Send(TestData.Pattern(10, 2)));
                Assert.AreEqual((int)SocketError.TimedOut, e.ErrorCode);
                rig.Host.AckTransmit(sent[0], sent[0].PayloadLength);
                s.SendTimeout = -1;
                s.Send(TestData.Pattern(10, 2));
                // Queued in the freed window; coalescing holds it while earlier TRANSMITs are unacknowledged.
                rig.Host.ExpectSilence(100);
                for (int i = 1; i < count; i++)
                {
                    rig.Host.AckTransmit(sent[i], sent[i].PayloadLength);
                }

                SeenPacket more = rig.Host.Expect(HssOpcode.Transmit);
                Assert.AreEqual(10, more.PayloadLength);
            });
        }

        [TestMethod]
        public void Small_writes_coalesce_while_one_is_unacknowledged()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                s.Send(TestData.Pattern(10, 0));
                SeenPacket first = rig.Host.Expect(HssOpcode.Transmit);
                for (int i = 0; i < 20; i++)
                {
                    s.Send(TestData.Pattern(10, i + 1));
                }

                rig.Host.ExpectSilence(100);
                rig.Host.AckTransmit(first, 10);
                SeenPacket second = rig.Host.Expect(HssOpcode.Transmit);
                Assert.AreEqual(200, second.PayloadLength);
                Assert.AreEqual(TestData.Pattern(10, 20)[9], second.Payload[199]);
            });
        }

        [TestMethod]
        public void Acks_out_of_order_free_the_window_all_the_same()
        {
            HssEngineSettings settings = Rig.SmallSettings();
            settings.CoalesceWrites = false;
            Rig.Run(true, settings, rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                s.Send(TestData.Pattern(1024, 3));
                SeenPacket[] sent = new SeenPacket[4];
                for (int i = 0; i < 4; i++)
                {
                    sent[i] = rig.Host.Expect(HssOpcode.Transmit);
                    Assert.AreEqual(256, sent[i].PayloadLength);
                }

                for (int i = 3; i >= 0; i--)
                {
                    rig.Host.AckTransmit(sent[i], 256);
                }

                Wait.Until(() => s.Poll(0, SelectMode.SelectWrite));
                s.Send(TestData.Pattern(1024, 4));
                int total = 0;
                while (total < 1024)
                {
                    total += rig.Host.Expect(HssOpcode.Transmit).PayloadLength;
                }
            });
        }

        [TestMethod]
        public void Negative_transmit_ack_fails_the_socket_with_the_host_code()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                s.Send(TestData.Pattern(5, 0));
                SeenPacket t = rig.Host.Expect(HssOpcode.Transmit);
                rig.Host.AckTransmit(t, -HssError.NotConnected);
                Wait.Until(() => s.Poll(0, SelectMode.SelectError));
                HssSocketException e = TestData.ExpectSocketError(SocketError.NotConnected, () => s.Send(TestData.Pattern(5, 0)));
                Assert.AreEqual(HssError.NotConnected, e.HssCode);
            });
        }

        [TestMethod]
        public void Reference_style_three_byte_ack_frees_the_window()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                s.Send(TestData.Pattern(1024, 0));
                int total = 0;
                while (total < 1024)
                {
                    SeenPacket t = rig.Host.Expect(HssOpcode.Transmit);
                    total += t.PayloadLength;
                    rig.Host.Ack(t, HssError.Success);
                }

                Wait.Until(() => s.Poll(0, SelectMode.SelectWrite));
            });
        }

        [TestMethod]
        public void Shutdown_goes_out_only_after_every_transmit_is_acknowledged()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                s.Send(TestData.Pattern(100, 0));
                SeenPacket t = rig.Host.Expect(HssOpcode.Transmit);
                Background shutdown = Background.Start(() => s.Shutdown(SocketShutdown.Send));
                rig.Host.ExpectSilence(150);
                rig.Host.AckTransmit(t, 100);
                SeenPacket sd = rig.Host.Expect(HssOpcode.Shutdown);
                Assert.AreEqual(s.Handle, sd.SockId);
                rig.Host.Ack(sd, HssError.Success);
                shutdown.Join();
                Assert.ThrowsException(typeof(HssSocketException), () => s.Send(TestData.Pattern(1, 0)));
            });
        }

        [TestMethod]
        public void Close_returns_at_once_and_close_follows_the_last_ack()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                s.Send(TestData.Pattern(300, 0));
                SeenPacket a = rig.Host.Expect(HssOpcode.Transmit);
                s.Close();
                Assert.ThrowsException(typeof(System.ObjectDisposedException), () => s.Send(TestData.Pattern(1, 0)));
                // Coalesced rest waits for the first ACK; CLOSE waits for all of them.
                rig.Host.AckTransmit(a, a.PayloadLength);
                SeenPacket b = rig.Host.Expect(HssOpcode.Transmit);
                Assert.AreEqual(300, a.PayloadLength + b.PayloadLength);
                rig.Host.ExpectSilence(100);
                rig.Host.AckTransmit(b, b.PayloadLength);
                SeenPacket close = rig.Host.Expect(HssOpcode.Close);
                Assert.AreEqual(a.SockId, close.SockId);
                Assert.AreEqual(1, rig.Engine.SocketsInUse);
                rig.Host.Ack(close, HssError.Success);
                Wait.Until(() => rig.Engine.SocketsInUse == 0);
            });
        }

        [TestMethod]
        public void Datagrams_keep_their_boundaries_and_size_limit()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Dgram);
                s.Send(TestData.Pattern(30, 0));
                s.Send(TestData.Pattern(40, 1));
                Assert.AreEqual(30, rig.Host.Expect(HssOpcode.Transmit).PayloadLength);
                Assert.AreEqual(40, rig.Host.Expect(HssOpcode.Transmit).PayloadLength);
                HssSocketException e = TestData.ExpectSocketError(SocketError.MessageSize, () => s.Send(TestData.Pattern(257, 0)));
            });
        }

        [TestMethod]
        public void Send_before_connect_is_not_connected()
        {
            Rig.Run(rig =>
            {
                rig.Host.StartResponder();
                var s = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                HssSocketException e = TestData.ExpectSocketError(SocketError.NotConnected, () => s.Send(TestData.Pattern(1, 0)));
            });
        }
    }
}
