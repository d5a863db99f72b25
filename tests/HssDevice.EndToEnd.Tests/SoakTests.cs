using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Engine;
using HssDevice.Host;
using HssDevice.Host.Emulation;
using HssDevice.Host.Links;
using HssSocket = HssDevice.Sockets.HssSocket;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.EndToEnd.Tests;

/// <summary>
/// Issue 8's soak, bounded (about 5 s per link setting, a minute or so for all): 16 sockets of one device at once,
/// 12 TCP and 4 UDP, random write sizes from 1 byte to 20 KB, random slow readers; every TCP stream's SHA-256 is
/// checked where the peer receives it and where the device receives the echo; every UDP datagram comes back intact.
/// Over every link setting, the TCP single pipe included. `hss soak --minutes N` runs longer.
/// </summary>
[Trait("Category", "Slow")]
public class SoakTests
{
    private const int TcpSockets = 12;
    private const int UdpSockets = 4;
    private const int Sockets = TcpSockets + UdpSockets;
    private const int BytesPerTcpSocket = 256 * 1024;
    private const int DatagramsPerUdpSocket = 24;

    private readonly ITestOutputHelper _output;

    public SoakTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public static TheoryData<string> Settings => new()
    {
        "full", "high", "full-unpacked", "high-unpacked", "single-pipe", "reference-host-full", "reference-device", "tcp-single-pipe",
    };

    private static HssEngineSettings EngineSettings => new()
    {
        MaxSockets = Sockets,
        ReceiveBudgetTotal = Sockets * 4096,
        MaxOutstandingRequests = Sockets * 4,
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public async Task SixteenSocketsTcpAndUdpRandomSizesSlowReaders_EveryStreamIntact(string setting)
    {
        await using var peer = new HashingEchoPeer();
        var started = DateTime.UtcNow;
        if (setting == "tcp-single-pipe")
        {
            await using var host = new HssHost(new HssHostSettings { MaxHostToDeviceBytesPerDevice = Sockets * 4096 }.WithLoopbackAllowed()); // peers on loopback
            await using HssTcpListener listener = HssTcpListener.Start(host, new IPEndPoint(IPAddress.Loopback, 0));
            StreamDeviceLink link = StreamDeviceLink.ConnectTcp(listener.LocalEndPoint);
            var engine = new HssEngine(link, EngineSettings);
            engine.Start();
            try
            {
                await RunSocketsAsync(engine, peer, seed: setting.GetHashCode());
            }
            finally
            {
                engine.Dispose();
            }
        }
        else
        {
            LinkSetup setup = LinkSetup.Named(setting);
            await using var rig = new Rig(setup, EngineSettings, setup.Host with { MaxHostToDeviceBytesPerDevice = Sockets * 4096 });
            await RunSocketsAsync(rig.Engine, peer, seed: setting.GetHashCode());
            Assert.Equal(0, rig.Connection.Counters.ProtocolErrors);
            Assert.Empty(rig.Connection.Counters.LimitHits);
        }

        _output.WriteLine($"soak {setting}: {TcpSockets} TCP x {BytesPerTcpSocket / 1024} KiB both ways, {UdpSockets} UDP x {DatagramsPerUdpSocket} datagrams, " +
            $"{(DateTime.UtcNow - started).TotalSeconds:0.0} s");
    }

    private static async Task RunSocketsAsync(HssEngine engine, HashingEchoPeer peer, int seed)
    {
        var work = new Task[Sockets];
        for (int i = 0; i < TcpSockets; i++)
        {
            int index = i;
            var random = new Random(seed + index);
            byte[] data = new byte[BytesPerTcpSocket];
            random.NextBytes(data);
            bool slowReader = index % 3 == 0;
            work[i] = DeviceThread.Run(() =>
            {
                using HssSocket socket = DeviceSockets.OpenTcp(engine, peer.TcpEndPoint);
                socket.ReceiveTimeout = 30_000;
                socket.SendTimeout = 30_000;
                Task sending = DeviceThread.Run(() =>
                {
                    var writes = new Random(seed * 31 + index);
                    for (int offset = 0; offset < data.Length;)
                    {
                        int n = Math.Min(data.Length - offset, 1 + writes.Next(20 * 1024));
                        Assert.Equal(n, socket.Send(data, offset, n, HssDevice.Sockets.SocketFlags.None));
                        offset += n;
                    }

                    DeviceSockets.ShutdownSend(socket);
                }, "sender " + index);
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                byte[] buffer = new byte[8192];
                long total = 0;
                var reads = new Random(seed * 17 + index);
                while (true)
                {
                    int n = socket.Receive(buffer, 0, 1 + reads.Next(buffer.Length), HssDevice.Sockets.SocketFlags.None);
                    if (n == 0)
                    {
                        break;
                    }

                    hash.AppendData(buffer, 0, n);
                    total += n;
                    if (slowReader && reads.Next(4) == 0)
                    {
                        Thread.Sleep(reads.Next(1, 15));
                    }
                }

                sending.GetAwaiter().GetResult();
                Assert.Equal(data.Length, total);
                Assert.Equal(SHA256.HashData(data), hash.GetHashAndReset());
            }, "tcp socket " + index);
        }

        for (int i = 0; i < UdpSockets; i++)
        {
            int index = i;
            work[TcpSockets + i] = DeviceThread.Run(() =>
            {
                using HssSocket socket = DeviceSockets.OpenUdp(engine, peer.UdpEndPoint);
                socket.ReceiveTimeout = 2000;
                var random = new Random(seed * 7 + index);
                byte[] reply = new byte[2048];
                for (int d = 0; d < DatagramsPerUdpSocket; d++)
                {
                    byte[] datagram = new byte[1 + random.Next(1400)];
                    random.NextBytes(datagram);
                    // Lockstep, with retries: UDP may drop, but what arrives must be what was sent.
                    for (int attempt = 0; ; attempt++)
                    {
                        socket.Send(datagram, 0, datagram.Length, HssDevice.Sockets.SocketFlags.None);
                        int n;
                        try
                        {
                            n = socket.Receive(reply, 0, reply.Length, HssDevice.Sockets.SocketFlags.None);
                        }
                        catch (HssDevice.HssSocketException) when (attempt < 5)
                        {
                            continue; // timed out: send again
                        }

                        Assert.Equal(datagram, reply.AsSpan(0, n).ToArray());
                        break;
                    }
                }
            }, "udp socket " + index);
        }

        await Task.WhenAll(work);
        // The peer's side of every TCP stream: what it received hashes to what the device sent.
        for (int i = 0; i < TcpSockets; i++)
        {
            var random = new Random(seed + i);
            byte[] data = new byte[BytesPerTcpSocket];
            random.NextBytes(data);
            Assert.Contains(Convert.ToHexString(SHA256.HashData(data)), peer.ReceivedHashes);
        }
    }
}

/// <summary>A loopback TCP and UDP echo peer that hashes (SHA-256) every TCP stream it receives.</summary>
public sealed class HashingEchoPeer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Socket _udp = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly Task _echoingUdp;

    public HashingEchoPeer()
    {
        _listener.Start();
        _udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        TcpEndPoint = (IPEndPoint)_listener.LocalEndpoint;
        UdpEndPoint = (IPEndPoint)_udp.LocalEndPoint!;
        _accepting = AcceptAsync();
        _echoingUdp = EchoUdpAsync();
    }

    public IPEndPoint TcpEndPoint { get; }

    public IPEndPoint UdpEndPoint { get; }

    /// <summary>Hex SHA-256 of every TCP stream received to its end.</summary>
    public ConcurrentBag<string> ReceivedHashes { get; } = new();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        _udp.Dispose();
        await Task.WhenAll(_accepting, _echoingUdp).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket = await _listener.AcceptSocketAsync(_stop.Token);
            _ = EchoTcpAsync(socket);
        }
    }

    private async Task EchoTcpAsync(Socket socket)
    {
        using (socket)
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            byte[] buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    int n = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (n == 0)
                    {
                        ReceivedHashes.Add(Convert.ToHexString(hash.GetHashAndReset()));
                        socket.Shutdown(SocketShutdown.Send);
                        return;
                    }

                    hash.AppendData(buffer, 0, n);
                    await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
            }
        }
    }

    private async Task EchoUdpAsync()
    {
        byte[] buffer = new byte[65536];
        try
        {
            while (true)
            {
                SocketReceiveFromResult got = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                await _udp.SendToAsync(buffer.AsMemory(0, got.ReceivedBytes), SocketFlags.None, got.RemoteEndPoint, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
