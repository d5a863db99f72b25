using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using HssDevice.Wire;
using Xunit;

namespace HssDevice.Host.Tests;

/// <summary>The happy paths of docs/protocol.md sections 4 to 8 against real loopback peers.</summary>
public class HostTcpUdpTests
{
    [Theory]
    [InlineData("v4")]
    [InlineData("v6")]
    public async Task TcpOpenConnectTransmitShutdownClose(string family)
    {
        await using var rig = new HostRig();
        RawDevice device = rig.Device;
        using TcpListener listener = Loopback.StartTcpListener(family);
        const uint handle = 0x11223344;

        Task<Socket> accept = listener.AcceptSocketAsync();
        await device.OpenConnectedAsync(handle, listener.EndPoint());
        using Socket peer = await accept.WaitAsync(RawDevice.Patience);

        // Device to host: the ACK carries the count, once written; the peer reads the bytes.
        ushort transmit = device.SendTransmit(handle, RawDevice.Ascii("hello"));
        DevicePacket ack = await device.ExpectAckAsync(transmit, HssOpcode.Transmit);
        Assert.Equal(HssError.Success, ack.Code);
        Assert.True(ack.HasValue);
        Assert.Equal(5, ack.Value);
        Assert.Equal(handle, ack.SockId);
        Assert.Equal("hello", System.Text.Encoding.ASCII.GetString(await Loopback.ReadExactlyAsync(peer, 5)));

        // Host to device: the peer's bytes come as TRANSMITs of the device's handle.
        await peer.SendAsync(RawDevice.Ascii("world!"));
        Assert.Equal("world!", System.Text.Encoding.ASCII.GetString(await device.ReceiveBytesAsync(handle, 6)));

        // Device SHUTDOWN: FIN reaches the peer, the device can still receive.
        DevicePacket shutdown = await device.ExpectAckAsync(device.SendShutdown(handle), HssOpcode.Shutdown);
        Assert.Equal(HssError.Success, shutdown.Code);
        Assert.Equal(0, await peer.ReceiveAsync(new byte[1]).WaitAsync(RawDevice.Patience));
        await peer.SendAsync(RawDevice.Ascii("after"));
        Assert.Equal("after", System.Text.Encoding.ASCII.GetString(await device.ReceiveBytesAsync(handle, 5)));

        // A TRANSMIT after SHUTDOWN is refused: -ENOTCONN.
        DevicePacket late = await device.ExpectAckAsync(device.SendTransmit(handle, RawDevice.Ascii("x")), HssOpcode.Transmit);
        Assert.Equal(HssError.NotConnected, late.Code);
        Assert.Equal(-HssError.NotConnected, late.Value);

        // Device CLOSE: the host forgets the handle.
        DevicePacket close = await device.ExpectAckAsync(device.SendClose(handle), HssOpcode.Close);
        Assert.Equal(HssError.Success, close.Code);
        Assert.Equal(0, rig.Connection.SocketCount);
        DevicePacket again = await device.ExpectAckAsync(device.SendClose(handle), HssOpcode.Close);
        Assert.Equal(HssError.NoSocket, again.Code);
    }

    [Theory]
    [InlineData("v4")]
    [InlineData("v6")]
    public async Task UdpConnectSetsThePeerAndKeepsDatagramBoundaries(string family)
    {
        await using var rig = new HostRig();
        RawDevice device = rig.Device;
        using var server = new UdpClient(new IPEndPoint(Loopback.Address(family), 0));
        var serverEndPoint = (IPEndPoint)server.Client.LocalEndPoint!;
        const uint handle = 7;

        await device.OpenConnectedAsync(handle, serverEndPoint, udp: true);
        DevicePacket first = await device.ExpectAckAsync(device.SendTransmit(handle, RawDevice.Ascii("one")), HssOpcode.Transmit);
        Assert.Equal(3, first.Value);
        DevicePacket second = await device.ExpectAckAsync(device.SendTransmit(handle, RawDevice.Ascii("second")), HssOpcode.Transmit);
        Assert.Equal(6, second.Value);

        UdpReceiveResult a = await server.ReceiveAsync().WaitAsync(RawDevice.Patience);
        UdpReceiveResult b = await server.ReceiveAsync().WaitAsync(RawDevice.Patience);
        Assert.Equal("one", System.Text.Encoding.ASCII.GetString(a.Buffer));
        Assert.Equal("second", System.Text.Encoding.ASCII.GetString(b.Buffer));

        // Two datagrams back: two TRANSMITs, boundaries kept.
        await server.SendAsync(RawDevice.Ascii("abc"), a.RemoteEndPoint);
        await server.SendAsync(RawDevice.Ascii("defgh"), a.RemoteEndPoint);
        DevicePacket t1 = await device.ExpectAsync(p => p.Opcode == HssOpcode.Transmit, "first datagram");
        DevicePacket t2 = await device.ExpectAsync(p => p.Opcode == HssOpcode.Transmit, "second datagram");
        Assert.Equal("abc", System.Text.Encoding.ASCII.GetString(t1.Payload));
        Assert.Equal("defgh", System.Text.Encoding.ASCII.GetString(t2.Payload));
        device.SendAck(t1);
        device.SendAck(t2);

        // Only the connected peer's datagrams are delivered.
        using var stranger = new UdpClient(new IPEndPoint(Loopback.Address(family), 0));
        await stranger.SendAsync(RawDevice.Ascii("spam"), a.RemoteEndPoint);
        await server.SendAsync(RawDevice.Ascii("ok"), a.RemoteEndPoint);
        DevicePacket t3 = await device.ExpectAsync(p => p.Opcode == HssOpcode.Transmit, "datagram from the peer");
        Assert.Equal("ok", System.Text.Encoding.ASCII.GetString(t3.Payload));
    }

    [Fact]
    public async Task UdpTransmitBeforeConnectIsNotConnected()
    {
        await using var rig = new HostRig();
        RawDevice device = rig.Device;
        Assert.Equal(HssError.Success, (await device.OpenAsync(3, HssFamily.IPv4, HssProtocol.Udp, HssType.Datagram)).Code);
        DevicePacket ack = await device.ExpectAckAsync(device.SendTransmit(3, RawDevice.Ascii("x")), HssOpcode.Transmit);
        Assert.Equal(HssError.NotConnected, ack.Code);
        Assert.Equal(-HssError.NotConnected, ack.Value);
    }

    [Fact]
    public async Task HostMessageIdsStartAtOneAndCount()
    {
        await using var rig = new HostRig();
        RawDevice device = rig.Device;
        using TcpListener listener = Loopback.StartTcpListener("v4");
        Task<Socket> accept = listener.AcceptSocketAsync();
        await device.OpenConnectedAsync(1, listener.EndPoint());
        using Socket peer = await accept.WaitAsync(RawDevice.Patience);

        await peer.SendAsync(RawDevice.Ascii("a"));
        DevicePacket first = await device.ExpectAsync(p => p.Opcode == HssOpcode.Transmit, "TRANSMIT");
        device.SendAck(first);
        // Wait for the window to empty so that the next bytes are a second TRANSMIT.
        await device.ExpectAckAsync(device.SendTransmit(1, RawDevice.Ascii("sync")), HssOpcode.Transmit);
        await Loopback.ReadExactlyAsync(peer, 4);
        await peer.SendAsync(RawDevice.Ascii("b"));
        DevicePacket second = await device.ExpectAsync(p => p.Opcode == HssOpcode.Transmit, "TRANSMIT");
        Assert.Equal(1, first.MsgId);
        Assert.Equal(2, second.MsgId);
    }
}
