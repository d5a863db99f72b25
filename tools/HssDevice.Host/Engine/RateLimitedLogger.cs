using System;
using System.Diagnostics;
using System.Threading;
using Microsoft.Extensions.Logging;

namespace HssDevice.Host;

/// <summary>
/// One device's logger, with a bound: at most <see cref="MaxPerWindow"/> messages (Information and above) per
/// <see cref="Window"/>, so that a device flooding bad packets cannot flood the log (or the memory of whatever keeps
/// it). What is held back is counted (<see cref="DeviceCounters.SuppressedLogMessages"/>) and reported in one line
/// when the next window opens. Debug and Trace pass unlimited (off unless asked for).
/// </summary>
internal sealed class RateLimitedLogger(ILogger inner, DeviceCounters counters, string device) : ILogger
{
    public const int MaxPerWindow = 50;
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly object _lock = new();
    private long _windowStart = Stopwatch.GetTimestamp();
    private int _inWindow;
    private long _suppressedInWindow;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel < LogLevel.Information)
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
            return;
        }

        long suppressedBefore = 0;
        lock (_lock)
        {
            if (Stopwatch.GetElapsedTime(_windowStart) >= Window)
            {
                suppressedBefore = _suppressedInWindow;
                _windowStart = Stopwatch.GetTimestamp();
                _inWindow = 0;
                _suppressedInWindow = 0;
            }

            if (_inWindow >= MaxPerWindow)
            {
                _suppressedInWindow++;
                Interlocked.Increment(ref counters.suppressedLogMessages);
                return;
            }

            _inWindow++;
        }

        if (suppressedBefore > 0)
        {
            inner.LogWarning("device {Device}: {Count} log messages held back (more than {Max} per {Window} s)", device, suppressedBefore, MaxPerWindow, Window.TotalSeconds);
        }

        inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
