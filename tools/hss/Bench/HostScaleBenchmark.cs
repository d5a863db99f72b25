using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Engine;
using HssDevice.Host;
using HssDevice.Host.Emulation;
using HssDevice.Sockets;
using HssDevice.Tool.Samples;
using AddressFamily = HssDevice.Sockets.AddressFamily;
using ProtocolType = HssDevice.Sockets.ProtocolType;
using SocketFlags = HssDevice.Sockets.SocketFlags;
using SocketType = HssDevice.Sockets.SocketType;

namespace HssDevice.Tool.Bench;

/// <summary>
/// `hss bench --host-scale`: one host serving many emulated full-speed devices. Active: every device (the esp32-s3
/// board's engine on its own emulated link with the timing model) sends device-to-host on one TCP socket as fast
/// as its link allows, to a loopback sink. Idle: links attached to the host with nothing on them; the memory each
/// costs the host and whether the host spends CPU while nothing happens.
/// </summary>
public static class HostScaleBenchmark
{
    private const int TimeoutMs = 60_000;
    private const int WriteSize = 16 * 1024;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

    /// <summary>The heap once what a run left has gone: devices take a while to become unreachable after their host
    /// is disposed (their loops end on other threads).</summary>
    private static async Task<long> StableHeapAsync()
    {
        long previous = SettledHeap();
        for (int i = 0; i < 30; i++)
        {
            await Task.Delay(100).ConfigureAwait(false);
            long now = SettledHeap();
            if (Math.Abs(now - previous) < previous / 100)
            {
                return now;
            }

            previous = now;
        }

        return previous;
    }

    /// <summary>The managed heap after full collections, finalizers run.</summary>
    private static long SettledHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>The active run, then the same devices quiet (connected, sending nothing): two records.</summary>
    public static async Task<HostScaleRecord[]> MeasureActiveAsync(int devices, double seconds, TextWriter progress)
    {
        var setup = new LinkSetup(UsbSpeed.FullSpeed, Reference: false, Timing: true);
        var engines = new List<HssEngine>(devices);
        var apps = new List<Thread>(devices);
        long received = 0;
        int stop = 0;
        int quiet = 0;
        Exception? failure = null;
        using var connected = new CountdownEvent(devices);
        using var stopping = new ManualResetEventSlim(false);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(devices);
        // The host's device cap (MaxDevices, 32 by default) is a safety limit; the bench attaches exactly this many.
        HssHost? host = new HssHost(setup.HostSettings with { MaxDevices = devices });
        HostScaleRecord[] records;
        long heapConnected;
        Thread sinks = StartSinks(listener, devices, n => Interlocked.Add(ref received, n));
        try
        {
            HssEndPoint target = HssEndPoint.Parse(listener.LocalEndpoint.ToString()!);
            for (int i = 0; i < devices; i++)
            {
                var usb = new EmulatedUsbLink(setup.LinkOptions);
                host.Attach(usb.HostEnd, "device-" + i);
                HssEngine engine = StartDevice(usb, setup);
                engines.Add(engine);
                var app = new Thread(() =>
                {
                    try
                    {
                        var socket = new HssSocket(engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                        socket.SendTimeout = TimeoutMs;
                        socket.Connect(target);
                        connected.Signal();
                        byte[] chunk = new byte[WriteSize];
                        while (Volatile.Read(ref stop) == 0)
                        {
                            if (Volatile.Read(ref quiet) != 0)
                            {
                                stopping.Wait();
                                continue;
                            }

                            socket.Send(chunk, 0, chunk.Length, SocketFlags.None);
                        }

                        socket.Close();
                    }
                    catch (Exception e) when (e is HssSocketException or ObjectDisposedException)
                    {
                        if (Volatile.Read(ref stop) == 0)
                        {
                            failure ??= e;
                            connected.Signal();
                        }
                    }
                })
                { IsBackground = true, Name = "device-app-" + i };
                app.Start();
                apps.Add(app);
            }

            if (!connected.Wait(TimeoutMs) || failure != null)
            {
                throw new InvalidOperationException($"host scale: {devices - connected.CurrentCount} of {devices} devices connected" +
                                                    (failure == null ? "" : ": " + failure.Message));
            }

            // Every device in its steady state, and the hot code past tiered compilation's first tiers (at a load of 20
            // on two cores that takes seconds; measured earlier, the run is partly the JIT's).
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(WarmUp.TotalSeconds, seconds))).ConfigureAwait(false);
            HostScaleRecord active = await MeasureAsync("active", devices, seconds, null, host, () => Interlocked.Read(ref received), progress)
                .ConfigureAwait(false);
            if (failure != null)
            {
                throw new InvalidOperationException("host scale: a device failed: " + failure.Message);
            }

            // Quiet: the applications stop writing; what is in flight drains, then nothing moves.
            Volatile.Write(ref quiet, 1);
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(1, seconds))).ConfigureAwait(false);
            HostScaleRecord quietRecord = await MeasureAsync("quiet", devices, seconds, null, host, () => Interlocked.Read(ref received), progress)
                .ConfigureAwait(false);
            records = new[] { active, quietRecord };
            heapConnected = SettledHeap();
        }
        finally
        {
            Volatile.Write(ref stop, 1);
            stopping.Set();
            foreach (HssEngine engine in engines)
            {
                engine.Dispose();
            }

            foreach (Thread app in apps)
            {
                app.Join(TimeoutMs);
            }

            listener.Stop();
            sinks.Join(TimeoutMs);
            await host.DisposeAsync().ConfigureAwait(false);
        }

        // Memory per connected device (host side, emulated link, engine, application): the heap with every device
        // connected and quiet, less the heap once they are all gone. Not "less the heap before they came": the run
        // leaves buffers in pools that an earlier run had filled or not, and that figure came out negative (issue 16).
        // The locals of this async method live in its state machine: drop them, or the devices stay reachable.
        engines.Clear();
        apps.Clear();
        host = null;
        long heapGone = await StableHeapAsync().ConfigureAwait(false);
        double? memoryPerDevice = MemoryPerDevice(heapConnected, heapGone, devices);
        progress.WriteLine(memoryPerDevice is double m
            ? $"bench: host scale, {devices} active devices: {m:N0} B each (heap connected {heapConnected:N0} B, gone {heapGone:N0} B)"
            : $"bench: host scale, {devices} active devices: no memory figure (heap connected {heapConnected:N0} B, not above gone {heapGone:N0} B)");
        return records.Select(r => r with { MemoryBytesPerDevice = memoryPerDevice }).ToArray();
    }

    /// <summary>Starts a device engine from a thread of the devices' own: on Linux a thread inherits its creator's name,
    /// and the engine's reader threads are unnamed, so started from a thread-pool thread they would be counted as the
    /// host's (".NET TP Worker") by <see cref="ProcessCpu"/>.</summary>
    private static HssEngine StartDevice(EmulatedUsbLink usb, LinkSetup setup)
    {
        HssEngine? engine = null;
        var starter = new Thread(() =>
        {
            engine = new HssEngine(usb.DeviceEnd, setup.EngineSettings);
            engine.Start();
        })
        { Name = ProcessCpu.DeviceThreadName };
        starter.Start();
        starter.Join();
        return engine!;
    }

    /// <summary>Bytes per device from two heap figures, or none when the difference is not positive: a heap that did
    /// not shrink when the devices went says the collector's timing, not what a device costs.</summary>
    public static double? MemoryPerDevice(long heapWithDevices, long heapWithout, int devices) =>
        heapWithDevices > heapWithout && devices > 0 ? Math.Round((double)(heapWithDevices - heapWithout) / devices) : null;

    private static async Task<HostScaleRecord> MeasureAsync(string state, int devices, double seconds, double? memoryPerDevice, HssHost host,
        Func<long> received, TextWriter progress)
    {
        Snapshot start = Snapshot.Take(received(), host);
        await Task.Delay(TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
        Snapshot end = Snapshot.Take(received(), host);
        double wall = end.Wall - start.Wall;
        long transmits = end.Transmits - start.Transmits;
        double perDevice = (end.Bytes - start.Bytes) / wall / devices;
        progress.WriteLine($"bench: host scale, {devices} {state} devices: {perDevice:N0} B/s each, {(end.Cpu - start.Cpu) / wall:0.000} CPU s/s" +
                           (end.Threads is ThreadCpu t && start.Threads is ThreadCpu t0 ? $" (host threads {(t.Host - t0.Host) / wall:0.000})" : "") +
                           $", {transmits} TRANSMITs, {end.WorkItems - start.WorkItems} thread-pool work items");
        return new HostScaleRecord
        {
            State = state,
            Devices = devices,
            PerDeviceBytesPerSecond = Math.Round(perDevice),
            CpuSecondsPerSecond = Math.Round((end.Cpu - start.Cpu) / wall, 3),
            HostCpuSecondsPerSecond = PerSecond(start, end, wall, c => c.Host),
            EmulationCpuSecondsPerSecond = PerSecond(start, end, wall, c => c.Emulation),
            SinkCpuSecondsPerSecond = PerSecond(start, end, wall, c => c.Sink),
            DevicesCpuSecondsPerSecond = PerSecond(start, end, wall, c => c.DevicesAndRuntime),
            MemoryBytesPerDevice = memoryPerDevice,
            Seconds = Math.Round(wall, 3),
            CeilingBytesPerSecond = UsbSpeedFacts.BulkCeilingBytesPerSecond(UsbSpeed.FullSpeed),
            Transmits = transmits,
            ThreadPoolWorkItemsPerTransmit = transmits > 0 ? Math.Round((double)(end.WorkItems - start.WorkItems) / transmits, 2) : null,
        };
    }

    private static double? PerSecond(Snapshot start, Snapshot end, double wall, Func<ThreadCpu, double> group) =>
        end.Threads is ThreadCpu t && start.Threads is ThreadCpu t0 ? Math.Round((group(t) - group(t0)) / wall, 3) : null;

    public static async Task<HostScaleRecord> MeasureIdleAsync(int devices, double seconds, TextWriter progress)
    {
        long heapBefore = SettledHeap();
        await using var host = new HssHost(new HssHostSettings { MaxDevices = devices });
        var links = new List<EmulatedUsbLink>(devices);
        for (int i = 0; i < devices; i++)
        {
            var usb = new EmulatedUsbLink(UsbLinkOptions.FullSpeed with { Timing = true });
            host.Attach(usb.HostEnd, "idle-" + i);
            links.Add(usb);
        }

        await Task.Delay(200).ConfigureAwait(false); // every device's loops waiting on its link
        double? memoryPerDevice = MemoryPerDevice(SettledHeap(), heapBefore, devices);
        progress.WriteLine($"bench: host scale, {devices} idle devices: {(memoryPerDevice is double m ? m.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " B" : "no memory figure")} each");
        HostScaleRecord record = await MeasureAsync("idle", devices, seconds, memoryPerDevice, host, () => 0, progress).ConfigureAwait(false);
        GC.KeepAlive(links);
        return record with { CeilingBytesPerSecond = null, Transmits = null };
    }

    /// <summary>The loopback peer: accepts count connections and reads each to its end on threads of its own (named
    /// for <see cref="ProcessCpu"/>), so that its CPU is not charged to the host's thread pool.</summary>
    private static Thread StartSinks(TcpListener listener, int count, Action<int> onBytes)
    {
        var acceptor = new Thread(() =>
        {
            var readers = new List<Thread>(count);
            try
            {
                for (int i = 0; i < count; i++)
                {
                    Socket connection = listener.AcceptSocket();
                    var reader = new Thread(() =>
                    {
                        using (connection)
                        {
                            byte[] buffer = new byte[64 * 1024];
                            try
                            {
                                int n;
                                while ((n = connection.Receive(buffer)) > 0)
                                {
                                    onBytes(n);
                                }
                            }
                            catch (SocketException)
                            {
                                // The host closed the socket when its device went away.
                            }
                        }
                    })
                    { IsBackground = true, Name = ProcessCpu.SinkThreadName };
                    reader.Start();
                    readers.Add(reader);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                // The listener stopped before every device connected (a failed run).
            }

            foreach (Thread reader in readers)
            {
                reader.Join(TimeoutMs);
            }
        })
        { IsBackground = true, Name = ProcessCpu.SinkThreadName };
        acceptor.Start();
        return acceptor;
    }

    private readonly record struct Snapshot(double Wall, double Cpu, ThreadCpu? Threads, long Bytes, long Transmits, long WorkItems)
    {
        public static Snapshot Take(long bytes, HssHost host)
        {
            long transmits = 0;
            foreach (DeviceConnection device in host.Devices)
            {
                transmits += device.Counters.TransmitsDeviceToHost;
            }

            return new((double)Stopwatch.GetTimestamp() / Stopwatch.Frequency, ProcessCpu.Total().TotalSeconds, ProcessCpu.ByThreadGroup(), bytes,
                transmits, ThreadPool.CompletedWorkItemCount);
        }
    }
}
