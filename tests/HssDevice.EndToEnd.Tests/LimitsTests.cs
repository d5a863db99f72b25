using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using HssDevice.Engine;
using HssDevice.Host;
using HssDevice.Wire;
using HssSocket = HssDevice.Sockets.HssSocket;
using Xunit;

namespace HssDevice.EndToEnd.Tests;

/// <summary>Socket limits on either end give the application a clear error, and the socket that hit them is not left behind.</summary>
public class LimitsTests
{
    [Fact]
    public async Task HostSocketLimitGivesEhosterrAndFreesTheSlot()
    {
        await using var rig = new Rig(LinkSetup.Named("full"), hostSettings: new HssHostSettings { MaxSocketsPerDevice = 2 });
        await using var echo = new TcpEchoServer("v4");
        HssSocketException error = await DeviceThread.Run(() =>
        {
            using HssSocket first = DeviceSockets.OpenTcp(rig.Engine, echo.EndPoint);
            using HssSocket second = DeviceSockets.OpenTcp(rig.Engine, echo.EndPoint);
            HssSocketException e = Assert.Throws<HssSocketException>(() => DeviceSockets.OpenTcp(rig.Engine, echo.EndPoint));
            Assert.Equal(2, rig.Engine.SocketsInUse);   // the refused OPEN gave its slot back
            return e;
        });

        Assert.Equal(HssError.HostError, error.HssCode);
        Assert.Equal(HssDevice.SocketError.SocketError, error.SocketErrorCode);
        Assert.Equal(1, rig.Connection.Counters.SocketLimitHits);

        // Once the others are closed, a new socket works again.
        await Rig.WaitUntilAsync(() => rig.Connection.SocketCount == 0, "the host closed both sockets");
        await DeviceThread.Run(() =>
        {
            using HssSocket again = DeviceSockets.OpenTcp(rig.Engine, echo.EndPoint);
            DeviceSockets.SendAll(again, new byte[] { 42 }, 1);
            Assert.Equal(new byte[] { 42 }, DeviceSockets.ReceiveExactly(again, 1));
        });
    }

    [Fact]
    public async Task DeviceSocketLimitFailsLocallyWithoutAnOpen()
    {
        await using var rig = new Rig(LinkSetup.Named("full"), new HssEngineSettings { MaxSockets = 2 });
        await using var echo = new TcpEchoServer("v6");
        HssSocketException error = await DeviceThread.Run(() =>
        {
            using HssSocket first = DeviceSockets.OpenTcp(rig.Engine, echo.EndPoint);
            using HssSocket second = DeviceSockets.OpenTcp(rig.Engine, echo.EndPoint);
            return Assert.Throws<HssSocketException>(() => DeviceSockets.OpenTcp(rig.Engine, echo.EndPoint));
        });

        Assert.Equal(HssDevice.SocketError.NoBufferSpaceAvailable, error.SocketErrorCode);
        Assert.Equal(2, rig.Connection.Counters.SocketsOpened);
    }

    [Theory]
    [InlineData("v4")]
    [InlineData("v6")]
    public async Task UdpDatagramsFromAnotherSenderAreNotDelivered(string family)
    {
        await using var rig = new Rig(LinkSetup.Named("full"));
        IPAddress loopback = Peers.Loopback(family);
        using var peer = new Socket(loopback.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(loopback, 0));
        using var stranger = new Socket(loopback.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        stranger.Bind(new IPEndPoint(loopback, 0));
        HssSocket socket = await DeviceThread.Run(() => DeviceSockets.OpenUdp(rig.Engine, (IPEndPoint)peer.LocalEndPoint!));
        await DeviceThread.Run(() => socket.Send(new byte[] { 1 }));
        SocketReceiveFromResult hello = await peer.ReceiveFromAsync(new byte[16], SocketFlags.None, new IPEndPoint(family == "v6" ? IPAddress.IPv6Any : IPAddress.Any, 0)).WaitAsync(DeviceThread.Patience);

        // The stranger writes to the host's socket first; only the connected peer's datagram reaches the device.
        await stranger.SendToAsync(new byte[] { 0xBA, 0xD0 }, SocketFlags.None, hello.RemoteEndPoint);
        await peer.SendToAsync(new byte[] { 0x0D }, SocketFlags.None, hello.RemoteEndPoint);
        byte[] received = await DeviceThread.Run(() =>
        {
            byte[] buffer = new byte[64];
            return buffer.AsSpan(0, DeviceSockets.ReceiveDatagram(socket, buffer)).ToArray();
        });

        Assert.Equal(new byte[] { 0x0D }, received);
        Assert.Equal(1, rig.Connection.Counters.BytesHostToDevice);
        await DeviceThread.Run(() => socket.Close());
    }
}
