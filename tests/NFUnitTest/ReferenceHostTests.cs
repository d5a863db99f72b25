using HssDevice.Engine;
using HssDevice.Sockets;
using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>
    /// The device against a host that behaves as the reference host does: it answers no SHUTDOWN, ends every
    /// remote close with CLOSE, and ignores the device's ACKs of its TRANSMITs.
    /// </summary>
    [TestClass]
    public class ReferenceHostTests
    {
        [TestMethod]
        public void Shutdown_send_returns_once_sent_and_an_unanswered_shutdown_is_only_counted()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                s.Shutdown(SocketShutdown.Send);
                Assert.AreEqual(s.Handle, rig.Host.Expect(HssOpcode.Shutdown).SockId);
                s.Shutdown(SocketShutdown.Send);
                rig.Advance(rig.Engine.Settings.CommandTimeoutMs);
                Assert.AreEqual(1, rig.Engine.Stats.TimedOutRequests);
                // Receiving goes on after the unanswered SHUTDOWN.
                rig.Host.Transmit(s.Handle, TestData.Pattern(4, 0), 0, 4);
                Assert.AreEqual(4, s.Receive(new byte[8]));
                rig.Host.Expect(HssOpcode.Ack);
            });
        }

        [TestMethod]
        public void Shutdown_refused_by_the_host_fails_the_socket_afterwards()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                s.Shutdown(SocketShutdown.Send);
                rig.Host.Ack(rig.Host.Expect(HssOpcode.Shutdown), HssError.NotConnected);
                Wait.Until(() => s.Poll(0, SelectMode.SelectError));
                HssSocketException e = TestData.ExpectSocketError(SocketError.NotConnected, () => s.Receive(new byte[8]));
                Assert.AreEqual(HssError.NotConnected, e.HssCode);
            });
        }

        [TestMethod]
        public void Host_close_wakes_a_blocked_receive_with_end_of_stream()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                int n = -1;
                Background reader = Background.Start(() => n = s.Receive(new byte[8]));
                rig.Clock.AwaitWaiters(1);
                rig.Host.Close(s.Handle);
                reader.Join();
                Assert.AreEqual(0, n);
            });
        }

        [TestMethod]
        public void With_reference_settings_no_transmit_is_acknowledged_not_even_a_refusal()
        {
            HssEngineSettings settings = Rig.SmallSettings();
            settings.AnswerHostRequests = false;
            Rig.Run(true, settings, rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                rig.Host.Transmit(s.Handle, TestData.Pattern(6, 0), 0, 6);
                Assert.AreEqual(6, s.Receive(new byte[8]));
                rig.Host.Transmit(777, TestData.Pattern(6, 0), 0, 6);
                rig.Host.Transmit(s.Handle, TestData.Pattern(0, 0), 0, 0);
                rig.Host.Transmit(s.Handle, TestData.Pattern(2, 0), 0, 2);
                Assert.AreEqual(2, s.Receive(new byte[8]));
                rig.Host.ExpectSilence(150);
            });
        }

        /// <summary>
        /// The reference device answers nothing the host sends, and the reference host leaks memory and logs a line
        /// for each answer it gets (issue 16): under reference settings the host's SHUTDOWN and CLOSE, a request for
        /// an unknown handle and a bad request get no answer, and still do what they mean.
        /// </summary>
        [TestMethod]
        public void With_reference_settings_the_hosts_shutdown_close_and_bad_requests_are_not_answered()
        {
            HssEngineSettings settings = Rig.SmallSettings();
            settings.AnswerHostRequests = false;
            Rig.Run(true, settings, rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                HssSocket t = rig.OpenConnected(SocketType.Stream);
                rig.Host.Transmit(s.Handle, TestData.Pattern(5, 1), 0, 5);
                // No ACK comes under these settings, so the host waits for the data to land before its SHUTDOWN: the
                // two travel on different pipes and may overtake each other (docs/protocol.md section 8, Ordering).
                Wait.Until(() => s.Available == 5);
                rig.Host.Shutdown(s.Handle);
                rig.Host.Close(t.Handle);
                rig.Host.Close(999);
                rig.Host.Shutdown(998);
                // OPEN goes device to host only: from the host it is a bad request.
                byte[] open = new byte[HssLayout.MaxCommandPacket];
                rig.Link.HostSendCommand(open, PacketWriter.WriteOpen(open, 0, 0x4242, 7, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream));

                byte[] buffer = new byte[8];
                Assert.AreEqual(5, s.Receive(buffer));
                Assert.AreEqual(0, s.Receive(buffer), "the SHUTDOWN ended the stream");
                Assert.AreEqual(0, t.Receive(buffer), "the CLOSE ended the stream");
                TestData.ExpectSocketError(SocketError.ConnectionReset, () => t.Send(TestData.Pattern(1, 0)));
                Wait.Until(() => rig.Engine.Stats.ProtocolErrors == 1);
                rig.Host.ExpectSilence(200);
            });
        }

        [TestMethod]
        public void By_default_the_hosts_close_is_acknowledged()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                int closeId = rig.Host.Close(s.Handle);
                SeenPacket ack = rig.Host.Expect(HssOpcode.Ack);
                Assert.AreEqual((int)HssOpcode.Close, ack.OrigOpcode);
                Assert.AreEqual(closeId, ack.MsgId);
                Assert.AreEqual(HssError.Success, ack.Code);
            });
        }
    }
}
