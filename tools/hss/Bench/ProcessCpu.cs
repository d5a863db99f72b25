using System;
using System.Diagnostics;
using System.IO;

namespace HssDevice.Tool.Bench;

/// <summary>
/// CPU time of this process, and (on Linux, from /proc/self/task) of the threads that run the host: the .NET thread
/// pool and socket event threads. The emulated devices run on threads of their own (the engine's readers, the
/// application), so the split tells host work from device work; the link emulation's host end runs on the pool
/// and counts as host.
/// </summary>
internal static class ProcessCpu
{
    public static TimeSpan Total()
    {
        using Process self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>Seconds of CPU spent so far by host-side threads, or null where /proc is not readable.</summary>
    public static double? HostThreadSeconds()
    {
        const string tasks = "/proc/self/task";
        if (!Directory.Exists(tasks))
        {
            return null;
        }

        long ticks = 0;
        foreach (string task in Directory.EnumerateDirectories(tasks))
        {
            try
            {
                string name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                if (!name.StartsWith(".NET TP Worker", StringComparison.Ordinal) && !name.StartsWith(".NET Sockets", StringComparison.Ordinal)
                    && !name.StartsWith(".NET ThreadPool", StringComparison.Ordinal))
                {
                    continue;
                }

                // Fields after the parenthesised name: state is field 3, utime 14, stime 15 (proc(5)).
                string stat = File.ReadAllText(Path.Combine(task, "stat"));
                string[] fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
                ticks += long.Parse(fields[11]) + long.Parse(fields[12]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The thread ended while being read.
            }
        }

        return ticks / 100.0; // USER_HZ is 100 on Linux
    }
}
