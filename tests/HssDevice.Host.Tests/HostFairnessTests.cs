using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host.Emulation;
using HssDevice.Host.Links;
using HssDevice.Wire;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.Host.Tests;

/// <summary>
/// One device cannot starve the others (docs/security.md, "Fair shares"): the host's buffer has a floor per device,
/// the kernel buffers of a device's sockets are bounded, and the log has a host-wide rate.
/// </summary>
public class HostFairnessTests
{
    private readonly ITestOutputHelper _output;

    public HostFairnessTests(ITestOutputHelper output)
    {
        _output = output;
    }

    /// <summary>A TCP listener whose connections are accepted and never read, with small receive buffers.</summary>
    private sealed class NonReadingPeer : IDisposable
    {
        private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly List<Socket> _accepted = new();
        private readonly CancellationTokenSource _stop = new();

        public NonReadingPeer()
        {
            _listener.ReceiveBufferSize = 4096; // inherited by accepted sockets: the host's data stays on the host's side
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen(256);
            EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
            _ = AcceptAsync();
        }

        public IPEndPoint EndPoint { get; }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    Socket socket = await _listener.AcceptAsync(_stop.Token);
                    lock (_accepted)
                    {
                        _accepted.Add(socket);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Dispose();
            lock (_accepted)
            {
                _accepted.ForEach(s => s.Dispose());
            }
        }
    }

    [Fact]
    public async Task TwentyFourDevicesFillingTheHostBuffer_CannotMakeAnHonestDevicesTransmitFail()
    {
        // 4 MiB for all: each of 32 devices has 64 KiB of its own, 2 MiB is shared. The attackers together ask for 36 MiB.
        var settings = new HssHostSettings { MaxHostBufferBytes = 4 * 1024 * 1024, MaxBufferedBytesPerDevice = 1024 * 1024 };
        await using var rig = new HostRig(settings, UsbLinkOptions.HighSpeed);
        using var peer = new NonReadingPeer();
        await using var echo = new EchoServer("v4");
        var attackers = new List<(DeviceConnection Connection, RawDevice Device)>();
        for (int i = 0; i < 24; i++)
        {
            (EmulatedUsbLink _, DeviceConnection connection, RawDevice device) = rig.AttachDevice(UsbLinkOptions.HighSpeed, "attacker" + i);
            attackers.Add((connection, device));
        }

        try
        {
            long peakBuffered = 0;
            using var sampling = new CancellationTokenSource();
            Task sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peakBuffered = Math.Max(peakBuffered, rig.Host.BufferedBytes);
                    await Task.Delay(2);
                }
            });

            byte[] chunk = new byte[32 * 1024];
            int[] refused = await Task.WhenAll(attackers.Select(a => Task.Run(async () =>
            {
                await a.Device.OpenConnectedAsync(1, peer.EndPoint);
                ushort[] ids = Enumerable.Range(0, 48).Select(_ => a.Device.SendTransmit(1, chunk)).ToArray();
                int hostErrors = 0;
                // Answers come for what the OS socket took and for what was refused; the rest waits on the host.
                using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                foreach (ushort id in ids)
                {
                    DevicePacket? ack = await a.Device.TryExpectAsync(p => p.Opcode == HssOpcode.Ack && p.MsgId == id, TimeSpan.FromMilliseconds(300));
                    if (ack?.Value == -HssError.HostError)
                    {
                        hostErrors++;
                    }
                }

                return hostErrors;
            })));
            sampling.Cancel();
            await sampler;

            long hostLimitHits = attackers.Sum(a => a.Connection.Counters.LimitHitCount(HostLimitNames.HostBufferBytes));
            _output.WriteLine($"24 attackers: {refused.Sum()} TRANSMITs refused EHOSTERR, {hostLimitHits} of them by {HostLimitNames.HostBufferBytes}; " +
                $"host buffer peak {peakBuffered / 1024} KiB of {settings.MaxHostBufferBytes / 1024} KiB (shared part {rig.Host.BufferPool.Shared / 1024} KiB " +
                $"of {rig.Host.BufferPool.SharedLimit / 1024}), floor {rig.Host.BufferPool.Floor / 1024} KiB per device");
            Assert.True(hostLimitHits > 0, "the attackers never exhausted the host's buffer: the test proves nothing");
            Assert.True(peakBuffered <= settings.MaxHostBufferBytes, $"host buffer reached {peakBuffered}");

            // The honest device: three TRANSMITs answered in full, and its data comes back through the echo server.
            for (int round = 0; round < 3; round++)
            {
                uint handle = (uint)(10 + round);
                await rig.Device.OpenConnectedAsync(handle, echo.EndPoint);
                byte[] data = System.Security.Cryptography.RandomNumberGenerator.GetBytes(8000);
                for (int offset = 0; offset < data.Length; offset += 2000)
                {
                    DevicePacket ack = await rig.Device.ExpectAckAsync(rig.Device.SendTransmit(handle, data[offset..(offset + 2000)]), HssOpcode.Transmit);
                    Assert.Equal(2000, ack.Value);
                }

                Assert.Equal(data, await rig.Device.ReceiveBytesAsync(handle, data.Length));
                Assert.Equal(HssError.Success, (await rig.Device.ExpectAckAsync(rig.Device.SendClose(handle), HssOpcode.Close)).Code);
            }

            Assert.Equal(0, rig.Connection.Counters.BufferLimitHits);
        }
        finally
        {
            foreach ((DeviceConnection _, RawDevice device) in attackers)
            {
                device.Dispose();
            }
        }
    }

    [Fact]
    public void TheFloorIsTheDevicesWhateverTheOthersHold()
    {
        var pool = new FairSharePool(1000, 4, 100); // 4 floors of 100, 600 shared
        Assert.Equal(600, pool.SharedLimit);
        FairSharePool.Member greedy = pool.Join(10_000);
        FairSharePool.Member other = pool.Join(10_000);
        FairSharePool.Member honest = pool.Join(10_000);
        Assert.Equal(FairSharePool.Refusal.None, greedy.TryTake(700)); // its floor and all of the shared part
        Assert.Equal(FairSharePool.Refusal.Shared, greedy.TryTake(1));
        Assert.Equal(FairSharePool.Refusal.None, other.TryTake(100));
        Assert.Equal(FairSharePool.Refusal.Shared, other.TryTake(1));
        Assert.Equal(FairSharePool.Refusal.None, honest.TryTake(100));
        greedy.Return(700);
        Assert.Equal(0, pool.Shared);
        Assert.Equal(200, pool.Used);
        Assert.Equal(FairSharePool.Refusal.Own, pool.Join(50).TryTake(51));
    }

    /// <summary>tx_queue (bytes sent and not yet acknowledged) of the TCP sockets connected to `remotePort`, from /proc/net/tcp.</summary>
    internal static List<long> KernelSendQueues(int remotePort)
    {
        var queues = new List<long>();
        foreach (string line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string remote = fields[2];
            int port = int.Parse(remote[(remote.IndexOf(':') + 1)..], NumberStyles.HexNumber);
            if (port == remotePort && fields[3] == "01")
            {
                string[] queue = fields[4].Split(':');
                queues.Add(long.Parse(queue[0], NumberStyles.HexNumber));
            }
        }

        return queues;
    }

    [Fact]
    public async Task ADeviceWritingToAPeerThatDoesNotRead_PinsAtMostItsKernelBound()
    {
        var settings = new HssHostSettings();
        await using var rig = new HostRig(settings, UsbLinkOptions.HighSpeed);
        using var peer = new NonReadingPeer();
        const int sockets = 4;
        byte[] chunk = new byte[16 * 1024];
        for (uint handle = 1; handle <= sockets; handle++)
        {
            await rig.Device.OpenConnectedAsync(handle, peer.EndPoint);
            for (int i = 0; i < 32; i++)
            {
                rig.Device.SendTransmit(handle, chunk); // 512 KiB per socket: far more than the kernel bound
            }
        }

        // Wait until the host holds what the kernel would not take (its buffer stops changing).
        long last = -1;
        for (int quiet = 0; quiet < 10;)
        {
            await Task.Delay(50);
            long now = rig.Connection.BufferedBytes;
            quiet = now == last ? quiet + 1 : 0;
            last = now;
        }

        List<long> queues = KernelSendQueues(peer.EndPoint.Port);
        long perSocketBound = 2L * settings.KernelBufferBytesPerSocket;
        _output.WriteLine($"kernel send queues of the device's {queues.Count} sockets: {string.Join(", ", queues)} bytes " +
            $"(bound {perSocketBound} each); host buffer holds {rig.Connection.BufferedBytes} bytes");
        Assert.Equal(sockets, queues.Count);
        Assert.All(queues, q => Assert.True(q <= perSocketBound, $"{q} bytes in a socket's kernel send queue"));
        Assert.True(queues.Sum() > 0, "nothing queued in the kernel: the test proves nothing");
        Assert.True(rig.Connection.BufferedBytes > 0, "the host holds nothing: the peer must have read");
    }

    [Theory]
    [InlineData("attach and detach")]
    [InlineData("refused")]
    public async Task ConnectionChurn_LogsAtMostTheHostRate_AndCountsWhatItHeldBack(string churn)
    {
        var logs = new ListLoggerFactory();
        const int rate = 20;
        var settings = new HssHostSettings { LogMessagesPerSecond = rate, MaxDevicesPerAddress = churn == "refused" ? 1 : 8 };
        await using var host = new HssHost(settings, logs);
        await using HssTcpListener listener = HssTcpListener.Start(host, new IPEndPoint(IPAddress.Loopback, 0));
        using Socket holder = await DeviceSlotTests.ConnectFromAsync(IPAddress.Loopback, listener.LocalEndPoint);
        byte[] open = new byte[HssLayout.MaxCommandPacket];
        holder.Send(open, PacketWriter.WriteOpen(open, 0, 1, 1, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream), SocketFlags.None);
        await HostLimitsTests.WaitUntilAsync(() => host.Devices.Count == 1 && host.Devices[0].HasCompletedPacket);

        var watch = Stopwatch.StartNew();
        int connections = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (watch.Elapsed < TimeSpan.FromSeconds(2))
            {
                using Socket link = await DeviceSlotTests.ConnectFromAsync(IPAddress.Loopback, listener.LocalEndPoint);
                Interlocked.Increment(ref connections);
                if (churn == "refused")
                {
                    await link.ReceiveAsync(new byte[1], SocketFlags.None); // the host closes it
                }
            }
        })));
        TimeSpan elapsed = watch.Elapsed;
        await HostLimitsTests.WaitUntilAsync(() => host.Devices.Count == 1);
        await Task.Delay(RateLimitedLogger.Window + TimeSpan.FromMilliseconds(300)); // the last window's count is reported
        TimeSpan logged = watch.Elapsed;

        int lines = logs.Lines.Count(l => l.Level >= LogLevel.Information);
        _output.WriteLine($"{churn}: {connections} connections in {elapsed.TotalSeconds:F1} s; {lines} log lines, {host.SuppressedLogMessages} held back, " +
            $"refused {host.RefusedDevices}");
        Assert.True(connections > 3 * rate, $"only {connections} connections: too few to test the rate");
        // Per window: the rate, plus the line that reports what the last one held back.
        double windows = Math.Ceiling(logged / RateLimitedLogger.Window) + 1;
        Assert.True(lines <= windows * (rate + 1) + 2, $"{lines} lines in {logged}");
        Assert.True(host.SuppressedLogMessages > 0);
        Assert.Contains(logs.Lines, l => l.Message.Contains("log messages held back") && l.Message.Contains(HostLimitNames.LogRate));
        if (churn == "refused")
        {
            Assert.True(host.RefusedDevices >= connections - 1, $"{host.RefusedDevices} refused of {connections}");
        }
    }
}
