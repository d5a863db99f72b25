using System;
using Microsoft.Extensions.Logging;

namespace HssDevice.Host;

/// <summary>
/// A logger with bounds, so that whoever can connect to the host cannot flood its log (or the memory or disk of what
/// keeps it): a message (Information and above) passes its own <see cref="LogBudget"/> (per device: 50 per second)
/// and then the host-wide one (every device and listener together, <see cref="HssHost.LogMessagesPerSecond"/>). What
/// is held back is counted (per device in <see cref="DeviceCounters.SuppressedLogMessages"/>, host-wide in
/// <see cref="HssHost.SuppressedLogMessages"/>) and reported in one line per window by the budget that held it.
/// Debug and Trace pass unlimited (off unless asked for).
/// </summary>
public sealed class RateLimitedLogger : ILogger
{
    public const int MaxPerWindow = 50;
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly ILogger _inner;
    private readonly LogBudget? _own;
    private readonly LogBudget? _shared;
    private readonly Action? _onHeld;

    /// <param name="own">This logger's budget (a device's), or null.</param>
    /// <param name="shared">The host-wide budget, or null.</param>
    /// <param name="onHeld">Counts a message held back by either budget (a device's counter).</param>
    public RateLimitedLogger(ILogger inner, LogBudget? own, LogBudget? shared, Action? onHeld = null)
    {
        _inner = inner;
        _own = own;
        _shared = shared;
        _onHeld = onHeld;
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => _inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => _inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel >= LogLevel.Information && ((_own != null && !_own.TryTake()) || (_shared != null && !_shared.TryTake())))
        {
            _onHeld?.Invoke();
            return;
        }

        _inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
