using System;
using System.Diagnostics;
using System.IO;

namespace HssDevice.Tool.Bench;

/// <summary>
/// CPU time of this process, and (on Linux, from /proc/self/task) split by who spends it, told apart by thread name:
/// the host (the .NET thread pool and socket event threads, which run the host engine and the emulated link's host
/// end: its copies into and out of the emulated pipes are inline in the host's calls, as a USB driver's are), the
/// emulation (the bus clock thread that wakes every emulated pipe when a transfer has crossed the bus), the bench's
/// loopback sink (its own threads), and the rest: the emulated devices (engine threads and applications, which also
/// run the device end of the emulated link) and the runtime (GC, JIT). Work the devices queue to the thread pool (the
/// engine's housekeeping timer callbacks) is counted as the host's.
/// </summary>
internal static class ProcessCpu
{
    public const string SinkThreadName = "bench-sink";

    /// <summary>The thread that starts the emulated devices' engines; their (unnamed) threads inherit the name.</summary>
    public const string DeviceThreadName = "bench-device";

    public static TimeSpan Total()
    {
        using Process self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>Seconds of CPU spent so far per group of threads, or null where /proc is not readable.</summary>
    public static ThreadCpu? ByThreadGroup()
    {
        const string tasks = "/proc/self/task";
        if (!Directory.Exists(tasks))
        {
            return null;
        }

        long host = 0, emulation = 0, sink = 0, rest = 0;
        foreach (string task in Directory.EnumerateDirectories(tasks))
        {
            try
            {
                string name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                // Fields after the parenthesised name: state is field 3, utime 14, stime 15 (proc(5)).
                string stat = File.ReadAllText(Path.Combine(task, "stat"));
                string[] fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
                long ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
                if (name.StartsWith(".NET TP Worker", StringComparison.Ordinal) || name.StartsWith(".NET Sockets", StringComparison.Ordinal)
                    || name.StartsWith(".NET ThreadPool", StringComparison.Ordinal))
                {
                    host += ticks;
                }
                else if (name.StartsWith("usb-bus-clock", StringComparison.Ordinal))
                {
                    emulation += ticks;
                }
                else if (name.StartsWith(SinkThreadName, StringComparison.Ordinal))
                {
                    sink += ticks;
                }
                else
                {
                    rest += ticks;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The thread ended while being read.
            }
        }

        // USER_HZ is 100 on Linux. Threads that ended since the last look are lost from every group (the process total
        // keeps them); the bench's threads live through each measurement.
        return new ThreadCpu(host / 100.0, emulation / 100.0, sink / 100.0, rest / 100.0);
    }
}

/// <summary>CPU seconds per thread group (see <see cref="ProcessCpu"/>).</summary>
internal readonly record struct ThreadCpu(double Host, double Emulation, double Sink, double DevicesAndRuntime);
