using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace HssDevice.Host.Emulation;

/// <summary>
/// Wakes readers of the timing model when a transfer's last packet has crossed the bus. One thread for the whole
/// process, however many emulated links: it sleeps until the earliest deadline (finely on Linux, nanosleep in steps
/// of at most 100 us), so a waiting reader holds no thread and burns no CPU. Readers spinning until microframe
/// deadlines cost a core per few links, which made many emulated devices (hss bench --host-scale) measure the
/// emulation instead of the host.
/// </summary>
internal static class BusClock
{
    private static readonly object Gate = new();
    private static readonly PriorityQueue<object, long> Waiters = new(); // TaskCompletionSource or IBusClockWaiter
    private static readonly AutoResetEvent Wake = new(false);
    private static readonly long FineStepTicks = Stopwatch.Frequency / 10_000; // 100 us
    private static readonly long CoarseThresholdTicks = Stopwatch.Frequency / 500; // 2 ms
    private static Thread? _thread;
    private static long _looksAgainAt = long.MaxValue; // guarded by Gate: when the clock thread looks at the queue next (MaxValue: when woken)

    /// <summary>The clock thread's name (benchmarks charge its CPU to the emulation).</summary>
    public const string ThreadName = "usb-bus-clock";

    /// <summary>A task that completes once Stopwatch.GetTimestamp() has reached <paramref name="stopwatchTicks"/>.</summary>
    public static Task WhenReached(long stopwatchTicks)
    {
        if (stopwatchTicks <= Stopwatch.GetTimestamp())
        {
            return Task.CompletedTask;
        }

        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(waiter, stopwatchTicks);
        return waiter.Task;
    }

    /// <summary>Calls <see cref="IBusClockWaiter.OnBusTime"/> on the clock's thread once the time is reached; always from
    /// the clock's thread, even for a time already past, since the caller may hold its own lock.</summary>
    public static void Schedule(long stopwatchTicks, IBusClockWaiter waiter) => Enqueue(waiter, stopwatchTicks);

    private static void Enqueue(object waiter, long stopwatchTicks)
    {
        bool earliest;
        lock (Gate)
        {
            // Wake the clock only when it would otherwise look too late: while it sleeps in fine steps it looks every
            // 100 us anyway, and a wake-up per transfer (a futex call on the caller's thread, the host's) was the
            // emulation's largest cost charged to the host.
            earliest = stopwatchTicks < _looksAgainAt;
            Waiters.Enqueue(waiter, stopwatchTicks);
            if (_thread == null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = ThreadName };
                _thread.Start();
            }
        }

        if (earliest)
        {
            Wake.Set();
        }
    }

    private static void Run()
    {
        var due = new List<object>();
        while (true)
        {
            long next = -1;
            long now = Stopwatch.GetTimestamp();
            lock (Gate)
            {
                while (Waiters.TryPeek(out object? waiter, out long deadline))
                {
                    if (deadline > now)
                    {
                        next = deadline;
                        break;
                    }

                    Waiters.Dequeue();
                    due.Add(waiter);
                }

                long left = next - now;
                _looksAgainAt = next < 0 ? long.MaxValue : left > CoarseThresholdTicks ? now + left - CoarseThresholdTicks / 2 : now + Math.Min(left, FineStepTicks);
            }

            foreach (object waiter in due)
            {
                if (waiter is IBusClockWaiter pipe)
                {
                    pipe.OnBusTime(now);
                }
                else
                {
                    ((TaskCompletionSource)waiter).TrySetResult();
                }
            }

            due.Clear();
            if (next < 0)
            {
                Wake.WaitOne();
                continue;
            }

            long remaining = next - now;
            if (remaining > CoarseThresholdTicks)
            {
                // The OS timer (about 1 ms granularity) for most of the way; an earlier deadline interrupts it.
                Wake.WaitOne(TimeSpan.FromSeconds((double)(remaining - CoarseThresholdTicks / 2) / Stopwatch.Frequency));
            }
            else
            {
                SleepFinely(Math.Min(remaining, FineStepTicks));
            }
        }
    }

    private static void SleepFinely(long ticks)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            long microseconds = Math.Max(1, ticks * 1_000_000 / Stopwatch.Frequency);
            usleep((uint)microseconds);
        }
        else
        {
            // Elsewhere the finest blocking sleep is the OS timer's: yield instead (costs CPU, keeps the timing).
            Thread.Yield();
        }
    }

    [DllImport("libc", SetLastError = false)]
    private static extern int usleep(uint microseconds);
}

/// <summary>Something the bus clock wakes at a time it asked for (an emulated pipe whose next transfer is crossing the bus).</summary>
internal interface IBusClockWaiter
{
    /// <summary>Called on the clock's thread, holding no lock of the clock's.</summary>
    void OnBusTime(long now);
}
