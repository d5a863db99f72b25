using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Sample;
using HssDevice.Sockets;
using HssDevice.Tool.Samples;
using HssDevice.Tool.Servers;
using AddressFamily = HssDevice.Sockets.AddressFamily;
using ProtocolType = HssDevice.Sockets.ProtocolType;
using SocketFlags = HssDevice.Sockets.SocketFlags;
using SocketType = HssDevice.Sockets.SocketType;

namespace HssDevice.Tool.Bench;

/// <summary>
/// Measurements over the link model: the device engine's socket, the emulated USB link (timing model on), the
/// host, and a loopback TCP peer. Each run gets a fresh rig; the device application runs on a thread of its own.
/// </summary>
public static class LinkBenchmark
{
    private const int IoTimeoutMs = 60_000;

    /// <summary>Seconds from the first byte written to the last byte arrived at the other end.</summary>
    public static async Task<double> MeasureThroughputAsync(ThroughputCase benchCase) =>
        (await MeasureThroughputProfiledAsync(benchCase).ConfigureAwait(false)).Seconds;

    /// <summary>Seconds as above, and what the run put on the emulated bus.</summary>
    public static async Task<(double Seconds, RunProfile Profile)> MeasureThroughputProfiledAsync(ThroughputCase benchCase)
    {
        await using var rig = new BenchRig(benchCase.Setup);
        using var listener = new TcpListenerScope();
        HssEndPoint target = HssEndPoint.Parse(listener.EndPoint.ToString());
        try
        {
            double seconds = benchCase.Direction == BenchDirection.DeviceToHost
                ? await DeviceToHostAsync(rig, listener, target, benchCase).ConfigureAwait(false)
                : await HostToDeviceAsync(rig, listener, target, benchCase).ConfigureAwait(false);
            return (seconds, rig.Profile());
        }
        catch (Exception e) when (e is HssSocketException or InvalidOperationException or TimeoutException)
        {
            // Say what each side saw: the failure alone does not tell a lost byte from a stalled window.
            throw new InvalidOperationException($"{e.Message} ({rig.Describe()})", e);
        }
    }

    /// <summary>Seconds taken by count OPEN+CONNECT pairs (each socket closed, untimed, before the next).</summary>
    public static async Task<double> MeasureRoundTripsAsync(LinkSetup setup, int count)
    {
        await using var rig = new BenchRig(setup);
        using var listener = new TcpListenerScope();
        HssEndPoint target = HssEndPoint.Parse(listener.EndPoint.ToString());
        using var stop = new CancellationTokenSource();
        Task accepting = AcceptAndCloseAsync(listener.Listener, stop.Token);
        double seconds = await OnDeviceThread(() =>
        {
            long ticks = 0;
            for (int i = 0; i < count; i++)
            {
                long start = Stopwatch.GetTimestamp();
                var socket = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Connect(target);
                ticks += Stopwatch.GetTimestamp() - start;
                socket.Close();
                WaitForFreeTable(rig);
            }

            return (double)ticks / Stopwatch.Frequency;
        }).ConfigureAwait(false);
        stop.Cancel();
        listener.Listener.Stop();
        await accepting.ConfigureAwait(false);
        return seconds;
    }

    private static async Task<double> DeviceToHostAsync(BenchRig rig, TcpListenerScope listener, HssEndPoint target, ThroughputCase benchCase)
    {
        // The sink notes when the last byte arrived; the device notes when it began writing.
        Task<long> sinkDone = SinkAsync(listener.Listener, benchCase.Bytes);
        long started = await OnDeviceThread(() =>
        {
            var socket = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.SendTimeout = IoTimeoutMs;
            socket.Connect(target);
            byte[] chunk = new byte[benchCase.WriteSize];
            SampleApp.Fill(chunk, 0, chunk.Length);
            long start = Stopwatch.GetTimestamp();
            for (int sent = 0; sent < benchCase.Bytes; sent += chunk.Length)
            {
                socket.Send(chunk, 0, Math.Min(chunk.Length, benchCase.Bytes - sent), SocketFlags.None);
            }

            socket.Close();
            return start;
        }).ConfigureAwait(false);
        long ended = await sinkDone.WaitAsync(TimeSpan.FromMilliseconds(IoTimeoutMs)).ConfigureAwait(false);
        return (double)(ended - started) / Stopwatch.Frequency;
    }

    private static async Task<double> HostToDeviceAsync(BenchRig rig, TcpListenerScope listener, HssEndPoint target, ThroughputCase benchCase)
    {
        Task<long> sourceStarted = SourceAsync(listener.Listener, benchCase.Bytes, benchCase.WriteSize);
        long ended = await OnDeviceThread(() =>
        {
            var socket = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.ReceiveTimeout = IoTimeoutMs;
            socket.SendTimeout = IoTimeoutMs;
            socket.Connect(target);
            // The source starts on this byte, not on accept: a host TRANSMIT that reached the device before the
            // CONNECT's ACK (which travels on the other pipe) would find the socket not yet connected.
            socket.Send(new byte[] { 1 }, 0, 1, SocketFlags.None);
            byte[] buffer = new byte[benchCase.WriteSize];
            int received = 0;
            while (received < benchCase.Bytes)
            {
                int n = socket.Receive(buffer, 0, buffer.Length, SocketFlags.None);
                if (n == 0)
                {
                    throw new InvalidOperationException($"host-to-device stream ended after {received} of {benchCase.Bytes} bytes");
                }

                received += n;
            }

            long end = Stopwatch.GetTimestamp();
            socket.Close();
            return end;
        }).ConfigureAwait(false);
        long started = await sourceStarted.ConfigureAwait(false);
        return (double)(ended - started) / Stopwatch.Frequency;
    }

    /// <summary>Accepts one connection and reads until total bytes came; returns the timestamp of the last one.</summary>
    private static async Task<long> SinkAsync(TcpListener listener, int total)
    {
        using Socket connection = await listener.AcceptSocketAsync().ConfigureAwait(false);
        byte[] buffer = new byte[64 * 1024];
        int received = 0;
        while (received < total)
        {
            int n = await connection.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None).ConfigureAwait(false);
            if (n == 0)
            {
                throw new InvalidOperationException($"device-to-host stream ended after {received} of {total} bytes");
            }

            received += n;
        }

        return Stopwatch.GetTimestamp();
    }

    /// <summary>Accepts one connection, waits for the device's go byte, writes total bytes in writes of writeSize;
    /// returns when it began.</summary>
    private static async Task<long> SourceAsync(TcpListener listener, int total, int writeSize)
    {
        using Socket connection = await listener.AcceptSocketAsync().ConfigureAwait(false);
        connection.NoDelay = true;
        if (await connection.ReceiveAsync(new byte[1], System.Net.Sockets.SocketFlags.None).ConfigureAwait(false) != 1)
        {
            throw new InvalidOperationException("the device closed before asking for data");
        }

        byte[] chunk = new byte[writeSize];
        SampleApp.Fill(chunk, 0, chunk.Length);
        long start = Stopwatch.GetTimestamp();
        for (int sent = 0; sent < total; sent += chunk.Length)
        {
            await connection.SendAsync(chunk.AsMemory(0, Math.Min(chunk.Length, total - sent)), System.Net.Sockets.SocketFlags.None).ConfigureAwait(false);
        }

        connection.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        // Stay open until the device closes, so that no reset overtakes the data.
        await connection.ReceiveAsync(new byte[1], System.Net.Sockets.SocketFlags.None).ConfigureAwait(false);
        return start;
    }

    private static async Task AcceptAndCloseAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                (await listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false)).Dispose();
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
        }
    }

    /// <summary>A closed socket keeps its slot until the host ACKs the CLOSE; the next OPEN should not find the table full.</summary>
    private static void WaitForFreeTable(BenchRig rig)
    {
        var clock = Stopwatch.StartNew();
        while (rig.Engine.SocketsInUse >= rig.Engine.Settings.MaxSockets - 1 && clock.ElapsedMilliseconds < IoTimeoutMs)
        {
            Thread.Sleep(1);
        }
    }

    private static Task<T> OnDeviceThread<T>(Func<T> run) =>
        Task.Factory.StartNew(run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>A loopback listener on an OS-chosen port for one measurement.</summary>
    private sealed class TcpListenerScope : IDisposable
    {
        public TcpListenerScope()
        {
            Listener = new TcpListener(IPAddress.Loopback, 0);
            Listener.Start();
            EndPoint = (IPEndPoint)Listener.LocalEndpoint;
        }

        public TcpListener Listener { get; }

        public IPEndPoint EndPoint { get; }

        public void Dispose() => Listener.Stop();
    }
}
