using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Wire;
using Xunit;

namespace HssDevice.Host.Tests;

/// <summary>Issue 8's bounds: every queue charged per item with a minimum, the request bound that keeps message IDs
/// from running out, and the answers a device can abuse (int.MinValue).</summary>
public class HostLimitsTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public void AnEmptyItemIsChargedTheMinimum()
    {
        var host = new FairSharePool(1000, 1, 0);
        var device = new BufferBudget(64 * 3, 100, "bytes", "items", host, "host-bytes");
        Assert.True(device.TryCharge(0, out _));
        Assert.True(device.TryCharge(0, out _));
        Assert.True(device.TryCharge(10, out _));
        Assert.Equal(64 * 3, device.Bytes);
        Assert.False(device.TryCharge(0, out string? refusedBy));
        Assert.Equal("bytes", refusedBy);
        Assert.Equal(3, device.Items);
        Assert.Equal(64 * 3, host.Used);
        device.Release(0);
        device.Release(0);
        device.Release(10);
        Assert.Equal(0, device.Bytes);
        Assert.Equal(0, host.Used);
    }

    [Fact]
    public void ItemsAndTheHostsBudgetBoundToo()
    {
        var host = new FairSharePool(200, 2, 0);
        var a = new BufferBudget(10_000, 2, "bytes", "items", host, "host-bytes");
        var b = new BufferBudget(10_000, 100, "bytes", "items", host, "host-bytes");
        Assert.True(a.TryCharge(0, out _));
        Assert.True(a.TryCharge(0, out _));
        Assert.False(a.TryCharge(0, out string? refusedBy));
        Assert.Equal("items", refusedBy);
        Assert.True(b.TryCharge(50, out _));
        Assert.False(b.TryCharge(50, out refusedBy)); // 64 + 64 + 64 + 64 > 200
        Assert.Equal("host-bytes", refusedBy);
        Assert.Equal(1, b.Items);
    }

    [Fact]
    public async Task OutboundQueueChargesEmptyPacketsAndWaitsForRoom()
    {
        var queue = new OutboundQueue(64 * 4, 1000);
        for (int i = 0; i < 4; i++)
        {
            queue.Charge(0);
        }

        Assert.True(queue.IsFull);
        Assert.Equal(HostLimitNames.OutboundBytes, queue.FullBound);
        Task<bool> waiting = queue.WaitForRoomAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        queue.Discharge(0);
        Assert.True(await waiting.WaitAsync(RawDevice.Patience));
    }

    [Fact]
    public async Task OutboundQueueReportsAStallWhenNothingIsWritten()
    {
        var queue = new OutboundQueue(1000, 2);
        queue.Charge(1);
        queue.Charge(1);
        Assert.Equal(HostLimitNames.OutboundPackets, queue.FullBound);
        Assert.False(await queue.WaitForRoomAsync(TimeSpan.FromMilliseconds(100), CancellationToken.None));
    }

    [Fact]
    public async Task ZeroLengthTransmitsAreChargedAgainstTheDevice()
    {
        // 64 bytes per item at least: three empty TRANSMITs cannot fit a 100-byte budget at once, so they are not free.
        // The peer does not read, so the OS socket fills and the queue holds what comes after.
        await using var rig = new HostRig(new HssHostSettings { MaxQueuedItemsPerDevice = 4, MaxBufferedBytesPerDevice = 1 << 20 });
        using TcpListener listener = Loopback.StartTcpListener("v4");
        Task<Socket> accept = listener.AcceptSocketAsync();
        await rig.Device.OpenConnectedAsync(1, listener.EndPoint());
        using Socket peer = await accept.WaitAsync(RawDevice.Patience);
        peer.ReceiveBufferSize = 4096;

        // Fill the kernel's buffers (the send loop then blocks on the first TRANSMIT), then flood empty TRANSMITs.
        byte[] chunk = new byte[60_000];
        for (int i = 0; i < 200 && rig.Connection.BufferedBytes < 60_000; i++)
        {
            rig.Device.SendTransmit(1, chunk);
            await Task.Delay(5);
        }

        Assert.True(rig.Connection.BufferedBytes >= 60_000, "the OS socket never filled");
        ushort[] empties = Enumerable.Range(0, 20).Select(_ => rig.Device.SendTransmit(1, Array.Empty<byte>())).ToArray();
        DevicePacket last = await rig.Device.ExpectAckAsync(empties[^1], HssOpcode.Transmit);
        Assert.Equal(-HssError.HostError, last.Value);
        Assert.True(rig.Connection.Counters.LimitHitCount(HostLimitNames.QueuedItems) >= 1);
        Assert.True(rig.Connection.Counters.BufferLimitHits >= 1);
    }

    [Fact]
    public async Task EmptyDatagramsTakeWindowAndRequestsUntilTheDeviceAnswers_ThenTheSocketCarriesOn()
    {
        // Before: empty datagrams cost nothing, the host sent until all 65535 msg ids were outstanding, then the
        // receive pump died with no CLOSE. Now each takes a byte of the window and a request slot.
        const int requests = 50;
        await using var rig = new HostRig(new HssHostSettings { MaxPendingRequestsPerDevice = requests });
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await rig.Device.OpenConnectedAsync(1, (IPEndPoint)peer.LocalEndPoint!, udp: true);
        var device = (IPEndPoint)(await FindDeviceEndPointAsync(rig, peer));

        for (int i = 0; i < requests * 4; i++)
        {
            peer.SendTo(Array.Empty<byte>(), device);
        }

        var held = new System.Collections.Generic.List<DevicePacket>();
        while (held.Count < requests)
        {
            held.Add(await rig.Device.ExpectAsync(p => p.Opcode == HssOpcode.Transmit && p.Payload.Length == 0, "empty TRANSMIT"));
        }

        Assert.Null(await rig.Device.TryExpectAsync(p => p.Opcode == HssOpcode.Transmit, Quiet));
        Assert.True(rig.Connection.PendingRequests <= requests + 2, $"{rig.Connection.PendingRequests} requests outstanding");
        Assert.True(rig.Connection.HostToDeviceInFlight(1) >= requests, "empty datagrams took no window");
        Assert.True(rig.Connection.Counters.LimitHitCount(HostLimitNames.PendingRequests) >= 1);

        // Answers free the requests: the rest of the empties come, then data, on the same pump.
        foreach (DevicePacket transmit in held)
        {
            rig.Device.SendAck(transmit);
        }

        // Sent until it comes: the host's UDP socket has a small kernel buffer (KernelBufferBytesPerSocket), which the
        // empties beyond the window filled, and the kernel drops datagrams that do not fit.
        using var stopSending = new CancellationTokenSource();
        Task sending = Task.Run(async () =>
        {
            while (!stopSending.IsCancellationRequested)
            {
                peer.SendTo(RawDevice.Ascii("after"), device);
                await Task.Delay(100);
            }
        });
        while (true)
        {
            DevicePacket transmit = await rig.Device.ExpectAsync(p => p.Opcode == HssOpcode.Transmit, "TRANSMIT");
            rig.Device.SendAck(transmit);
            if (transmit.Payload.Length > 0)
            {
                Assert.Equal("after", System.Text.Encoding.ASCII.GetString(transmit.Payload));
                break;
            }
        }

        stopSending.Cancel();
        await sending;
    }

    [Theory]
    [InlineData(int.MinValue)]
    [InlineData(-256)]
    [InlineData(-1_000_000)]
    public async Task ATransmitAckBelowMinus255ReadsAsHostErrorAndTheHostCarriesOn(int value)
    {
        var logs = new ListLoggerFactory();
        await using var rig = new HostRig(loggers: logs);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await rig.Device.OpenConnectedAsync(1, (IPEndPoint)peer.LocalEndPoint!, udp: true);
        var device = await FindDeviceEndPointAsync(rig, peer);
        peer.SendTo(RawDevice.Ascii("x"), device);
        DevicePacket transmit = await rig.Device.ExpectAsync(p => p.Opcode == HssOpcode.Transmit && p.Payload.Length == 1, "TRANSMIT");
        byte[] ack = new byte[HssLayout.MaxCommandPacket];
        int n = PacketWriter.WriteAckWithValue(ack, 0, transmit.MsgId, transmit.SockId, HssOpcode.Transmit, HssError.Success, value);
        rig.Device.SendCommand(ack, n);

        await WaitUntilAsync(() => rig.Connection.Counters.RefusedTransmits == 1);
        Assert.Contains(logs.Lines, l => l.Message.Contains("TRANSMIT on") && l.Message.Contains("refused with EHOSTERR;"));
        Assert.Equal(0, rig.Connection.HostToDeviceInFlight(1));
        Assert.Equal(HssError.Success, (await rig.Device.OpenAsync(2, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream)).Code);
    }

    /// <summary>The host's UDP socket for the device, found by a datagram the device sends to the peer.</summary>
    internal static async Task<IPEndPoint> FindDeviceEndPointAsync(HostRig rig, Socket peer)
    {
        ushort id = rig.Device.SendTransmit(1, RawDevice.Ascii("hello"));
        Assert.Equal(5, (await rig.Device.ExpectAckAsync(id, HssOpcode.Transmit)).Value);
        byte[] buffer = new byte[64];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        var result = await peer.ReceiveFromAsync(buffer, SocketFlags.None, from).WaitAsync(RawDevice.Patience);
        return (IPEndPoint)result.RemoteEndPoint;
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(RawDevice.Patience);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
