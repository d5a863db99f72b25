using System;
using System.Diagnostics;

namespace HssDevice.Host.Emulation;

/// <summary>
/// The timing model: bulk packets share the bus, at most N per (micro)frame for both directions together; each
/// interrupt direction gets one packet per polling interval. A transfer is stamped with the time its last packet
/// crosses the bus, and the reader sees it only then. Rates hold on average; single waits have the OS timer's
/// granularity (about 1 ms).
/// </summary>
internal sealed class UsbBusSchedule
{
    private readonly object _lock = new();
    private readonly long _frameTicks;
    private readonly int _bulkPacketsPerFrame;
    private readonly long _interruptIntervalTicks;
    private readonly long[] _lastInterruptSlot = new long[2];
    private long _frame = -1;
    private int _usedInFrame;

    public UsbBusSchedule(UsbSpeed speed, int interruptIntervalMicroseconds)
    {
        _frameTicks = (long)(Stopwatch.Frequency * UsbSpeedFacts.FrameMicroseconds(speed) / 1_000_000.0);
        _bulkPacketsPerFrame = UsbSpeedFacts.BulkPacketsPerFrame(speed);
        _interruptIntervalTicks = (long)(Stopwatch.Frequency * (double)interruptIntervalMicroseconds / 1_000_000.0);
        _lastInterruptSlot[0] = long.MinValue / 2;
        _lastInterruptSlot[1] = long.MinValue / 2;
    }

    public static long Now => Stopwatch.GetTimestamp();

    /// <summary>Reserves bus slots for packets of one bulk transfer; returns when (Stopwatch ticks) the last one has crossed.</summary>
    public long ReserveBulk(int packets)
    {
        lock (_lock)
        {
            long nowFrame = Now / _frameTicks;
            if (nowFrame > _frame)
            {
                _frame = nowFrame;
                _usedInFrame = 0;
            }

            int total = _usedInFrame + packets;
            long lastFrame = _frame + (total - 1) / _bulkPacketsPerFrame;
            _usedInFrame = (total - 1) % _bulkPacketsPerFrame + 1;
            _frame = lastFrame;
            return (lastFrame + 1) * _frameTicks;
        }
    }

    /// <summary>Reserves the next interrupt slot of one direction (0 device-to-host, 1 host-to-device).</summary>
    public long ReserveInterrupt(int direction)
    {
        lock (_lock)
        {
            long slot = Math.Max(Now, _lastInterruptSlot[direction] + _interruptIntervalTicks);
            _lastInterruptSlot[direction] = slot;
            return slot;
        }
    }

    public static TimeSpan Until(long stopwatchTicks)
    {
        long left = stopwatchTicks - Now;
        return left <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)left / Stopwatch.Frequency);
    }
}
