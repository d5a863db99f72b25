using System;
using System.Linq;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading.Tasks;
using HssDevice.Wire;
using Xunit;

namespace HssDevice.Host.Tests;

/// <summary>The host-to-device window (docs/protocol.md section 6) and the ordering of SHUTDOWN and CLOSE (section 8).</summary>
public class HostFlowControlTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task HostKeepsTheWindowAndResumesOnAck()
    {
        const int window = 4096;
        await using var rig = new HostRig(new HssHostSettings { HostToDeviceWindow = window, MaxHostTransmitPayload = 1000 });
        RawDevice device = rig.Device;
        using TcpListener listener = Loopback.StartTcpListener("v4");
        Task<Socket> accept = listener.AcceptSocketAsync();
        await device.OpenConnectedAsync(1, listener.EndPoint());
        using Socket peer = await accept.WaitAsync(RawDevice.Patience);

        byte[] sent = RandomNumberGenerator.GetBytes(256 * 1024);
        Task sending = peer.SendAsync(sent);

        // Without ACKs the host fills the window, then sends nothing. With bytes in flight it sends only whole
        // TRANSMITs (coalescing, docs/protocol.md section 6), so up to one TRANSMIT less than the window.
        var unacked = new System.Collections.Generic.List<DevicePacket>();
        int unackedBytes = 0;
        while (unackedBytes <= window - 1000)
        {
            DevicePacket transmit = await device.ExpectAsync(p => p.Opcode == HssOpcode.Transmit, "TRANSMIT");
            Assert.True(transmit.Payload.Length <= 1000, "TRANSMIT over MaxHostTransmitPayload");
            unacked.Add(transmit);
            unackedBytes += transmit.Payload.Length;
        }

        Assert.InRange(unackedBytes, window - 999, window);
        Assert.Null(await device.TryExpectAsync(p => p.Opcode == HssOpcode.Transmit, Quiet));
        Assert.Equal(unackedBytes, rig.Connection.HostToDeviceInFlight(1));

        // ACKs reopen the window; the rest arrives, never more than the window unacknowledged, in order.
        var received = new System.Collections.Generic.List<byte>(unacked.SelectMany(t => t.Payload));
        foreach (DevicePacket transmit in unacked)
        {
            device.SendAck(transmit);
        }

        unackedBytes = 0;
        var pending = new System.Collections.Generic.Queue<DevicePacket>();
        while (received.Count < sent.Length)
        {
            DevicePacket transmit = await device.ExpectAsync(p => p.Opcode == HssOpcode.Transmit, "TRANSMIT");
            received.AddRange(transmit.Payload);
            pending.Enqueue(transmit);
            unackedBytes += transmit.Payload.Length;
            Assert.True(unackedBytes <= window, $"{unackedBytes} bytes unacknowledged, window {window}");
            if (unackedBytes > window / 2)
            {
                while (pending.Count > 0)
                {
                    DevicePacket acked = pending.Dequeue();
                    device.SendAck(acked);
                    unackedBytes -= acked.Payload.Length;
                }
            }
        }

        await sending.WaitAsync(RawDevice.Patience);
        Assert.Equal(sent, received.ToArray());
    }

    [Fact]
    public async Task SocketsShareTheDevicesBudgetAndAClosedSocketGivesItsShareBack()
    {
        const int budget = 3000;
        await using var rig = new HostRig(new HssHostSettings { MaxHostToDeviceBytesPerDevice = budget, HostToDeviceWindow = 4096, MaxHostTransmitPayload = 1000 });
        RawDevice device = rig.Device;
        using TcpListener listener = Loopback.StartTcpListener("v4");
        Task<Socket> accept1 = listener.AcceptSocketAsync();
        await device.OpenConnectedAsync(1, listener.EndPoint());
        using Socket peer1 = await accept1.WaitAsync(RawDevice.Patience);
        Task<Socket> accept2 = listener.AcceptSocketAsync();
        await device.OpenConnectedAsync(2, listener.EndPoint());
        using Socket peer2 = await accept2.WaitAsync(RawDevice.Patience);

        // Socket 1 alone fills the device's budget (its own window would allow more).
        await peer1.SendAsync(new byte[20000]);
        int total = 0;
        while (total < budget)
        {
            DevicePacket transmit = await device.ExpectAsync(p => p.Opcode == HssOpcode.Transmit, "TRANSMIT");
            Assert.Equal(1u, transmit.SockId);
            total += transmit.Payload.Length;
        }

        Assert.Equal(budget, total);
        await peer2.SendAsync(new byte[20000]);
        Assert.Null(await device.TryExpectAsync(p => p.Opcode == HssOpcode.Transmit, Quiet));
        Assert.Equal(budget, rig.Connection.HostToDeviceInFlightTotal);

        // Closing socket 1 with its TRANSMITs unacknowledged gives its share back: socket 2 gets the budget.
        Assert.Equal(HssError.Success, (await device.ExpectAckAsync(device.SendClose(1), HssOpcode.Close)).Code);
        total = 0;
        while (total < budget)
        {
            DevicePacket transmit = await device.ExpectAsync(p => p.Opcode == HssOpcode.Transmit, "TRANSMIT of socket 2");
            Assert.Equal(2u, transmit.SockId);
            total += transmit.Payload.Length;
        }

        await WaitUntilAsync(() => rig.Connection.HostToDeviceInFlightTotal == budget && rig.Connection.HostToDeviceInFlight(2) == budget);
    }

    [Fact]
    public async Task RemoteFinBecomesShutdownAfterEarlierTransmitsAreAcked()
    {
        await using var rig = new HostRig();
        RawDevice device = rig.Device;
        using TcpListener listener = Loopback.StartTcpListener("v6");
        Task<Socket> accept = listener.AcceptSocketAsync();
        await device.OpenConnectedAsync(4, listener.EndPoint());
        using Socket peer = await accept.WaitAsync(RawDevice.Patience);

        await peer.SendAsync(RawDevice.Ascii("last words"));
        peer.Shutdown(SocketShutdown.Send);
        DevicePacket transmit = await device.ExpectAsync(p => p.Opcode == HssOpcode.Transmit, "TRANSMIT");
        Assert.Null(await device.TryExpectAsync(p => p.Opcode == HssOpcode.Shutdown, Quiet));

        device.SendAck(transmit);
        DevicePacket shutdown = await device.ExpectAsync(p => p.Opcode == HssOpcode.Shutdown, "SHUTDOWN");
        Assert.Equal(4u, shutdown.SockId);
        Assert.True(shutdown.ViaCommandPipe);
        device.SendAck(shutdown);

        // Half-closed: the device still sends.
        DevicePacket ack = await device.ExpectAckAsync(device.SendTransmit(4, RawDevice.Ascii("reply")), HssOpcode.Transmit);
        Assert.Equal(5, ack.Value);
        Assert.Equal("reply", System.Text.Encoding.ASCII.GetString(await Loopback.ReadExactlyAsync(peer, 5)));
        Assert.Equal(0, rig.Connection.Counters.RequestTimeouts);
    }

    [Fact]
    public async Task RemoteResetBecomesClose()
    {
        await using var rig = new HostRig();
        RawDevice device = rig.Device;
        using TcpListener listener = Loopback.StartTcpListener("v4");
        Task<Socket> accept = listener.AcceptSocketAsync();
        await device.OpenConnectedAsync(8, listener.EndPoint());
        Socket peer = await accept.WaitAsync(RawDevice.Patience);

        peer.LingerState = new LingerOption(true, 0); // close with RST
        peer.Close();

        DevicePacket close = await device.ExpectAsync(p => p.Opcode == HssOpcode.Close, "CLOSE");
        Assert.Equal(8u, close.SockId);
        device.SendAck(close);
        await WaitUntilAsync(() => rig.Connection.SocketCount == 0);
        DevicePacket late = await device.ExpectAckAsync(device.SendTransmit(8, RawDevice.Ascii("x")), HssOpcode.Transmit);
        Assert.Equal(HssError.NoSocket, late.Code);
    }

    [Fact]
    public async Task ReferenceDeviceNeverAcksAndTheHostDoesNotWait()
    {
        const int window = 2048;
        await using var rig = new HostRig(HssHostSettings.ForReferenceDevice with { HostToDeviceWindow = window });
        RawDevice device = rig.Device;
        using TcpListener listener = Loopback.StartTcpListener("v4");
        Task<Socket> accept = listener.AcceptSocketAsync();
        await device.OpenConnectedAsync(1, listener.EndPoint());
        using Socket peer = await accept.WaitAsync(RawDevice.Patience);

        byte[] sent = RandomNumberGenerator.GetBytes(5 * window);
        await peer.SendAsync(sent);
        byte[] received = await device.ReceiveBytesAsync(1, sent.Length, ack: false);
        Assert.Equal(sent, received);
    }

    [Fact]
    public async Task ReferenceHostSendsThreeByteAcksAndIgnoresDeviceAcks()
    {
        await using var rig = new HostRig(HssHostSettings.ReferenceCompatibleHost, Emulation.UsbLinkOptions.ReferenceCompatible(Emulation.UsbSpeed.FullSpeed));
        RawDevice device = rig.Device;
        using TcpListener listener = Loopback.StartTcpListener("v4");
        Task<Socket> accept = listener.AcceptSocketAsync();
        await device.OpenConnectedAsync(1, listener.EndPoint());
        using Socket peer = await accept.WaitAsync(RawDevice.Patience);

        DevicePacket ack = await device.ExpectAckAsync(device.SendTransmit(1, RawDevice.Ascii("abc")), HssOpcode.Transmit);
        Assert.Equal(HssError.Success, ack.Code);
        Assert.False(ack.HasValue);
        Assert.Equal(3, ack.Payload.Length);

        await peer.SendAsync(RawDevice.Ascii("xyz"));
        await device.ReceiveBytesAsync(1, 3, ack: true);
        await WaitUntilAsync(() => rig.Connection.Counters.IgnoredTransmitAcks == 1);
        Assert.Equal(0, rig.Connection.Counters.UnmatchedAnswers);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        DateTime giveUp = DateTime.UtcNow + RawDevice.Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < giveUp, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
