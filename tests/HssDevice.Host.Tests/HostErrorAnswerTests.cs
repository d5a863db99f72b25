using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using HssDevice.Wire;
using Xunit;

namespace HssDevice.Host.Tests;

using SocketError = System.Net.Sockets.SocketError;

/// <summary>Error answers: docs/protocol.md sections 4, 5, 6, 10 and 11.</summary>
public class HostErrorAnswerTests
{
    [Theory]
    [InlineData("v4")]
    [InlineData("v6")]
    public async Task ConnectToAClosedPortIsRefused(string family)
    {
        await using var rig = new HostRig();
        int hssFamily = family == "v6" ? HssFamily.IPv6 : HssFamily.IPv4;
        Assert.Equal(HssError.Success, (await rig.Device.OpenAsync(5, hssFamily, HssProtocol.Tcp, HssType.Stream)).Code);
        DevicePacket ack = await rig.Device.ExpectAckAsync(rig.Device.SendConnect(5, Loopback.ClosedPort(family)), HssOpcode.Connect);
        Assert.Equal(HssError.ConnectionRefused, ack.Code);
        Assert.Equal(5u, ack.SockId);

        // The socket stays open and can try again.
        using TcpListener listener = Loopback.StartTcpListener(family);
        DevicePacket retry = await rig.Device.ExpectAckAsync(rig.Device.SendConnect(5, listener.EndPoint()), HssOpcode.Connect);
        Assert.Equal(HssError.Success, retry.Code);
    }

    [Theory]
    [InlineData(HssOpcode.Connect)]
    [InlineData(HssOpcode.Transmit)]
    [InlineData(HssOpcode.Shutdown)]
    [InlineData(HssOpcode.Close)]
    public async Task UnknownHandleIsNoSocket(ushort opcode)
    {
        await using var rig = new HostRig();
        RawDevice device = rig.Device;
        ushort msgId = opcode switch
        {
            HssOpcode.Connect => device.SendConnect(99, new IPEndPoint(IPAddress.Loopback, 9)),
            HssOpcode.Transmit => device.SendTransmit(99, RawDevice.Ascii("data")),
            HssOpcode.Shutdown => device.SendShutdown(99),
            _ => device.SendClose(99),
        };

        DevicePacket ack = await device.ExpectAckAsync(msgId, opcode);
        Assert.Equal(HssError.NoSocket, ack.Code);
        Assert.Equal(99u, ack.SockId);
        if (opcode == HssOpcode.Transmit)
        {
            Assert.True(ack.HasValue);
            Assert.Equal(-HssError.NoSocket, ack.Value);
        }
    }

    [Theory]
    [InlineData(1u, HssFamily.IPv4, HssProtocol.Tcp, HssType.Datagram)]
    [InlineData(1u, HssFamily.IPv4, HssProtocol.Udp, HssType.Stream)]
    [InlineData(1u, HssFamily.IPv6, HssProtocol.Tcp, HssType.Datagram)]
    [InlineData(1u, 0, HssProtocol.Tcp, HssType.Stream)]
    [InlineData(1u, 3, HssProtocol.Tcp, HssType.Stream)]
    [InlineData(1u, HssFamily.IPv4, 0, HssType.Stream)]
    [InlineData(1u, HssFamily.IPv4, 3, HssType.Stream)]
    [InlineData(1u, HssFamily.IPv4, HssProtocol.Tcp, 0)]
    [InlineData(1u, HssFamily.IPv4, HssProtocol.Tcp, 3)]
    [InlineData(0u, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream)]
    public async Task InvalidOpenIsInvalidArgument(uint handle, int family, int protocol, int type)
    {
        await using var rig = new HostRig();
        DevicePacket ack = await rig.Device.OpenAsync(handle, family, protocol, type);
        Assert.Equal(HssError.InvalidArgument, ack.Code);
        Assert.Equal(0, rig.Connection.SocketCount);
    }

    [Fact]
    public async Task DuplicateLiveHandleIsInvalidArgument()
    {
        await using var rig = new HostRig();
        Assert.Equal(HssError.Success, (await rig.Device.OpenAsync(42, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream)).Code);
        Assert.Equal(HssError.InvalidArgument, (await rig.Device.OpenAsync(42, HssFamily.IPv6, HssProtocol.Udp, HssType.Datagram)).Code);
        // Once closed, the handle may be used again.
        Assert.Equal(HssError.Success, (await rig.Device.ExpectAckAsync(rig.Device.SendClose(42), HssOpcode.Close)).Code);
        Assert.Equal(HssError.Success, (await rig.Device.OpenAsync(42, HssFamily.IPv6, HssProtocol.Udp, HssType.Datagram)).Code);
    }

    [Fact]
    public async Task SocketLimitIsHostError()
    {
        await using var rig = new HostRig(new HssHostSettings { MaxSocketsPerDevice = 2 });
        Assert.Equal(HssError.Success, (await rig.Device.OpenAsync(1, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream)).Code);
        Assert.Equal(HssError.Success, (await rig.Device.OpenAsync(2, HssFamily.IPv4, HssProtocol.Udp, HssType.Datagram)).Code);
        Assert.Equal(HssError.HostError, (await rig.Device.OpenAsync(3, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream)).Code);
        Assert.Equal(1, rig.Connection.Counters.SocketLimitHits);
    }

    [Fact]
    public async Task ConnectToTheOtherFamilyIsMismatch()
    {
        await using var rig = new HostRig();
        Assert.Equal(HssError.Success, (await rig.Device.OpenAsync(1, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream)).Code);
        DevicePacket ack = await rig.Device.ExpectAckAsync(rig.Device.SendConnect(1, new IPEndPoint(IPAddress.IPv6Loopback, 9)), HssOpcode.Connect);
        Assert.Equal(HssError.Mismatch, ack.Code);
    }

    [Fact]
    public async Task ConnectTwiceIsInvalidArgument()
    {
        await using var rig = new HostRig();
        using TcpListener listener = Loopback.StartTcpListener("v4");
        await rig.Device.OpenConnectedAsync(1, listener.EndPoint());
        DevicePacket ack = await rig.Device.ExpectAckAsync(rig.Device.SendConnect(1, listener.EndPoint()), HssOpcode.Connect);
        Assert.Equal(HssError.InvalidArgument, ack.Code);
    }

    [Fact]
    public async Task TransmitOverTheDeviceBufferLimitIsHostError()
    {
        await using var rig = new HostRig(new HssHostSettings { MaxBufferedBytesPerDevice = 100 });
        using TcpListener listener = Loopback.StartTcpListener("v4");
        await rig.Device.OpenConnectedAsync(1, listener.EndPoint());
        DevicePacket ack = await rig.Device.ExpectAckAsync(rig.Device.SendTransmit(1, new byte[200]), HssOpcode.Transmit);
        Assert.Equal(HssError.HostError, ack.Code);
        Assert.Equal(-HssError.HostError, ack.Value);
        Assert.Equal(1, rig.Connection.Counters.BufferLimitHits);
    }

    [Fact]
    public async Task CommandWithPayloadLengthOver52IsInvalidArgument()
    {
        // On the command pipe one transfer is one packet, so the header can be read and answered.
        await using var rig = new HostRig();
        byte[] packet = new byte[HssLayout.MaxCommandPacket];
        PacketWriter.WriteHeader(packet, 0, HssOpcode.Shutdown, 77, 1, 60);
        rig.Device.SendCommand(packet, packet.Length);
        DevicePacket ack = await rig.Device.ExpectAckAsync(77, HssOpcode.Shutdown);
        Assert.Equal(HssError.InvalidArgument, ack.Code);
        Assert.Equal(1, rig.Connection.Counters.ProtocolErrors);
        Assert.Equal(0, rig.Connection.Counters.LinkResets);
    }

    [Fact]
    public async Task ShortOpenPayloadIsInvalidArgumentAndUnknownOpcodeIsDropped()
    {
        await using var rig = new HostRig();
        byte[] packet = new byte[HssLayout.HeaderSize + 4];
        PacketWriter.WriteHeader(packet, 0, HssOpcode.Open, 50, 0, 4);
        rig.Device.SendCommand(packet, packet.Length);
        Assert.Equal(HssError.InvalidArgument, (await rig.Device.ExpectAckAsync(50, HssOpcode.Open)).Code);

        // On the command pipe an unknown opcode is one bad transfer: dropped and counted, nothing answers it.
        PacketWriter.WriteHeader(packet, 0, 0x0042, 51, 0, 0);
        rig.Device.SendCommand(packet, HssLayout.HeaderSize);
        Assert.Equal(HssError.Success, (await rig.Device.OpenAsync(9, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream)).Code);
        Assert.Equal(2, rig.Connection.Counters.ProtocolErrors);
        Assert.Null(await rig.Device.TryExpectAsync(p => p.MsgId == 51, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task OversizedTransmitIsInvalidArgumentAndFramingHolds()
    {
        await using var rig = new HostRig(new HssHostSettings { MaxDeviceTransmitPayload = 1000 });
        using TcpListener listener = Loopback.StartTcpListener("v4");
        await rig.Device.OpenConnectedAsync(1, listener.EndPoint());
        DevicePacket ack = await rig.Device.ExpectAckAsync(rig.Device.SendTransmit(1, new byte[1500]), HssOpcode.Transmit);
        Assert.Equal(HssError.InvalidArgument, ack.Code);
        DevicePacket next = await rig.Device.ExpectAckAsync(rig.Device.SendTransmit(1, new byte[10]), HssOpcode.Transmit);
        Assert.Equal(10, next.Value);
        Assert.Equal(0, rig.Connection.Counters.LinkResets);
    }

    [Theory]
    [InlineData(SocketError.ConnectionRefused, HssError.ConnectionRefused)]
    [InlineData(SocketError.NetworkUnreachable, HssError.NetworkUnreachable)]
    [InlineData(SocketError.HostUnreachable, HssError.NetworkUnreachable)]
    [InlineData(SocketError.TimedOut, HssError.TimedOut)]
    [InlineData(SocketError.AccessDenied, HssError.HostError)]
    [InlineData(SocketError.AddressNotAvailable, HssError.HostError)]
    public void ConnectErrorsMapInOneSwitch(SocketError error, byte expected) =>
        Assert.Equal(expected, SocketErrorMap.ForConnect(error));
}
