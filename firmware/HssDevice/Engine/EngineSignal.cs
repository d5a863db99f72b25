using System.Threading;

namespace HssDevice.Engine
{
    /// <summary>
    /// An engine event (auto-reset) that knows whether a thread waits on it, so the counters can tell a Set
    /// somebody heard from one nobody did (docs/performance.md, "Interpreter proxy").
    /// </summary>
    internal sealed class EngineSignal
    {
        private readonly AutoResetEvent _event = new AutoResetEvent(false);
        private readonly EngineCounters _counters;

        // Threads inside WaitUntil/WaitMs.
        private int _waiters;

        public EngineSignal(EngineCounters counters)
        {
            _counters = counters;
        }

        /// <summary>Wakes one waiter, or the next wait when nobody waits now.</summary>
        public void Set()
        {
            _counters.CountSet(_waiters > 0);
            _event.Set();
        }

        /// <summary>Waits until Set or the clock reaches deadlineMs (long.MaxValue: no deadline); true when set.</summary>
        public bool WaitUntil(IHssClock clock, long deadlineMs)
        {
            Interlocked.Increment(ref _waiters);
            CountWait();
            bool set = clock.WaitUntil(_event, deadlineMs);
            Interlocked.Decrement(ref _waiters);
            return set;
        }

        /// <summary>Waits until Set or milliseconds of real time pass (a poll that looks again); true when set.</summary>
        public bool WaitMs(int milliseconds)
        {
            Interlocked.Increment(ref _waiters);
            CountWait();
            bool set = _event.WaitOne(milliseconds, false);
            Interlocked.Decrement(ref _waiters);
            return set;
        }

        private void CountWait()
        {
#if HSS_COUNTERS
            // Probing costs a call, so only the counting build asks whether this wait will block.
            if (_event.WaitOne(0, false))
            {
                _counters.CountWait(false);
                _event.Set();
                return;
            }

            _counters.CountWait(true);
#endif
        }
    }
}
