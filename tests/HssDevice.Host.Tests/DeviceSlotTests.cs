using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host.Links;
using HssDevice.Wire;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.Host.Tests;

/// <summary>
/// What a device slot costs an attacker (docs/security.md, "Device slots"): a slot is held only by a connection that
/// speaks HSS (a newcomer evicts the oldest that has not sent a whole packet), at most MaxDevicesPerAddress from one
/// address, and a packet once begun must be whole within PacketTimeout (trickled bytes are not activity). Attackers
/// and the honest device use different loopback addresses (127.0.0.0/8 is all loopback).
/// </summary>
public class DeviceSlotTests
{
    private static readonly IPAddress HonestAddress = IPAddress.Parse("127.0.0.2");

    private readonly ITestOutputHelper _output;

    public DeviceSlotTests(ITestOutputHelper output)
    {
        _output = output;
    }

    private static byte[] Open(ushort msgId, uint handle)
    {
        byte[] buffer = new byte[HssLayout.MaxCommandPacket];
        int n = PacketWriter.WriteOpen(buffer, 0, msgId, handle, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream);
        return buffer[..n];
    }

    /// <summary>A TCP connection to the listener from a chosen loopback address.</summary>
    internal static async Task<Socket> ConnectFromAsync(IPAddress from, IPEndPoint to, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(from, 0));
            await socket.ConnectAsync(to, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The honest device: connects, sends an OPEN and waits for its ACK; a connection closed before the ACK
    /// (evicted, refused) is retried until `patience` runs out. Returns the tries it took, or 0 if never served.</summary>
    private static async Task<int> HonestAttachAsync(IPEndPoint listener, TimeSpan patience)
    {
        var watch = Stopwatch.StartNew();
        for (int tries = 1; watch.Elapsed < patience; tries++)
        {
            using Socket device = await ConnectFromAsync(HonestAddress, listener);
            await device.SendAsync(Open(1, 1), SocketFlags.None);
            byte[] answer = new byte[HssLayout.HeaderSize + HssLayout.AckMinPayloadLength];
            int got = 0;
            using var wait = new CancellationTokenSource(patience - watch.Elapsed);
            try
            {
                while (got < answer.Length)
                {
                    int n = await device.ReceiveAsync(answer.AsMemory(got), SocketFlags.None, wait.Token);
                    if (n == 0)
                    {
                        break;
                    }

                    got += n;
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
            }

            if (got == answer.Length)
            {
                var ack = new HssPacket();
                Assert.Equal(DecodeStatus.Ok, ack.Decode(answer, 0, answer.Length, 65535));
                Assert.Equal(HssOpcode.Ack, ack.Opcode);
                Assert.Equal(HssError.Success, ack.Code);
                return tries;
            }
        }

        return 0;
    }

    [Fact]
    public async Task WhenFull_ANewcomerEvictsTheOldestDeviceWithoutAWholePacket()
    {
        var logs = new ListLoggerFactory();
        await using var host = new HssHost(new HssHostSettings { MaxDevices = 2, FirstPacketTimeout = Timeout.InfiniteTimeSpan }, logs);
        await using HssTcpListener listener = HssTcpListener.Start(host, new IPEndPoint(IPAddress.Loopback, 0));
        using Socket silent = await ConnectFromAsync(IPAddress.Loopback, listener.LocalEndPoint);
        await HostLimitsTests.WaitUntilAsync(() => host.Devices.Count == 1);
        using Socket halfHeader = await ConnectFromAsync(IPAddress.Loopback, listener.LocalEndPoint);
        halfHeader.Send(new byte[6]);
        await HostLimitsTests.WaitUntilAsync(() => host.Devices.Count == 2);

        Assert.True(await HonestAttachAsync(listener.LocalEndPoint, RawDevice.Patience) == 1, "the honest device was not served at once");
        // The silent one came first: it made room. The half header is next in line.
        silent.ReceiveTimeout = (int)RawDevice.Patience.TotalMilliseconds;
        Assert.Equal(0, silent.Receive(new byte[1]));
        Assert.Equal(1, host.EvictedDevices);
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("evicting") && l.Message.Contains("no whole packet yet"));
    }

    [Fact]
    public async Task AnAttackerReconnectingHalfOpenLinksAsFastAsItCan_CannotKeepAnHonestDeviceOut()
    {
        // 24 attacker addresses (so the per-address limit does not stop them): each loop connects, sends nothing or a
        // half header, and reconnects as soon as its link is closed, to hold every slot.
        var settings = new HssHostSettings { MaxDevices = 8, FirstPacketTimeout = TimeSpan.FromSeconds(30) };
        await using var host = new HssHost(settings);
        await using HssTcpListener listener = HssTcpListener.Start(host, new IPEndPoint(IPAddress.Loopback, 0));
        using var stop = new CancellationTokenSource();
        long attackerConnections = 0;
        Task[] attackers = Enumerable.Range(0, 24).Select(i => Task.Run(async () =>
        {
            var from = IPAddress.Parse("127.0.1." + (i + 1));
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using Socket link = await ConnectFromAsync(from, listener.LocalEndPoint, stop.Token);
                    Interlocked.Increment(ref attackerConnections);
                    if (i % 2 == 0)
                    {
                        await link.SendAsync(new byte[7], SocketFlags.None, stop.Token);
                    }

                    await link.ReceiveAsync(new byte[16], SocketFlags.None, stop.Token); // until the host closes it
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                }
            }
        })).ToArray();

        await HostLimitsTests.WaitUntilAsync(() => host.Devices.Count == settings.MaxDevices);
        var tries = new List<int>();
        for (int attempt = 0; attempt < 10; attempt++)
        {
            int took = await HonestAttachAsync(listener.LocalEndPoint, TimeSpan.FromSeconds(5));
            tries.Add(took);
        }

        stop.Cancel();
        await Task.WhenAll(attackers);
        _output.WriteLine($"honest attaches (tries each): {string.Join(" ", tries)}; attacker connections {attackerConnections}, evicted {host.EvictedDevices}, refused {host.RefusedDevices}");
        Assert.DoesNotContain(0, tries);
        Assert.True(host.EvictedDevices >= 10, $"only {host.EvictedDevices} evictions: the attack did not fill the host");
    }

    [Fact]
    public async Task OneAddressHoldsAtMostMaxDevicesPerAddress_EvenWithDevicesThatSpeakHss()
    {
        // Links that send one OPEN and then nothing are not evictable: the per-address limit is what keeps slots free.
        var logs = new ListLoggerFactory();
        var settings = new HssHostSettings { MaxDevices = 6, MaxDevicesPerAddress = 3 };
        await using var host = new HssHost(settings, logs);
        await using HssTcpListener listener = HssTcpListener.Start(host, new IPEndPoint(IPAddress.Loopback, 0));
        using var stop = new CancellationTokenSource();
        Task[] attackers = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using Socket link = await ConnectFromAsync(IPAddress.Loopback, listener.LocalEndPoint, stop.Token);
                    await link.SendAsync(Open(1, 1), SocketFlags.None, stop.Token);
                    while (await link.ReceiveAsync(new byte[64], SocketFlags.None, stop.Token) > 0)
                    {
                    }
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                }
            }
        })).ToArray();

        await HostLimitsTests.WaitUntilAsync(() => host.RefusedDevices >= 10);
        var tries = new List<int>();
        for (int attempt = 0; attempt < 5; attempt++)
        {
            tries.Add(await HonestAttachAsync(listener.LocalEndPoint, TimeSpan.FromSeconds(5)));
        }

        int fromAttacker = host.Devices.Count(d => d.SourceKey == "127.0.0.1");
        stop.Cancel();
        await Task.WhenAll(attackers);
        _output.WriteLine($"honest attaches (tries each): {string.Join(" ", tries)}; refused {host.RefusedDevices}, attacker devices {fromAttacker}");
        Assert.DoesNotContain(0, tries);
        Assert.True(fromAttacker <= settings.MaxDevicesPerAddress);
        Assert.Contains(logs.Lines, l => l.Message.Contains("limit " + HostLimitNames.DevicesPerAddress + " reached"));
    }

    [Fact]
    public void SourcesCountByAddress_AndIPv6ByItsSlash64()
    {
        Assert.Equal("127.0.0.1", HssHost.SourceKey(IPAddress.Parse("127.0.0.1")));
        Assert.Equal("127.0.0.1", HssHost.SourceKey(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.Equal(HssHost.SourceKey(IPAddress.Parse("2001:db8:1:2::1")), HssHost.SourceKey(IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.NotEqual(HssHost.SourceKey(IPAddress.Parse("2001:db8:1:2::1")), HssHost.SourceKey(IPAddress.Parse("2001:db8:1:3::1")));
    }

    [Fact]
    public async Task AHeaderAnnouncingMegabytesThenATrickle_IsCutAtThePacketTimeout_NotTheIdleTimeout()
    {
        var logs = new ListLoggerFactory();
        TimeSpan packetTimeout = TimeSpan.FromSeconds(1);
        await using var host = new HssHost(new HssHostSettings { PacketTimeout = packetTimeout }, logs);
        await using HssTcpListener listener = HssTcpListener.Start(host, new IPEndPoint(IPAddress.Loopback, 0));
        using Socket attacker = await ConnectFromAsync(IPAddress.Loopback, listener.LocalEndPoint);
        await attacker.SendAsync(Open(1, 1), SocketFlags.None); // a whole first packet: the first-packet deadline is met
        await HostLimitsTests.WaitUntilAsync(() => host.Devices.Count == 1 && host.Devices[0].HasCompletedPacket);
        DeviceConnection device = host.Devices[0];

        // A TRANSMIT header announcing 16 MiB (over the host's maximum: its payload is skipped), then a byte every 50 ms.
        byte[] header = new byte[HssLayout.HeaderSize];
        PacketWriter.WriteTransmitHeader(header, 0, 2, 1, 16 * 1024 * 1024);
        await attacker.SendAsync(header, SocketFlags.None);
        var watch = Stopwatch.StartNew();
        while (!device.Completion.IsCompleted && watch.Elapsed < RawDevice.Patience)
        {
            try
            {
                await attacker.SendAsync(new byte[1], SocketFlags.None);
            }
            catch (SocketException)
            {
                break;
            }

            await Task.WhenAny(device.Completion, Task.Delay(50));
        }

        await device.Completion.WaitAsync(RawDevice.Patience);
        TimeSpan held = watch.Elapsed;
        _output.WriteLine($"trickling device held its slot {held.TotalMilliseconds:F0} ms (packet timeout {packetTimeout.TotalMilliseconds} ms): {device.StopReason}");
        Assert.Equal(1, device.Counters.LimitHitCount(HostLimitNames.Packet));
        Assert.Contains(HostLimitNames.Packet, device.StopReason);
        Assert.True(held >= packetTimeout - TimeSpan.FromMilliseconds(50), $"cut after {held}");
        Assert.Single(logs.Lines, l => l.Message.Contains("limit " + HostLimitNames.Packet + " reached"));
    }

    [Fact]
    public async Task TrickledBytesAreNotActivity_TheIdleTimeoutCutsATrickleToo()
    {
        await using var host = new HssHost(new HssHostSettings { PacketTimeout = Timeout.InfiniteTimeSpan, IdleTimeout = TimeSpan.FromSeconds(1) });
        await using HssTcpListener listener = HssTcpListener.Start(host, new IPEndPoint(IPAddress.Loopback, 0));
        using Socket attacker = await ConnectFromAsync(IPAddress.Loopback, listener.LocalEndPoint);
        await attacker.SendAsync(Open(1, 1), SocketFlags.None);
        await HostLimitsTests.WaitUntilAsync(() => host.Devices.Count == 1 && host.Devices[0].HasCompletedPacket);
        DeviceConnection device = host.Devices[0];
        byte[] header = new byte[HssLayout.HeaderSize];
        PacketWriter.WriteTransmitHeader(header, 0, 2, 1, 60_000);
        await attacker.SendAsync(header, SocketFlags.None);
        var watch = Stopwatch.StartNew();
        while (!device.Completion.IsCompleted && watch.Elapsed < RawDevice.Patience)
        {
            try
            {
                await attacker.SendAsync(new byte[1], SocketFlags.None);
            }
            catch (SocketException)
            {
                break;
            }

            await Task.WhenAny(device.Completion, Task.Delay(50));
        }

        await device.Completion.WaitAsync(RawDevice.Patience);
        Assert.Equal(1, device.Counters.LimitHitCount(HostLimitNames.Idle));
    }

    [Fact]
    public async Task TheFirstPacketDeadlineFiresAtItsTime()
    {
        // Idle and packet timeouts far away: the first-packet deadline is waited for exactly, not found by a periodic check.
        TimeSpan first = TimeSpan.FromSeconds(1.5);
        await using var host = new HssHost(new HssHostSettings { FirstPacketTimeout = first, IdleTimeout = TimeSpan.FromMinutes(10) });
        await using HssTcpListener listener = HssTcpListener.Start(host, new IPEndPoint(IPAddress.Loopback, 0));
        using Socket silent = await ConnectFromAsync(IPAddress.Loopback, listener.LocalEndPoint);
        await HostLimitsTests.WaitUntilAsync(() => host.Devices.Count == 1);
        DeviceConnection device = host.Devices[0];
        await device.Completion.WaitAsync(RawDevice.Patience);
        TimeSpan lived = Stopwatch.GetElapsedTime(device.AttachedAt);
        _output.WriteLine($"first-packet deadline {first.TotalMilliseconds} ms: disconnected after {lived.TotalMilliseconds:F0} ms");
        Assert.Equal(1, device.Counters.LimitHitCount(HostLimitNames.FirstPacket));
        Assert.True(lived >= first, $"disconnected early, after {lived}");
    }
}
