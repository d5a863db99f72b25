using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Wire;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.Host.Tests.Hostile;

/// <summary>
/// Issue 8's hostile devices, each against a host that also serves a well-behaved device: the host stays up, stays
/// within its memory bound, keeps serving the other device, and logs what happened. Each test writes a line
/// "ATTACK name: ... peak ..." (run with --logger "console;verbosity=detailed" to see them).
/// </summary>
[Collection(HostileCollection.Name)]
public class HostileDeviceTests
{
    /// <summary>The managed heap may grow by at most this during an attack: the host's documented buffer bound
    /// (MaxHostBufferBytes), while every per-device queue is far below it. Unbounded, one attack took gigabytes.</summary>
    private const long MemoryBound = 64L * 1024 * 1024;

    private readonly ITestOutputHelper _output;

    public HostileDeviceTests(ITestOutputHelper output)
    {
        _output = output;
    }

    private static byte[] Packet(Func<byte[], int> write)
    {
        byte[] buffer = new byte[HssLayout.MaxCommandPacket + 200];
        int n = write(buffer);
        return buffer[..n];
    }

    /// <summary>A header with any payload_len, as a hostile device writes it.</summary>
    private static int Header(byte[] buffer, ushort opcode, ushort msgId, uint sockId, uint payloadLength)
    {
        PacketWriter.WriteHeader(buffer, 0, opcode, msgId, sockId, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(HssLayout.PayloadLengthOffset), payloadLength);
        return HssLayout.HeaderSize;
    }

    [Fact]
    public async Task UnreadAnswers_HostStopsReadingThenDisconnectsTheStalledDevice()
    {
        var settings = new HssHostSettings { OutboundStallTimeout = TimeSpan.FromSeconds(2) };
        await using HostileRig rig = await HostileRig.StartAsync(settings, attackerReceiveBuffer: 4096);
        // Invalid OPENs (handle 0), each answered EINVAL; the attacker reads none of the answers. The flood goes on
        // until the host has stopped reading it (its outbound bound is hit), however slow a loaded machine is.
        byte[] open = Packet(b => PacketWriter.WriteOpen(b, 0, 1, 0, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream));
        long maxOutbound = 0;
        using var boundHit = new CancellationTokenSource();
        Task<long> flood = rig.FloodAsync(_ => open, TimeSpan.FromSeconds(60), stop: boundHit.Token);
        while (!flood.IsCompleted)
        {
            DeviceConnection connection = rig.AttackerConnection!;
            maxOutbound = Math.Max(maxOutbound, connection.OutboundBytes);
            if (!boundHit.IsCancellationRequested
                && connection.Counters.LimitHitCount(HostLimitNames.OutboundBytes) + connection.Counters.LimitHitCount(HostLimitNames.OutboundPackets) > 0)
            {
                boundHit.CancelAfter(500);
            }

            await Task.Delay(5);
        }

        long sent = await flood;
        await rig.AttackerConnection!.Completion.WaitAsync(RawDevice.Patience);
        _output.WriteLine(rig.Report("unread answers") + $"; sent {sent / 1024} KiB of OPENs, outbound queue peak {maxOutbound / 1024} KiB");

        // One read's worth of answers (64 KiB of 12-byte OPENs, 64 bytes charged each) may land on top of the bound.
        Assert.True(maxOutbound <= settings.MaxOutboundBytesPerDevice + 64 * 1024 / 12 * 64, $"outbound queue reached {maxOutbound}");
        Assert.True(rig.AttackerConnection.Counters.LimitHitCount(HostLimitNames.OutboundBytes) + rig.AttackerConnection.Counters.LimitHitCount(HostLimitNames.OutboundPackets) >= 1);
        Assert.Contains(HostLimitNames.OutboundStall, rig.AttackerConnection.StopReason);
        Assert.Single(rig.Logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("limit " + HostLimitNames.OutboundStall));
        Assert.True(rig.PeakGrowth < MemoryBound, rig.Report("unread answers"));
        await rig.AssertGoodDeviceServedAsync(1);
    }

    public static TheoryData<string> Opcodes => new() { "OPEN", "CONNECT", "TRANSMIT", "SHUTDOWN", "CLOSE", "ACK", "REPLY", "unknown" };

    [Theory]
    [MemberData(nameof(Opcodes))]
    public async Task FloodOfOneOpcode_HostStaysUpAndServesTheOtherDevice(string opcode)
    {
        await using HostileRig rig = await HostileRig.StartAsync();
        rig.DrainAttacker();
        byte[] address = IPAddress.Loopback.GetAddressBytes();
        Func<int, byte[]> packet = opcode switch
        {
            "OPEN" => i => Packet(b => PacketWriter.WriteOpen(b, 0, (ushort)i, (uint)i + 1, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream)),
            "CONNECT" => i => Packet(b => PacketWriter.WriteConnectIPv4(b, 0, (ushort)i, 7, 9, address, 0)),
            "TRANSMIT" => i => Packet(b => PacketWriter.WriteTransmitHeader(b, 0, (ushort)i, 7, 100) + 100),
            "SHUTDOWN" => i => Packet(b => PacketWriter.WriteShutdown(b, 0, (ushort)i, 7)),
            "CLOSE" => i => Packet(b => PacketWriter.WriteClose(b, 0, (ushort)i, (uint)i)),
            "ACK" => i => Packet(b => PacketWriter.WriteAckWithValue(b, 0, (ushort)i, 7, HssOpcode.Transmit, 0, int.MinValue + i)),
            "REPLY" => i => Packet(b => Header(b, HssOpcode.Reply, (ushort)i, 7, 100) + 100),
            _ => i => Packet(b => Header(b, 0x0042, (ushort)i, 7, 0)),
        };

        long sent = await rig.FloodAsync(packet, TimeSpan.FromSeconds(2), maxPackets: 50_000);
        await Task.Delay(200);
        _output.WriteLine(rig.Report("flood of " + opcode) + $"; sent {sent / 1024} KiB, drained {rig.Drained / 1024} KiB");

        DeviceConnection attacker = rig.AttackerConnection!;
        Assert.True(attacker.SocketCount <= rig.Host.Settings.MaxSocketsPerDevice);
        Assert.True(rig.PeakGrowth < MemoryBound, rig.Report(opcode));
        if (opcode == "unknown")
        {
            // A byte stream cannot find packet boundaries again: the link ends (docs/protocol.md section 11).
            await attacker.Completion.WaitAsync(RawDevice.Patience);
            Assert.Equal(1, attacker.Counters.LinkResets);
            Assert.Contains(rig.Logs.Lines, l => l.Message.Contains("framing lost"));
        }
        else
        {
            Assert.False(attacker.Completion.IsCompleted, attacker.StopReason);
        }

        await rig.AssertGoodDeviceServedAsync(1);
    }

    [Theory]
    [InlineData(HssOpcode.Transmit, 0xFFFFFFFFu)]
    [InlineData(HssOpcode.Transmit, 0x7FFFFFFFu)]
    [InlineData(HssOpcode.Transmit, (uint)PacketReassembler.SkipLimit + 1)]
    [InlineData(HssOpcode.Close, 0xFFFFFFFFu)]
    [InlineData(HssOpcode.Open, 53u)]
    public async Task HugeLength_NoAllocationByIt_LinkReset(ushort opcode, uint payloadLength)
    {
        await using HostileRig rig = await HostileRig.StartAsync();
        rig.DrainAttacker();
        byte[] header = new byte[HssLayout.HeaderSize];
        Header(header, opcode, 1, 7, payloadLength);
        long allocated0 = GC.GetTotalAllocatedBytes(true);
        await rig.Attacker!.SendAsync(header, SocketFlags.None);
        await rig.AttackerConnection!.Completion.WaitAsync(RawDevice.Patience);
        long allocated = GC.GetTotalAllocatedBytes(true) - allocated0;
        _output.WriteLine(rig.Report($"huge length {HssOpcode.NameOf(opcode)} {payloadLength}") + $"; allocated {allocated / 1024} KiB meanwhile");

        Assert.True(allocated < 4 * 1024 * 1024, $"{allocated} bytes allocated after a header announcing {payloadLength}");
        Assert.Equal(1, rig.AttackerConnection.Counters.LinkResets);
        await rig.AssertGoodDeviceServedAsync(1);
    }

    [Fact]
    public async Task OversizedButSkippableTransmit_IsAnsweredAndSkippedWithoutBuffering()
    {
        await using HostileRig rig = await HostileRig.StartAsync();
        rig.DrainAttacker();
        const int length = 8 * 1024 * 1024; // over the 65535 the host takes, under the skip limit
        byte[] header = new byte[HssLayout.HeaderSize];
        PacketWriter.WriteTransmitHeader(header, 0, 1, 7, length);
        long allocated0 = GC.GetTotalAllocatedBytes(true);
        await rig.Attacker!.SendAsync(header, SocketFlags.None);
        byte[] chunk = new byte[64 * 1024];
        for (int sent = 0; sent < length; sent += chunk.Length)
        {
            await rig.Attacker.SendAsync(chunk, SocketFlags.None);
        }

        // Framing holds: the next packet is understood.
        await rig.Attacker.SendAsync(Packet(b => PacketWriter.WriteOpen(b, 0, 2, 5, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream)), SocketFlags.None);
        await HostLimitsTests.WaitUntilAsync(() => rig.AttackerConnection!.SocketCount == 1);
        long allocated = GC.GetTotalAllocatedBytes(true) - allocated0;
        _output.WriteLine(rig.Report("8 MiB TRANSMIT (skipped)") + $"; allocated {allocated / 1024} KiB meanwhile");
        Assert.True(allocated < 4 * 1024 * 1024, $"{allocated} bytes allocated for a skipped payload of {length}");
        Assert.Equal(1, rig.AttackerConnection!.Counters.ProtocolErrors);
        Assert.Equal(0, rig.AttackerConnection.Counters.LinkResets);
        await rig.AssertGoodDeviceServedAsync(1);
    }

    [Fact]
    public async Task HalfAPacket_DisconnectedAtTheFirstPacketDeadline()
    {
        await using HostileRig rig = await HostileRig.StartAsync(new HssHostSettings { FirstPacketTimeout = TimeSpan.FromMilliseconds(500) });
        await rig.Attacker!.SendAsync(new byte[11], SocketFlags.None);
        await rig.AttackerConnection!.Completion.WaitAsync(RawDevice.Patience);
        _output.WriteLine(rig.Report("half a packet"));
        Assert.Equal(1, rig.AttackerConnection.Counters.LimitHitCount(HostLimitNames.FirstPacket));
        Assert.Contains(rig.Logs.Lines, l => l.Message.Contains("limit " + HostLimitNames.FirstPacket));
        // The good device was attached at the same time and is still served: its own first packet came in time.
        await rig.AssertGoodDeviceServedAsync(1);
    }

    [Fact]
    public async Task ThousandsOfOpens_SocketLimitHoldsAndIsLoggedOnce()
    {
        await using HostileRig rig = await HostileRig.StartAsync();
        rig.DrainAttacker();
        const int opens = 5000;
        await rig.FloodAsync(i => Packet(b => PacketWriter.WriteOpen(b, 0, (ushort)(i + 1), (uint)i + 1, HssFamily.IPv4, HssProtocol.Udp, HssType.Datagram)),
            TimeSpan.FromSeconds(30), opens);
        DeviceConnection attacker = rig.AttackerConnection!;
        int limit = rig.Host.Settings.MaxSocketsPerDevice;
        await HostLimitsTests.WaitUntilAsync(() => attacker.Counters.LimitHitCount(HostLimitNames.Sockets) == opens - limit);
        _output.WriteLine(rig.Report($"{opens} OPENs"));
        Assert.Equal(limit, attacker.SocketCount);
        Assert.Single(rig.Logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("limit " + HostLimitNames.Sockets));
        Assert.True(rig.PeakGrowth < MemoryBound, rig.Report("opens"));
        await rig.AssertGoodDeviceServedAsync(1);
    }

    [Fact]
    public async Task NeverAckingDevice_UnderAUdpFloodFromARemotePeer_StaysWithinItsWindow()
    {
        var settings = new HssHostSettings();
        await using HostileRig rig = await HostileRig.StartAsync(settings);
        rig.DrainAttacker();
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var peerEndPoint = (IPEndPoint)peer.LocalEndPoint!;
        Socket attacker = rig.Attacker!;
        await attacker.SendAsync(Packet(b => PacketWriter.WriteOpen(b, 0, 1, 1, HssFamily.IPv4, HssProtocol.Udp, HssType.Datagram)), SocketFlags.None);
        await attacker.SendAsync(Packet(b => PacketWriter.WriteConnectIPv4(b, 0, 2, 1, peerEndPoint.Port, peerEndPoint.Address.GetAddressBytes(), 0)), SocketFlags.None);

        // The peer learns the host's address for the device from a datagram the device sends (after CONNECT is done).
        byte[] buffer = new byte[2048];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        using var learn = new CancellationTokenSource(RawDevice.Patience);
        Task<SocketReceiveFromResult> first = peer.ReceiveFromAsync(buffer, SocketFlags.None, from, learn.Token).AsTask();
        for (ushort id = 3; !first.IsCompleted; id++)
        {
            await attacker.SendAsync(Packet(b => PacketWriter.WriteTransmitHeader(b, 0, id, 1, 1) + 1), SocketFlags.None);
            await Task.WhenAny(first, Task.Delay(50));
        }

        EndPoint device = (await first).RemoteEndPoint;
        var random = new Random(8);
        int floodDatagrams = 0;
        long maxInFlight = 0, maxPending = 0, maxOutbound = 0;
        DeviceConnection connection = rig.AttackerConnection!;
        var flooding = Task.Run(() =>
        {
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(2);
            while (DateTime.UtcNow < until)
            {
                peer.SendTo(buffer, 0, random.Next(0, 1500), SocketFlags.None, device);
                floodDatagrams++;
            }
        });
        while (!flooding.IsCompleted)
        {
            maxInFlight = Math.Max(maxInFlight, connection.HostToDeviceInFlight(1));
            maxPending = Math.Max(maxPending, connection.PendingRequests);
            maxOutbound = Math.Max(maxOutbound, connection.OutboundBytes);
            await Task.Delay(5);
        }

        await flooding;
        _output.WriteLine(rig.Report("never-ACKing device + UDP flood") +
            $"; {floodDatagrams} datagrams flooded; peak in flight {maxInFlight} B, pending {maxPending}, outbound {maxOutbound / 1024} KiB");
        Assert.True(maxInFlight <= settings.HostToDeviceWindow, $"{maxInFlight} bytes in flight");
        Assert.True(maxPending <= settings.MaxPendingRequestsPerDevice + 2, $"{maxPending} requests pending");
        Assert.True(rig.PeakGrowth < MemoryBound, rig.Report("udp flood"));
        Assert.False(connection.Completion.IsCompleted);
        await rig.AssertGoodDeviceServedAsync(1);
    }
}
