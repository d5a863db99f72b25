using System.Threading;

namespace HssDevice.Engine
{
    /// <summary>
    /// An engine event (auto-reset) that signals the OS-level event only when a thread waits on it (issue 9: no
    /// event signalled when nobody waits; in an interpreter each Set is several native calls). A Set with nobody
    /// waiting is remembered in a field, and the next wait takes it without touching the event. Callers re-check
    /// their state after every wake-up, so a wake-up with nothing to do (an event left set by a race) costs only
    /// a loop turn, as before.
    /// </summary>
    internal sealed class EngineSignal
    {
        private readonly AutoResetEvent _event = new AutoResetEvent(false);
        private readonly EngineCounters _counters;

        // 1: set since the last wait took it. Written and taken with Interlocked (full fences): a setter writes it
        // before it reads _waiters, a waiter counts itself before it takes it, so one of them always sees the
        // other and no Set is lost.
        private int _pending;

        // Threads inside WaitUntil/WaitMs.
        private int _waiters;

        public EngineSignal(EngineCounters counters)
        {
            _counters = counters;
        }

        /// <summary>Wakes the waiter, or lets the next wait return at once when nobody waits now.</summary>
        public void Set()
        {
            Interlocked.Exchange(ref _pending, 1);
            if (_waiters > 0)
            {
                _counters.CountSet(heard: true);
                _event.Set();
            }
        }

        /// <summary>Waits until Set or the clock reaches deadlineMs (long.MaxValue: no deadline); true when set.</summary>
        public bool WaitUntil(IHssClock clock, long deadlineMs)
        {
            Interlocked.Increment(ref _waiters);
            bool set = TakePending() || TakeWoken(clock.WaitUntil(_event, deadlineMs));
            Interlocked.Decrement(ref _waiters);
            return set;
        }

        /// <summary>Waits until Set or milliseconds of real time pass (a poll that looks again); true when set.</summary>
        public bool WaitMs(int milliseconds)
        {
            Interlocked.Increment(ref _waiters);
            bool set = TakePending() || TakeWoken(_event.WaitOne(milliseconds, false));
            Interlocked.Decrement(ref _waiters);
            return set;
        }

        /// <summary>Takes a Set made while nobody waited; when there is none, counts the wait about to block.</summary>
        private bool TakePending()
        {
            bool pending = Interlocked.Exchange(ref _pending, 0) != 0;
            _counters.CountWait(blocked: !pending);
            return pending;
        }

        /// <summary>After a wait on the event: the Set that ended it also left _pending, which this wake-up takes.</summary>
        private bool TakeWoken(bool set)
        {
            if (set)
            {
                Interlocked.Exchange(ref _pending, 0);
            }

            return set;
        }
    }
}
