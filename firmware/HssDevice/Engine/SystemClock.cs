using System;
using System.Threading;

namespace HssDevice.Engine
{
    /// <summary>The clock a board uses: DateTime.UtcNow (nanoFramework's mscorlib has no monotonic tick counter).</summary>
    internal sealed class SystemClock : IHssClock
    {
        public static readonly SystemClock Instance = new SystemClock();

        public long NowMs
        {
            get { return DateTime.UtcNow.Ticks / TimeSpan.TicksPerMillisecond; }
        }

        public bool WaitUntil(AutoResetEvent signal, long deadlineMs)
        {
            if (deadlineMs == long.MaxValue)
            {
                return signal.WaitOne(Timeout.Infinite, false);
            }

            long left = deadlineMs - NowMs;
            return signal.WaitOne(left <= 0 ? 0 : left > int.MaxValue ? int.MaxValue : (int)left, false);
        }
    }
}
