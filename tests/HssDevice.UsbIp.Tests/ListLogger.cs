using System;
using System.Collections.Concurrent;
using System.Linq;
using Microsoft.Extensions.Logging;

namespace HssDevice.UsbIp.Tests;

/// <summary>Collects log lines, to check that the server says why it refused something.</summary>
public sealed class ListLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue((logLevel, formatter(state, exception)));

    public bool HasWarning(string fragment) =>
        Lines.Any(l => l.Level >= LogLevel.Warning && l.Message.Contains(fragment, StringComparison.OrdinalIgnoreCase));

    public override string ToString() => string.Join("\n", Lines.Select(l => $"{l.Level}: {l.Message}"));
}
