using HssDevice.Engine;
using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>Each transition of a socket's state machine on its own: no engine, no link, no threads.</summary>
    [TestClass]
    public class SocketStateMachineTests
    {
        [TestMethod]
        public void New_socket_is_opening_and_in_use_but_cannot_read_write_or_take_data()
        {
            var m = new SocketStateMachine();
            Assert.AreEqual((int)SocketState.Opening, (int)m.State);
            Assert.IsTrue(m.InUse);
            Assert.IsFalse(m.CanWrite);
            Assert.IsFalse(m.CanAcceptHostData);
            Assert.IsFalse(m.IsConnected);
            Assert.IsTrue(m.IsOpening);
            Assert.IsFalse(m.HostForgotHandle, "an OPEN not answered yet: the host may still open it");
        }

        [TestMethod]
        public void OnOpenAcked_opens()
        {
            SocketStateMachine m = Opened();
            Assert.AreEqual((int)SocketState.Open, (int)m.State);
            Assert.IsFalse(m.HostForgotHandle);
            Assert.AreEqual((int)SocketError.NotConnected, (int)m.WriteRefusal);
        }

        [TestMethod]
        public void OnConnectSent_then_answered_connects_and_data_is_taken_while_connecting()
        {
            SocketStateMachine m = Opened();
            m.OnConnectSent();
            Assert.AreEqual((int)SocketState.Connecting, (int)m.State);
            Assert.IsTrue(m.CanAcceptHostData, "host data can overtake the CONNECT ACK");
            Assert.IsFalse(m.CanWrite);
            m.OnConnectAnswered(true);
            Assert.AreEqual((int)SocketState.Established, (int)m.State);
            Assert.IsTrue(m.IsConnected);
            Assert.IsTrue(m.CanWrite);
            Assert.IsTrue(m.CanTransmit);
            Assert.AreEqual((int)SocketError.Success, (int)m.WriteRefusal);
        }

        [TestMethod]
        public void OnConnectAnswered_refused_returns_to_open()
        {
            SocketStateMachine m = Opened();
            m.OnConnectSent();
            m.OnConnectAnswered(false);
            Assert.AreEqual((int)SocketState.Open, (int)m.State);
        }

        [TestMethod]
        public void OnAppShutdownSend_stops_writes_but_not_reads_or_draining()
        {
            SocketStateMachine m = Connected();
            m.OnAppShutdownSend();
            Assert.AreEqual((int)SocketState.SendShutdown, (int)m.State);
            Assert.IsFalse(m.CanWrite);
            Assert.AreEqual((int)SocketError.Shutdown, (int)m.WriteRefusal);
            Assert.IsTrue(m.CanTransmit, "queued bytes still drain before SHUTDOWN");
            Assert.IsTrue(m.CanAcceptHostData);
            Assert.IsFalse(m.ReadsEnd);
            Assert.IsFalse(m.SendShutdownDone);
            m.OnShutdownSent();
            Assert.IsTrue(m.SendShutdownDone);
        }

        [TestMethod]
        public void OnHostShutdown_ends_reads_after_buffered_data_but_not_writes()
        {
            SocketStateMachine m = Connected();
            m.OnHostShutdown();
            Assert.AreEqual((int)SocketState.RemoteShutdown, (int)m.State);
            Assert.IsTrue(m.ReadsEnd);
            Assert.IsTrue(m.CanWrite);
            Assert.IsFalse(m.CanAcceptHostData, "nothing may follow the host's SHUTDOWN");
            Assert.IsFalse(m.HasError);
        }

        [TestMethod]
        public void OnHostShutdown_before_the_connect_ack_is_read_is_kept()
        {
            SocketStateMachine m = Opened();
            m.OnConnectSent();
            m.OnHostShutdown();
            m.OnConnectAnswered(true);
            Assert.AreEqual((int)SocketState.RemoteShutdown, (int)m.State);
            Assert.IsTrue(m.ReadsEnd);
        }

        [TestMethod]
        public void Both_shutdowns_in_either_order_end_in_BothShutdown()
        {
            SocketStateMachine a = Connected();
            a.OnAppShutdownSend();
            a.OnHostShutdown();
            SocketStateMachine b = Connected();
            b.OnHostShutdown();
            b.OnAppShutdownSend();
            Assert.AreEqual((int)SocketState.BothShutdown, (int)a.State);
            Assert.AreEqual((int)SocketState.BothShutdown, (int)b.State);
            Assert.IsFalse(a.CanWrite);
            Assert.IsTrue(a.ReadsEnd);
            Assert.IsTrue(a.IsConnected);
        }

        [TestMethod]
        public void OnAppShutdownReceive_ends_reads_locally_only()
        {
            SocketStateMachine m = Connected();
            m.OnAppShutdownReceive();
            Assert.IsTrue(m.ReadsEnd);
            Assert.AreEqual((int)SocketState.Established, (int)m.State);
            Assert.IsTrue(m.CanWrite);
        }

        [TestMethod]
        public void OnHostClose_of_a_live_socket_ends_reads_and_refuses_writes_with_connection_reset()
        {
            SocketStateMachine m = Connected();
            Assert.IsFalse(m.OnHostClose());
            Assert.AreEqual((int)SocketState.RemoteClosed, (int)m.State);
            Assert.IsTrue(m.ReadsEnd);
            Assert.IsTrue(m.HasError, "Poll(SelectError) tells a host CLOSE from a SHUTDOWN");
            Assert.AreEqual((int)SocketError.ConnectionReset, (int)m.WriteRefusal);
            Assert.IsFalse(m.CanTransmit);
            Assert.IsTrue(m.HostForgotHandle);
        }

        [TestMethod]
        public void OnHostClose_of_an_app_closed_socket_releases_it()
        {
            SocketStateMachine m = Connected();
            m.OnAppClose();
            Assert.IsTrue(m.OnHostClose());
            Assert.IsFalse(m.InUse);
        }

        [TestMethod]
        public void OnLinkReset_fails_with_network_reset_and_the_host_forgot_the_handle()
        {
            SocketStateMachine m = Connected();
            m.OnLinkReset();
            Assert.AreEqual((int)SocketState.Failed, (int)m.State);
            Assert.AreEqual((int)SocketError.NetworkReset, (int)m.Error);
            Assert.IsFalse(m.CanWrite);
            Assert.IsFalse(m.CanTransmit);
            Assert.IsFalse(m.CanAcceptHostData);
            Assert.IsTrue(m.HostForgotHandle);
            Assert.IsTrue(m.OnAppClose(), "closing after a reset sends no CLOSE");
            Assert.IsFalse(m.InUse);
        }

        [TestMethod]
        public void OnFailure_keeps_the_first_cause()
        {
            SocketStateMachine m = Connected();
            m.OnFailure(SocketError.SocketError, HssError.HostError);
            m.OnLinkReset();
            Assert.AreEqual((int)SocketError.SocketError, (int)m.Error);
            Assert.AreEqual(HssError.HostError, m.ErrorHssCode);
            Assert.IsFalse(m.HostForgotHandle, "the host still holds a socket whose TRANSMIT it failed");
        }

        [TestMethod]
        public void OnFailure_after_the_host_shutdown_keeps_end_of_stream()
        {
            SocketStateMachine m = Connected();
            m.OnHostShutdown();
            m.OnLinkReset();
            Assert.AreEqual((int)SocketState.RemoteShutdown, (int)m.State);
            Assert.IsTrue(m.ReadsEnd);
            Assert.IsTrue(m.HasFailed);
        }

        [TestMethod]
        public void OnFailure_with_enosock_means_the_host_forgot_the_handle()
        {
            SocketStateMachine m = Connected();
            m.OnFailure(SocketError.SocketError, HssError.NoSocket);
            Assert.IsTrue(m.HostForgotHandle);
        }

        [TestMethod]
        public void OnAppClose_of_a_live_socket_waits_for_close_then_release()
        {
            SocketStateMachine m = Connected();
            Assert.IsFalse(m.OnAppClose());
            Assert.AreEqual((int)SocketState.Closing, (int)m.State);
            Assert.IsTrue(m.IsAppClosed);
            Assert.IsTrue(m.CanTransmit, "unacknowledged data drains before CLOSE");
            Assert.IsFalse(m.CanWrite);
            m.OnCloseSent();
            Assert.AreEqual((int)SocketState.CloseSent, (int)m.State);
            Assert.IsTrue(m.IsCloseSent);
            Assert.IsFalse(m.CanTransmit);
            m.OnReleased();
            Assert.IsFalse(m.InUse);
        }

        [TestMethod]
        public void OnOpenTimedOut_closes_the_handle_the_host_may_hold()
        {
            var m = new SocketStateMachine();
            m.OnOpenTimedOut();
            Assert.AreEqual((int)SocketState.Closing, (int)m.State);
            Assert.AreEqual((int)SocketError.TimedOut, (int)m.Error);
            Assert.AreEqual(HssSocketException.NoHssCode, m.ErrorHssCode);
        }

        [TestMethod]
        public void OnConnectSent_while_opening_is_opening_connecting_and_takes_host_data()
        {
            var m = new SocketStateMachine();
            m.OnConnectSent();
            Assert.AreEqual((int)SocketState.OpeningConnecting, (int)m.State);
            Assert.IsTrue(m.IsOpening);
            Assert.IsTrue(m.CanAcceptHostData, "host data can overtake the OPEN and CONNECT ACKs");
            Assert.IsFalse(m.CanWrite);
            Assert.IsFalse(m.IsConnected);
            Assert.IsFalse(m.OnOpenAcked());
            Assert.AreEqual((int)SocketState.Connecting, (int)m.State);
            m.OnConnectAnswered(true);
            Assert.AreEqual((int)SocketState.Established, (int)m.State);
        }

        [TestMethod]
        public void OnOpenRefused_frees_the_slot_and_keeps_the_open_error()
        {
            var m = new SocketStateMachine();
            m.OnConnectSent();
            m.OnOpenRefused(SocketError.SocketError, HssError.HostError);
            Assert.AreEqual((int)SocketState.Released, (int)m.State);
            Assert.IsFalse(m.InUse, "the host never held the handle: the slot is free at once");
            Assert.IsFalse(m.IsOpening);
            Assert.AreEqual((int)SocketError.SocketError, (int)m.Error);
            Assert.AreEqual(HssError.HostError, m.ErrorHssCode);
            Assert.IsTrue(m.HasError);
            Assert.IsFalse(m.CanAcceptHostData);
            // A later failure (a link reset) does not replace the OPEN's error.
            m.OnLinkReset();
            Assert.AreEqual(HssError.HostError, m.ErrorHssCode);
        }

        [TestMethod]
        public void OnAppClose_while_opening_waits_for_the_open_answer()
        {
            var m = new SocketStateMachine();
            Assert.IsFalse(m.OnAppClose());
            Assert.AreEqual((int)SocketState.OpeningClosed, (int)m.State);
            Assert.IsTrue(m.IsAppClosed);
            Assert.IsFalse(m.IsOpening);
            Assert.IsTrue(m.OnOpenAcked(), "opened after all: CLOSE it now");
            Assert.AreEqual((int)SocketState.Closing, (int)m.State);

            var refused = new SocketStateMachine();
            refused.OnConnectSent();
            refused.OnAppClose();
            refused.OnOpenRefused(SocketError.SocketError, HssError.HostError);
            Assert.AreEqual((int)SocketState.Released, (int)refused.State);
            Assert.AreEqual((int)SocketError.Success, (int)refused.Error, "closed before the answer: nobody to report to");

            var timedOut = new SocketStateMachine();
            timedOut.OnAppClose();
            timedOut.OnOpenTimedOut();
            Assert.AreEqual((int)SocketState.Closing, (int)timedOut.State);
        }

        [TestMethod]
        public void OnLinkReset_while_opening_fails_and_the_host_forgot_the_handle()
        {
            var m = new SocketStateMachine();
            m.OnConnectSent();
            m.OnLinkReset();
            Assert.AreEqual((int)SocketState.Failed, (int)m.State);
            Assert.IsTrue(m.HostForgotHandle);
            Assert.IsFalse(m.OnOpenAcked());
            Assert.AreEqual((int)SocketState.Failed, (int)m.State);
        }

        [TestMethod]
        public void A_failure_while_closing_keeps_closing()
        {
            SocketStateMachine m = Connected();
            m.OnAppClose();
            m.OnLinkReset();
            Assert.AreEqual((int)SocketState.Closing, (int)m.State);
            Assert.AreEqual((int)SocketError.NetworkReset, (int)m.Error);
        }

        [TestMethod]
        public void Released_ignores_late_events()
        {
            SocketStateMachine m = Connected();
            m.OnAppClose();
            m.OnReleased();
            m.OnHostShutdown();
            m.OnLinkReset();
            Assert.IsFalse(m.OnHostClose());
            Assert.AreEqual((int)SocketState.Released, (int)m.State);
            Assert.AreEqual((int)SocketError.Success, (int)m.Error);
        }

        private static SocketStateMachine Opened()
        {
            var m = new SocketStateMachine();
            m.OnOpenAcked();
            return m;
        }

        private static SocketStateMachine Connected()
        {
            SocketStateMachine m = Opened();
            m.OnConnectSent();
            m.OnConnectAnswered(true);
            return m;
        }
    }
}
