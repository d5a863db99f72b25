using System;
using System.IO;
using System.Threading;
using HssDevice.Benchmarks.Proxy;
using Xunit;

namespace HssDevice.Benchmarks.Tests;

/// <summary>
/// The interpreter proxy's counters read what they claim: a thread that blocks N times shows at least N voluntary
/// context switches under its own kernel thread id, and a proxy run finds the device's reader threads. Not timed:
/// the main thread waits until the worker is really asleep (state S in /proc) before waking it.
/// </summary>
public sealed class ProxyCounterTests
{
    private const int Blocks = 20;
    private const int TimeoutMs = 30000;

    [Fact]
    public void A_thread_that_blocks_N_times_shows_at_least_N_voluntary_context_switches()
    {
        using var go = new AutoResetEvent(false);
        using var done = new AutoResetEvent(false);
        int workerTid = 0;
        long before = -1;
        long after = -1;
        var worker = new Thread(() =>
        {
            Volatile.Write(ref workerTid, ThreadCounters.CurrentThreadId());
            before = ThreadCounters.Voluntary(ThreadCounters.CurrentThreadId());
            for (int i = 0; i < Blocks; i++)
            {
                done.Set();
                go.WaitOne();
            }

            after = ThreadCounters.Voluntary(ThreadCounters.CurrentThreadId());
            done.Set();
        });
        worker.Start();

        for (int i = 0; i < Blocks; i++)
        {
            Assert.True(done.WaitOne(TimeoutMs));
            WaitUntilAsleep(Volatile.Read(ref workerTid));
            go.Set();
        }

        Assert.True(done.WaitOne(TimeoutMs));
        worker.Join();

        Assert.NotEqual(ThreadCounters.CurrentThreadId(), workerTid);
        Assert.True(Directory.Exists("/proc/self/task/" + ThreadCounters.CurrentThreadId()), "CurrentThreadId is not a thread of this process");
        Assert.True(before >= 0, "no voluntary_ctxt_switches read for the worker");
        Assert.True(after - before >= Blocks, $"worker blocked {Blocks} times but showed {after - before} voluntary context switches");
        // Ended: its status file goes. Not at once: Join returns when the managed thread is done, and the kernel removes
        // the task a moment later (read right after Join, it was still there under load: issue 16).
        WaitUntilGone(workerTid);
    }

    [Fact]
    public void A_proxy_run_counts_its_packets_and_finds_the_engine_reader_threads()
    {
        var c = new ProxyCase("engine", ProxyCase.Defaults, deviceToHost: false, writeSize: 1024, bytes: 64 * 1024);
        ProxyResult r = ProxyRunner.Run(c);

        Assert.Equal(64, r.Packets); // 1 KiB host TRANSMITs
        Assert.Equal(64 * 1024, r.Bytes);
        Assert.True(r.DataReaderWakeups >= 0 && r.AppWakeups >= 0, r.ToString());
        Assert.Equal(0, r.CommandReaderWakeups); // nothing comes on the command pipe host-to-device
        Assert.True(r.LockContentions >= 0 && r.ThreadPoolItems >= 0 && r.DeviceThreadBytes >= 0, "a .NET-only counter was not read: " + r);
    }

    /// <summary>Polls until the ended thread's counters can no longer be read (Voluntary answers -1).</summary>
    private static void WaitUntilGone(int tid)
    {
        long deadline = Environment.TickCount64 + TimeoutMs;
        while (ThreadCounters.Voluntary(tid) != -1)
        {
            Assert.True(Environment.TickCount64 < deadline, $"thread {tid} ended (joined) but /proc/self/task/{tid}/status is still there after {TimeoutMs} ms");
            Thread.Sleep(1);
        }
    }

    /// <summary>Polls the thread's state in /proc until it is sleeping (blocked in the kernel).</summary>
    private static void WaitUntilAsleep(int tid)
    {
        long deadline = Environment.TickCount64 + TimeoutMs;
        while (true)
        {
            // /proc/TID/stat: "tid (comm) S ...": the state follows the last ')'.
            string stat = File.ReadAllText("/proc/self/task/" + tid + "/stat");
            char state = stat[stat.LastIndexOf(')') + 2];
            if (state == 'S')
            {
                return;
            }

            Assert.True(Environment.TickCount64 < deadline, "the worker never went to sleep (state " + state + ")");
            Thread.Sleep(1);
        }
    }
}
