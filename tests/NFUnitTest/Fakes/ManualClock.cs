using System.Threading;
using HssDevice.Engine;

namespace HssDevice.Tests.Device
{
    /// <summary>
    /// A clock that moves only when a test calls <see cref="Advance"/>: engine timeouts happen exactly when the test
    /// says, never because the machine was slow. Waiters look at the time every few real milliseconds.
    /// </summary>
    internal sealed class ManualClock : IHssClock
    {
        private const int PollMs = 5;
        private readonly object _lock = new object();
        private long _nowMs = 1000000;
        private int _timedWaiters;
        private int _waiters;

        public long NowMs
        {
            get { lock (_lock) { return _nowMs; } }
        }

        public void Advance(int milliseconds)
        {
            lock (_lock)
            {
                _nowMs += milliseconds;
            }
        }

        /// <summary>Threads waiting now with a deadline (a timeout the test may let expire).</summary>
        public int TimedWaiters
        {
            get { lock (_lock) { return _timedWaiters; } }
        }

        /// <summary>Threads blocked in an engine call now, with or without a deadline.</summary>
        public int Waiters
        {
            get { lock (_lock) { return _waiters; } }
        }

        /// <summary>Waits (real time, bounded) until at least count threads wait with a deadline.</summary>
        public void AwaitTimedWaiters(int count)
        {
            for (int i = 0; i < 1000 && TimedWaiters < count; i++)
            {
                Thread.Sleep(5);
            }

            nanoFramework.TestFramework.Assert.IsTrue(TimedWaiters >= count, "no engine call is waiting on a timeout");
        }

        /// <summary>
        /// Waits (real time, bounded) until at least count threads are blocked in an engine call: what a test checks
        /// next (a wake-up) then happens to a call that is really waiting, however slow the machine.
        /// </summary>
        public void AwaitWaiters(int count)
        {
            for (int i = 0; i < 1000 && Waiters < count; i++)
            {
                Thread.Sleep(5);
            }

            nanoFramework.TestFramework.Assert.IsTrue(Waiters >= count, "no engine call is blocked");
        }

        public bool WaitUntil(AutoResetEvent signal, long deadlineMs)
        {
            bool timed = deadlineMs != long.MaxValue;
            lock (_lock)
            {
                _waiters++;
                if (timed)
                {
                    _timedWaiters++;
                }
            }

            try
            {
                while (true)
                {
                    if (timed && NowMs >= deadlineMs)
                    {
                        return signal.WaitOne(0, false);
                    }

                    if (signal.WaitOne(PollMs, false))
                    {
                        return true;
                    }
                }
            }
            finally
            {
                lock (_lock)
                {
                    _waiters--;
                    if (timed)
                    {
                        _timedWaiters--;
                    }
                }
            }
        }
    }
}
