using System.Diagnostics;
using System.Threading;

namespace HssDevice.Engine
{
    /// <summary>
    /// What an interpreter pays for inside one engine, counted at the engine's own call sites (docs/performance.md,
    /// "Interpreter proxy"): locks entered, events set (and set while nobody waited), waits (and waits that
    /// blocked), link reads. The calls compile only in builds that define HSS_COUNTERS (the benchmarks); every
    /// other build, the board's included, drops them with their arguments and pays nothing.
    /// </summary>
    internal sealed class EngineCounters
    {
        /// <summary>True in a build that counts (HSS_COUNTERS); elsewhere every count stays 0.</summary>
#if HSS_COUNTERS
        public static readonly bool Enabled = true;
#else
        public static readonly bool Enabled = false;
#endif

        /// <summary>lock statements entered on Sync, DataWriteLock and CommandWriter's lock.</summary>
        public int Locks;

        /// <summary>Set calls on an engine event.</summary>
        public int EventSets;

        /// <summary>Set calls while no thread waited on that event (nobody heard them).</summary>
        public int EventSetsUnheard;

        /// <summary>Waits entered on an engine event.</summary>
        public int EventWaits;

        /// <summary>Waits that found their event unset and blocked: one thread wake-up each.</summary>
        public int EventWaitsBlocked;

        /// <summary>Link reads that returned, both pipes: the reader threads' wake-ups.</summary>
        public int ReaderReads;

        [Conditional("HSS_COUNTERS")]
        public void CountLock()
        {
            Interlocked.Increment(ref Locks);
        }

        [Conditional("HSS_COUNTERS")]
        public void CountSet(bool heard)
        {
            Interlocked.Increment(ref EventSets);
            if (!heard)
            {
                Interlocked.Increment(ref EventSetsUnheard);
            }
        }

        [Conditional("HSS_COUNTERS")]
        public void CountWait(bool blocked)
        {
            Interlocked.Increment(ref EventWaits);
            if (blocked)
            {
                Interlocked.Increment(ref EventWaitsBlocked);
            }
        }

        [Conditional("HSS_COUNTERS")]
        public void CountRead()
        {
            Interlocked.Increment(ref ReaderReads);
        }

        public void Reset()
        {
            Locks = 0;
            EventSets = 0;
            EventSetsUnheard = 0;
            EventWaits = 0;
            EventWaitsBlocked = 0;
            ReaderReads = 0;
        }
    }
}
