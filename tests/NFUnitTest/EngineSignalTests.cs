using HssDevice.Engine;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>
    /// EngineSignal on its own: an auto-reset event that signals only a waiter, and keeps a Set made while nobody
    /// waited for the next wait (issue 9: no event signalled when nobody waits, and no wake-up lost either).
    /// </summary>
    [TestClass]
    public class EngineSignalTests
    {
        private static bool _woken;

        [TestMethod]
        public void A_set_with_nobody_waiting_is_kept_for_the_next_wait_only()
        {
            var clock = new ManualClock();
            var signal = new EngineSignal(new EngineCounters());
            signal.Set();
            signal.Set();
            // Auto-reset: two Sets before a wait wake one wait, as an AutoResetEvent does.
            Assert.IsTrue(signal.WaitUntil(clock, clock.NowMs), "a Set made before the wait was lost");
            Assert.IsFalse(signal.WaitUntil(clock, clock.NowMs), "one Set woke two waits");
        }

        [TestMethod]
        public void A_set_while_a_thread_waits_wakes_it()
        {
            var clock = new ManualClock();
            var signal = new EngineSignal(new EngineCounters());
            _woken = false;
            Background waiter = Background.Start(() => _woken = signal.WaitUntil(clock, long.MaxValue));
            clock.AwaitWaiters(1);
            signal.Set();
            waiter.Join();
            Assert.IsTrue(_woken);
            Assert.IsFalse(signal.WaitUntil(clock, clock.NowMs), "the Set that woke the waiter was left for the next wait too");
        }
    }
}
