using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using HssSocket = HssDevice.Sockets.HssSocket;
using HssDevice.Wire;
using Xunit;

namespace HssDevice.EndToEnd.Tests;

/// <summary>TCP and UDP over IPv4 and IPv6, and a refused connection, from the device application to loopback peers.</summary>
public class TcpUdpTests
{
    public static TheoryData<string, string> FamiliesAndLinks => new()
    {
        { "v4", "full" }, { "v6", "full" }, { "v4", "high-unpacked" }, { "v6", "high-unpacked" }, { "v4", "single-pipe" }, { "v6", "single-pipe" },
    };

    [Theory]
    [MemberData(nameof(FamiliesAndLinks))]
    public async Task TcpRequestAndReply(string family, string link)
    {
        await using var rig = new Rig(LinkSetup.Named(link));
        using TcpListener listener = Peers.Listen(family);
        Task<Socket> accepting = listener.AcceptAsync();
        byte[] request = Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\n\r\n");
        byte[] reply = Encoding.ASCII.GetBytes("HTTP/1.0 200 OK\r\n\r\nhello from " + family);

        Task<byte[]> device = DeviceThread.Run(() =>
        {
            using HssSocket socket = DeviceSockets.OpenTcp(rig.Engine, listener.EndPoint());
            Assert.True(socket.Connected);
            DeviceSockets.SendAll(socket, request, request.Length);
            return DeviceSockets.ReceiveExactly(socket, reply.Length);
        });

        using Socket peer = await accepting;
        // The peer sees the host's OS socket: same family, from loopback.
        Assert.Equal(Peers.Loopback(family), ((IPEndPoint)peer.RemoteEndPoint!).Address);
        Assert.Equal(request, await Peers.ReceiveExactlyAsync(peer, request.Length));
        await Peers.SendAllAsync(peer, reply);
        Assert.Equal(reply, await device);
        Assert.Equal(request.Length, rig.Connection.Counters.BytesDeviceToHost);
        Assert.Equal(reply.Length, rig.Connection.Counters.BytesHostToDevice);
        Assert.Equal(0, rig.Connection.Counters.ProtocolErrors);
        Assert.Equal(0, rig.Engine.Stats.ProtocolErrors);
    }

    [Theory]
    [MemberData(nameof(FamiliesAndLinks))]
    public async Task UdpDatagramsKeepTheirBoundariesBothWays(string family, string link)
    {
        await using var rig = new Rig(LinkSetup.Named(link));
        using var peer = new Socket(Peers.Loopback(family).AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(Peers.Loopback(family), 0));
        var peerEndPoint = (IPEndPoint)peer.LocalEndPoint!;
        int[] sizes = { 1, 100, 1000, 1472, 2048 };
        var sent = new byte[sizes.Length][];
        var random = new Random(7);
        for (int i = 0; i < sizes.Length; i++)
        {
            sent[i] = new byte[sizes[i]];
            random.NextBytes(sent[i]);
        }

        using var deviceReady = new System.Threading.ManualResetEventSlim();
        HssSocket? deviceSocket = null;
        Task<byte[][]> device = DeviceThread.Run(() =>
        {
            deviceSocket = DeviceSockets.OpenUdp(rig.Engine, peerEndPoint);
            foreach (byte[] datagram in sent)
            {
                Assert.Equal(datagram.Length, deviceSocket.Send(datagram));
            }

            deviceReady.Set();
            var echoed = new byte[sizes.Length][];
            byte[] buffer = new byte[4096];
            for (int i = 0; i < sizes.Length; i++)
            {
                int n = DeviceSockets.ReceiveDatagram(deviceSocket, buffer);
                echoed[i] = buffer.AsSpan(0, n).ToArray();
            }

            deviceSocket.Close();
            return echoed;
        });

        // Each device datagram arrives whole and alone; the peer answers each to where it came from.
        byte[] receive = new byte[65536];
        EndPoint from = new IPEndPoint(family == "v6" ? IPAddress.IPv6Any : IPAddress.Any, 0);
        for (int i = 0; i < sizes.Length; i++)
        {
            SocketReceiveFromResult result = await peer.ReceiveFromAsync(receive, SocketFlags.None, from).WaitAsync(DeviceThread.Patience);
            Assert.Equal(sent[i], receive.AsSpan(0, result.ReceivedBytes).ToArray());
            Assert.Equal(Peers.Loopback(family), ((IPEndPoint)result.RemoteEndPoint).Address);
            from = result.RemoteEndPoint;
        }

        for (int i = 0; i < sizes.Length; i++)
        {
            await peer.SendToAsync(sent[i], SocketFlags.None, from);
        }

        byte[][] echoed = await device;
        for (int i = 0; i < sizes.Length; i++)
        {
            Assert.Equal(sent[i], echoed[i]);
        }
    }

    [Theory]
    [InlineData("224.0.0.1")]
    [InlineData("ff02::1")]
    public async Task DeniedConnectGivesAccessDeniedWithEdenied(string multicast)
    {
        // Multicast is denied by the host's default policy (docs/security.md) even with loopback allowed: the device
        // sees SocketError.AccessDenied with HSS code 10 (EDENIED), not a network error, and nothing leaves the host.
        await using var rig = new Rig(LinkSetup.Named("full"));
        var denied = new IPEndPoint(IPAddress.Parse(multicast), 80);
        HssSocketException error = await DeviceThread.Run(() =>
        {
            var socket = new HssSocket(rig.Engine, DeviceSockets.FamilyOf(denied), Sockets.SocketType.Stream, Sockets.ProtocolType.Tcp);
            HssSocketException e = Assert.Throws<HssSocketException>(() => socket.Connect(DeviceSockets.ToHss(denied)));
            socket.Close();
            return e;
        });

        Assert.Equal(HssDevice.SocketError.AccessDenied, error.SocketErrorCode);
        Assert.Equal(HssError.Denied, error.HssCode);
        Assert.Contains("EDENIED", error.Message);
    }

    [Theory]
    [InlineData("v4")]
    [InlineData("v6")]
    public async Task RefusedConnectGivesConnectionRefusedWithEconnrefused(string family)
    {
        await using var rig = new Rig(LinkSetup.Named("full"));
        IPEndPoint closed = Peers.ClosedPort(family);
        HssSocketException error = await DeviceThread.Run(() =>
        {
            var socket = new HssSocket(rig.Engine, DeviceSockets.FamilyOf(closed), Sockets.SocketType.Stream, Sockets.ProtocolType.Tcp);
            HssSocketException e = Assert.Throws<HssSocketException>(() => socket.Connect(DeviceSockets.ToHss(closed)));
            Assert.False(socket.Connected);
            socket.Close();
            return e;
        });

        Assert.Equal(HssDevice.SocketError.ConnectionRefused, error.SocketErrorCode);
        Assert.Equal(10061, (int)error.SocketErrorCode);
        Assert.Equal(HssError.ConnectionRefused, error.HssCode);
        Assert.Equal(4, error.HssCode);
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

    [Fact]
    public async Task EmptyUdpDatagramsCrossBothWays()
    {
        await using var rig = new Rig(LinkSetup.Named("full"));
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        HssSocket socket = await DeviceThread.Run(() => DeviceSockets.OpenUdp(rig.Engine, (IPEndPoint)peer.LocalEndPoint!));
        Assert.Equal(0, await DeviceThread.Run(() => socket.Send(Array.Empty<byte>())));
        SocketReceiveFromResult empty = await peer.ReceiveFromAsync(new byte[16], SocketFlags.None, new IPEndPoint(IPAddress.Any, 0)).WaitAsync(DeviceThread.Patience);
        Assert.Equal(0, empty.ReceivedBytes);

        // An empty datagram, then a marker: the device sees both, in order (Receive returns 0 for the empty one).
        await peer.SendToAsync(Array.Empty<byte>(), SocketFlags.None, empty.RemoteEndPoint);
        await peer.SendToAsync(new byte[] { 7 }, SocketFlags.None, empty.RemoteEndPoint);
        int[] lengths = await DeviceThread.Run(() =>
        {
            byte[] buffer = new byte[16];
            return new[] { DeviceSockets.ReceiveDatagram(socket, buffer), DeviceSockets.ReceiveDatagram(socket, buffer) };
        });

        Assert.Equal(new[] { 0, 1 }, lengths);
        await DeviceThread.Run(() => socket.Close());
    }
}
