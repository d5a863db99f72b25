using System.Threading;

namespace HssDevice.Engine
{
    /// <summary>
    /// Milliseconds for every timeout of the engine (requests, connect, send, receive, close linger). Injected
    /// through <see cref="HssEngineSettings"/> so that tests move time by hand instead of sleeping.
    /// </summary>
    internal interface IHssClock
    {
        /// <summary>Milliseconds since an arbitrary origin; never goes backwards for one clock.</summary>
        long NowMs { get; }

        /// <summary>
        /// Waits until <paramref name="signal"/> is set or the clock reaches deadlineMs (long.MaxValue: no
        /// deadline). Returns true when the signal was set.
        /// </summary>
        bool WaitUntil(AutoResetEvent signal, long deadlineMs);
    }
}
