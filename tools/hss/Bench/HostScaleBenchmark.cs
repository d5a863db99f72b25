using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
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

    public static async Task<HostScaleRecord> MeasureActiveAsync(int devices, double seconds, TextWriter progress)
    {
        var setup = new LinkSetup(UsbSpeed.FullSpeed, Reference: false, Timing: true);
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var engines = new List<HssEngine>(devices);
        var apps = new List<Thread>(devices);
        long received = 0;
        int stop = 0;
        Exception? failure = null;
        using var connected = new CountdownEvent(devices);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(devices);
        await using var host = new HssHost(setup.HostSettings);
        Task sinks = SinkAllAsync(listener, devices, n => Interlocked.Add(ref received, n));
        try
        {
            HssEndPoint target = HssEndPoint.Parse(listener.LocalEndpoint.ToString()!);
            for (int i = 0; i < devices; i++)
            {
                var usb = new EmulatedUsbLink(setup.LinkOptions);
                host.Attach(usb.HostEnd, "device-" + i);
                var engine = new HssEngine(usb.DeviceEnd, setup.EngineSettings);
                engine.Start();
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

            double memoryPerDevice = (double)(GC.GetTotalMemory(forceFullCollection: true) - heapBefore) / devices;
            await Task.Delay(500).ConfigureAwait(false); // every device in its steady state
            Snapshot start = Snapshot.Take(Interlocked.Read(ref received));
            await Task.Delay(TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
            Snapshot end = Snapshot.Take(Interlocked.Read(ref received));
            if (failure != null)
            {
                throw new InvalidOperationException("host scale: a device failed: " + failure.Message);
            }

            double wall = end.Wall - start.Wall;
            progress.WriteLine($"bench: host scale, {devices} active devices: {(end.Bytes - start.Bytes) / wall / devices:N0} B/s each, " +
                               $"{(end.Cpu - start.Cpu) / wall:0.000} CPU s/s");
            return new HostScaleRecord
            {
                State = "active",
                Devices = devices,
                PerDeviceBytesPerSecond = Math.Round((end.Bytes - start.Bytes) / wall / devices),
                CpuSecondsPerSecond = Math.Round((end.Cpu - start.Cpu) / wall, 3),
                HostCpuSecondsPerSecond = end.HostCpu is double h && start.HostCpu is double h0 ? Math.Round((h - h0) / wall, 3) : null,
                MemoryBytesPerDevice = Math.Round(memoryPerDevice),
                Seconds = Math.Round(wall, 3),
                CeilingBytesPerSecond = UsbSpeedFacts.BulkCeilingBytesPerSecond(UsbSpeed.FullSpeed),
            };
        }
        finally
        {
            Volatile.Write(ref stop, 1);
            foreach (HssEngine engine in engines)
            {
                engine.Dispose();
            }

            foreach (Thread app in apps)
            {
                app.Join(TimeoutMs);
            }

            listener.Stop();
            await sinks.ConfigureAwait(false);
        }
    }

    public static async Task<HostScaleRecord> MeasureIdleAsync(int devices, double seconds, TextWriter progress)
    {
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        await using var host = new HssHost(new HssHostSettings());
        var links = new List<EmulatedUsbLink>(devices);
        for (int i = 0; i < devices; i++)
        {
            var usb = new EmulatedUsbLink(UsbLinkOptions.FullSpeed with { Timing = true });
            host.Attach(usb.HostEnd, "idle-" + i);
            links.Add(usb);
        }

        await Task.Delay(200).ConfigureAwait(false); // every device's loops waiting on its link
        double memoryPerDevice = (double)(GC.GetTotalMemory(forceFullCollection: true) - heapBefore) / devices;
        Snapshot start = Snapshot.Take(0);
        await Task.Delay(TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
        Snapshot end = Snapshot.Take(0);
        GC.KeepAlive(links);
        double wall = end.Wall - start.Wall;
        progress.WriteLine($"bench: host scale, {devices} idle devices: {memoryPerDevice:N0} B each, {(end.Cpu - start.Cpu) / wall:0.000} CPU s/s");
        return new HostScaleRecord
        {
            State = "idle",
            Devices = devices,
            PerDeviceBytesPerSecond = 0,
            CpuSecondsPerSecond = Math.Round((end.Cpu - start.Cpu) / wall, 3),
            HostCpuSecondsPerSecond = end.HostCpu is double h && start.HostCpu is double h0 ? Math.Round((h - h0) / wall, 3) : null,
            MemoryBytesPerDevice = Math.Round(memoryPerDevice),
            Seconds = Math.Round(wall, 3),
        };
    }

    /// <summary>Accepts count connections and reads each to its end, reporting every read.</summary>
    private static async Task SinkAllAsync(TcpListener listener, int count, Action<int> onBytes)
    {
        var readers = new List<Task>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                Socket connection = await listener.AcceptSocketAsync().ConfigureAwait(false);
                readers.Add(Task.Run(async () =>
                {
                    using (connection)
                    {
                        byte[] buffer = new byte[64 * 1024];
                        try
                        {
                            int n;
                            while ((n = await connection.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None).ConfigureAwait(false)) > 0)
                            {
                                onBytes(n);
                            }
                        }
                        catch (SocketException)
                        {
                            // The host closed the socket when its device went away.
                        }
                    }
                }));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The listener stopped before every device connected (a failed run).
        }

        await Task.WhenAll(readers).ConfigureAwait(false);
    }

    private readonly record struct Snapshot(double Wall, double Cpu, double? HostCpu, long Bytes)
    {
        public static Snapshot Take(long bytes) =>
            new((double)Stopwatch.GetTimestamp() / Stopwatch.Frequency, ProcessCpu.Total().TotalSeconds, ProcessCpu.HostThreadSeconds(), bytes);
    }
}
