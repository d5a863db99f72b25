using System;
using System.Diagnostics;
using System.Threading;

namespace HssDevice.Host;

/// <summary>
/// At most <see cref="MaxPerWindow"/> log messages per <see cref="Window"/>; what is held back is counted and
/// reported once per window through <c>reportHeld</c>: by the next message that passes, or by a timer at the end of
/// the window when none does (so a burst that ends still says how much it hid). Thread-safe.
/// </summary>
public sealed class LogBudget
{
    private readonly object _lock = new();
    private readonly Action<long> _reportHeld;
    private readonly Timer _flush;
    private long _windowStart = Stopwatch.GetTimestamp();
    private int _inWindow;
    private long _held;
    private long _heldTotal;
    private bool _flushArmed;

    /// <param name="reportHeld">Writes the one line that says how many messages were held back (called outside the lock).</param>
    public LogBudget(int maxPerWindow, TimeSpan window, Action<long> reportHeld)
    {
        MaxPerWindow = maxPerWindow;
        Window = window;
        _reportHeld = reportHeld;
        _flush = new Timer(_ => Flush());
    }

    public int MaxPerWindow { get; }

    public TimeSpan Window { get; }

    /// <summary>Messages held back so far.</summary>
    public long HeldTotal => Interlocked.Read(ref _heldTotal);

    /// <summary>True when a message may be logged now; false when it is held back (and counted).</summary>
    public bool TryTake()
    {
        long report = 0;
        bool taken;
        lock (_lock)
        {
            report = RollWindowLocked();
            if (_inWindow >= MaxPerWindow)
            {
                _held++;
                Interlocked.Increment(ref _heldTotal);
                if (!_flushArmed)
                {
                    _flushArmed = true;
                    TimeSpan left = Window - Stopwatch.GetElapsedTime(_windowStart);
                    _flush.Change(left > TimeSpan.Zero ? left + TimeSpan.FromMilliseconds(1) : TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
                }

                taken = false;
            }
            else
            {
                _inWindow++;
                taken = true;
            }
        }

        if (report > 0)
        {
            _reportHeld(report);
        }

        return taken;
    }

    private void Flush()
    {
        long report;
        lock (_lock)
        {
            _flushArmed = false;
            report = RollWindowLocked();
        }

        if (report > 0)
        {
            _reportHeld(report);
        }
    }

    /// <summary>Opens a new window when the current one is over; returns what the closed one held back.</summary>
    private long RollWindowLocked()
    {
        if (Stopwatch.GetElapsedTime(_windowStart) < Window)
        {
            return 0;
        }

        long held = _held;
        _windowStart = Stopwatch.GetTimestamp();
        _inWindow = 0;
        _held = 0;
        return held;
    }
}
