using HssDevice.Engine;
using HssDevice.Sockets;
using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>
    /// The one place a socket's state changes (issue 16): every change wakes both waiters and is traced; a transition
    /// the state ignores wakes nobody and says so in the trace.
    /// </summary>
    [TestClass]
    public class SocketStateChangeTests
    {
        [TestMethod]
        public void A_change_wakes_both_waiters_and_an_ignored_transition_wakes_none()
        {
            var counters = new EngineCounters();
            var receive = new EngineSignal(counters);
            var send = new EngineSignal(counters);
            var trace = new SocketStateTrace(8);
            var m = new SocketStateMachine();
            m.WakeOnChange(receive, send);
            m.TraceTo(trace, 5);

            m.OnOpenAcked();
            Assert.IsTrue(receive.WaitMs(0), "a change wakes a blocked Receive");
            Assert.IsTrue(send.WaitMs(0), "a change wakes a blocked Send");
            int k = trace.FindLast(5, SocketTransition.OpenAcked);
            Assert.AreEqual((int)SocketState.Opening, (int)trace.FromAt(k));
            Assert.AreEqual((int)SocketState.Open, (int)trace.ToAt(k));
            Assert.IsFalse(trace.IgnoredAt(k));

            // Not connected: a host SHUTDOWN means nothing to an Open socket.
            m.OnHostShutdown();
            Assert.IsFalse(receive.WaitMs(0), "an ignored transition wakes nobody");
            Assert.IsFalse(send.WaitMs(0), "an ignored transition wakes nobody");
            k = trace.FindLast(5, SocketTransition.HostShutdown);
            Assert.IsTrue(trace.IgnoredAt(k), "the trace says the state ignored it");
            Assert.AreEqual((int)SocketState.Open, (int)trace.ToAt(k));
        }

        [TestMethod]
        public void A_second_failure_is_ignored_and_the_first_cause_kept()
        {
            var trace = new SocketStateTrace(4);
            var m = new SocketStateMachine();
            m.TraceTo(trace, 1);
            m.OnOpenAcked();
            m.OnFailure(SocketError.TimedOut, HssSocketException.NoHssCode);
            m.OnFailure(SocketError.NetworkReset, HssSocketException.NoHssCode);
            Assert.AreEqual((int)SocketError.TimedOut, (int)m.Error);
            Assert.IsTrue(trace.IgnoredAt(trace.FindLast(1, SocketTransition.Failure)));
            Assert.AreEqual(3, trace.Recorded);
        }

        [TestMethod]
        public void The_trace_keeps_the_last_transitions_in_order()
        {
            var trace = new SocketStateTrace(2);
            trace.Record(1, SocketTransition.OpenAcked, SocketState.Opening, SocketState.Open, false);
            trace.Record(1, SocketTransition.ConnectSent, SocketState.Open, SocketState.Connecting, false);
            trace.Record(1, SocketTransition.ConnectAnswered, SocketState.Connecting, SocketState.Established, false);
            Assert.AreEqual(3, trace.Recorded);
            Assert.AreEqual(-1, trace.FindLast(1, SocketTransition.OpenAcked), "overwritten");
            Assert.AreEqual(0, trace.FindLast(1, SocketTransition.ConnectSent));
            Assert.AreEqual(1, trace.FindLast(1, SocketTransition.ConnectAnswered));
            Assert.AreEqual((int)SocketState.Established, (int)trace.ToAt(1));
        }

        /// <summary>The host's CLOSE is one transition; it alone must wake a Receive and a Send both blocked on it.</summary>
        [TestMethod]
        public void A_host_close_wakes_a_blocked_receive_and_a_blocked_send()
        {
            HssEngineSettings settings = Rig.SmallSettings();
            settings.StateTrace = new SocketStateTrace(64);
            Rig.Run(true, settings, rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                // Fill the window; the host does not acknowledge, so the next Send blocks.
                s.Send(TestData.Pattern(1024, 0));
                rig.Host.Expect(HssOpcode.Transmit);
                int received = -1;
                Background receive = Background.Start(() => { received = s.Receive(new byte[16]); });
                Background send = Background.Start(() => s.Send(TestData.Pattern(10, 0)));
                rig.Clock.AwaitWaiters(2);

                rig.Host.Close(s.Handle);
                receive.Join();
                Assert.AreEqual(0, received, "the blocked Receive ends the stream");
                Assert.AreEqual((int)SocketError.ConnectionReset, send.JoinFailure().ErrorCode, "the blocked Send fails");

                SocketStateTrace trace = settings.StateTrace;
                int k = trace.FindLast(s.Handle, SocketTransition.HostClose);
                Assert.IsTrue(k >= 0, "the host's CLOSE is traced");
                Assert.AreEqual((int)SocketState.Established, (int)trace.FromAt(k));
                Assert.AreEqual((int)SocketState.RemoteClosed, (int)trace.ToAt(k));
                Assert.IsFalse(trace.IgnoredAt(k));
            });
        }

        [TestMethod]
        public void A_host_shutdown_wakes_a_blocked_receive_and_a_repeated_one_is_traced_as_ignored()
        {
            HssEngineSettings settings = Rig.SmallSettings();
            settings.StateTrace = new SocketStateTrace(64);
            Rig.Run(true, settings, rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                int received = -1;
                Background receive = Background.Start(() => { received = s.Receive(new byte[16]); });
                rig.Clock.AwaitWaiters(1);
                rig.Host.Shutdown(s.Handle);
                rig.Host.Expect(HssOpcode.Ack);
                receive.Join();
                Assert.AreEqual(0, received);

                rig.Host.Shutdown(s.Handle);
                rig.Host.Expect(HssOpcode.Ack);
                SocketStateTrace trace = settings.StateTrace;
                int k = trace.FindLast(s.Handle, SocketTransition.HostShutdown);
                Assert.IsTrue(trace.IgnoredAt(k), "the second SHUTDOWN changes nothing");
                Assert.AreEqual((int)SocketState.RemoteShutdown, (int)trace.FromAt(k));
            });
        }
    }
}
