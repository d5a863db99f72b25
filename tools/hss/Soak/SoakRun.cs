using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Engine;
using HssDevice.Host;
using HssDevice.Host.Emulation;
using HssDevice.Sockets;
using HssDevice.Tool.Servers;

namespace HssDevice.Tool.Soak;

/// <summary>
/// `hss soak`: one emulated device with many sockets (TCP streams of random sizes and writes, UDP lockstep echoes)
/// against loopback echo servers through a real host, for a given time; every TCP stream is checked by SHA-256 and
/// every datagram byte for byte. Prints throughput, memory and open file descriptors as it goes.
/// </summary>
internal sealed class SoakRun
{
    private readonly int _tcpSockets;
    private readonly int _udpSockets;
    private long _bytes;
    private long _streams;
    private long _datagrams;
    private long _errors;
    private volatile string? _firstError;

    public SoakRun(int tcpSockets, int udpSockets)
    {
        _tcpSockets = tcpSockets;
        _udpSockets = udpSockets;
    }

    public async Task<int> RunAsync(TimeSpan duration, UsbSpeed speed, TextWriter output, CancellationToken cancellationToken)
    {
        int sockets = _tcpSockets + _udpSockets;
        var hostSettings = new HssHostSettings { MaxHostToDeviceBytesPerDevice = sockets * 4096 }.WithLoopbackAllowed(); // echo servers on loopback
        await using var host = new HssHost(hostSettings);
        var usb = new EmulatedUsbLink(speed == UsbSpeed.HighSpeed ? UsbLinkOptions.HighSpeed : UsbLinkOptions.FullSpeed);
        DeviceConnection device = host.Attach(usb.HostEnd, "soak-device");
        var engine = new HssEngine(usb.DeviceEnd, new HssEngineSettings
        {
            // Twice the workers: a closed socket's slot frees only once the host has answered its CLOSE.
            MaxSockets = 2 * sockets,
            ReceiveBudgetTotal = sockets * 4096,
            MaxOutstandingRequests = sockets * 4,
        });
        engine.Start();
        await using var tcpEcho = new TcpEchoServer(new IPEndPoint(IPAddress.Loopback, 0));
        await using var udpEcho = new UdpEchoServer(new IPEndPoint(IPAddress.Loopback, 0));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);

        output.WriteLine($"soak: {_tcpSockets} TCP + {_udpSockets} UDP sockets, {UsbSpeedFacts.NameOf(speed)}-speed emulated USB, {duration.TotalMinutes:0.##} min");
        output.WriteLine("  time      MB/s   streams  datagrams  errors  heap MiB  working set MiB  fds");
        var workers = new Thread[sockets];
        for (int i = 0; i < sockets; i++)
        {
            int index = i;
            workers[i] = new Thread(() =>
            {
                if (index < _tcpSockets)
                {
                    TcpWorker(engine, tcpEcho.EndPoint, index, stop.Token);
                }
                else
                {
                    UdpWorker(engine, udpEcho.EndPoint, index, stop.Token);
                }
            }) { IsBackground = true, Name = "soak " + index };
            workers[i].Start();
        }

        var clock = Stopwatch.StartNew();
        long lastBytes = 0;
        TimeSpan lastTime = TimeSpan.Zero;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(10), stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            TimeSpan now = clock.Elapsed;
            long bytes = Interlocked.Read(ref _bytes);
            double rate = (bytes - lastBytes) / Math.Max((now - lastTime).TotalSeconds, 0.001) / 1e6;
            lastBytes = bytes;
            lastTime = now;
            output.WriteLine($"  {now.TotalSeconds,6:0}s  {rate,7:0.00}  {Interlocked.Read(ref _streams),7}  {Interlocked.Read(ref _datagrams),9}  {Interlocked.Read(ref _errors),6}  " +
                             $"{GC.GetTotalMemory(false) / (1024.0 * 1024),8:0.0}  {Environment.WorkingSet / (1024.0 * 1024),15:0.0}  {OpenFileDescriptors(),4}");
            output.Flush();
        }

        foreach (Thread worker in workers)
        {
            worker.Join(TimeSpan.FromSeconds(40));
        }

        engine.Dispose();
        output.WriteLine($"soak: {Interlocked.Read(ref _streams)} TCP streams and {Interlocked.Read(ref _datagrams)} datagrams checked, " +
                         $"{Interlocked.Read(ref _bytes) / 1e6:0.0} MB moved, {Interlocked.Read(ref _errors)} errors; host: {device.Counters.ProtocolErrors} protocol errors, " +
                         $"limits hit: {device.Counters.LimitHits.Count}");
        if (_firstError != null)
        {
            output.WriteLine("first error: " + _firstError);
        }

        return Interlocked.Read(ref _errors) == 0 ? ExitCodes.Success : ExitCodes.StepFailed;
    }

    private static HssEndPoint ToHss(IPEndPoint endPoint) => new(new HssIPAddress(endPoint.Address.GetAddressBytes()), endPoint.Port);

    private void TcpWorker(HssEngine engine, IPEndPoint echo, int index, CancellationToken stop)
    {
        var random = new Random(index);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                byte[] data = new byte[1 + random.Next(256 * 1024)];
                random.NextBytes(data);
                using var socket = new HssSocket(engine, HssDevice.Sockets.AddressFamily.InterNetwork, HssDevice.Sockets.SocketType.Stream, HssDevice.Sockets.ProtocolType.Tcp);
                socket.ReceiveTimeout = 60_000;
                socket.SendTimeout = 60_000;
                socket.Connect(ToHss(echo));
                var sender = new Thread(() =>
                {
                    var writes = new Random(random.Next());
                    for (int offset = 0; offset < data.Length;)
                    {
                        int n = Math.Min(data.Length - offset, 1 + writes.Next(20 * 1024));
                        offset += socket.Send(data, offset, n, SocketFlags.None);
                    }

                    socket.Shutdown(SocketShutdown.Send);
                }) { IsBackground = true };
                sender.Start();
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                byte[] buffer = new byte[8192];
                long total = 0;
                bool slow = index % 3 == 0;
                while (true)
                {
                    int n = socket.Receive(buffer, 0, 1 + random.Next(buffer.Length), SocketFlags.None);
                    if (n == 0)
                    {
                        break;
                    }

                    hash.AppendData(buffer, 0, n);
                    total += n;
                    if (slow && random.Next(8) == 0)
                    {
                        Thread.Sleep(random.Next(1, 10));
                    }
                }

                sender.Join();
                if (total != data.Length || !hash.GetHashAndReset().AsSpan().SequenceEqual(SHA256.HashData(data)))
                {
                    Fail($"TCP socket {index}: {total} of {data.Length} bytes came back, or not intact");
                }
                else
                {
                    Interlocked.Add(ref _bytes, 2L * data.Length);
                    Interlocked.Increment(ref _streams);
                }
            }
            catch (Exception e)
            {
                Fail($"TCP socket {index}: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    private void UdpWorker(HssEngine engine, IPEndPoint echo, int index, CancellationToken stop)
    {
        var random = new Random(index);
        try
        {
            using var socket = new HssSocket(engine, HssDevice.Sockets.AddressFamily.InterNetwork, HssDevice.Sockets.SocketType.Dgram, HssDevice.Sockets.ProtocolType.Udp);
            socket.ReceiveTimeout = 2000;
            socket.Connect(ToHss(echo));
            byte[] reply = new byte[2048];
            while (!stop.IsCancellationRequested)
            {
                byte[] datagram = new byte[1 + random.Next(1400)];
                random.NextBytes(datagram);
                socket.Send(datagram, 0, datagram.Length, SocketFlags.None);
                int n;
                try
                {
                    n = socket.Receive(reply, 0, reply.Length, SocketFlags.None);
                }
                catch (HssSocketException)
                {
                    continue; // UDP may drop; a late echo is told apart by its bytes below
                }

                if (!reply.AsSpan(0, n).SequenceEqual(datagram))
                {
                    continue; // an echo of an earlier, retried datagram
                }

                Interlocked.Add(ref _bytes, 2L * n);
                Interlocked.Increment(ref _datagrams);
            }
        }
        catch (Exception e)
        {
            Fail($"UDP socket {index}: {e.GetType().Name}: {e.Message}");
        }
    }

    private void Fail(string what)
    {
        Interlocked.Increment(ref _errors);
        _firstError ??= what;
    }

    private static int OpenFileDescriptors()
    {
        try
        {
            return Directory.GetFiles("/proc/self/fd").Length;
        }
        catch (IOException)
        {
            return Process.GetCurrentProcess().HandleCount;
        }
        catch (UnauthorizedAccessException)
        {
            return Process.GetCurrentProcess().HandleCount;
        }
    }
}
