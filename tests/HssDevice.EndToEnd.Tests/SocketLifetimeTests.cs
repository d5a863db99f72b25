using System;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading.Tasks;
using HssSocket = HssDevice.Sockets.HssSocket;
using Xunit;

namespace HssDevice.EndToEnd.Tests;

/// <summary>What happens around a socket's end: Close drains, slots and handles come back, oversized datagrams.</summary>
public class SocketLifetimeTests
{
    [Theory]
    [InlineData("full")]
    [InlineData("reference-host-full")]
    [InlineData("reference-device")]
    public async Task CloseRightAfterSendingStillDeliversEveryByteBeforeTheFin(string link)
    {
        await using var rig = new Rig(LinkSetup.Named(link));
        using TcpListener listener = Peers.Listen("v4");
        Task<Socket> accepting = listener.AcceptAsync();
        byte[] data = RandomNumberGenerator.GetBytes(256 * 1024);

        Task device = DeviceThread.Run(() =>
        {
            HssSocket socket = DeviceSockets.OpenTcp(rig.Engine, listener.EndPoint());
            DeviceSockets.SendAll(socket, data, 8000);
            socket.Close();   // returns at once; the queued bytes still go out before CLOSE
        });

        using Socket peer = await accepting;
        (long count, byte[] digest) = await Peers.ReceiveToEndAsync(peer);
        await device;
        Assert.Equal(data.Length, count);
        Assert.Equal(SHA256.HashData(data), digest);
        await Rig.WaitUntilAsync(() => rig.Connection.SocketCount == 0 && rig.Engine.SocketsInUse == 0, "socket released on both ends");
    }

    [Fact]
    public async Task ManySocketsOneAfterAnotherReuseSlotsAndHandles()
    {
        const int Rounds = 40;   // five times the engine's 8 slots
        await using var rig = new Rig(LinkSetup.Named("full"));
        await using var echo = new TcpEchoServer("v6");
        var handles = new System.Collections.Generic.HashSet<uint>();

        await DeviceThread.Run(() =>
        {
            byte[] message = new byte[100];
            for (int round = 0; round < Rounds; round++)
            {
                message[0] = (byte)round;
                using HssSocket socket = DeviceSockets.OpenTcp(rig.Engine, echo.EndPoint);
                handles.Add(socket.Handle);
                DeviceSockets.SendAll(socket, message, message.Length);
                DeviceSockets.ShutdownSend(socket);
                Assert.Equal(message, DeviceSockets.ReceiveExactly(socket, message.Length));
                Assert.Equal(0, socket.Receive(new byte[1]));
            }
        });

        await Rig.WaitUntilAsync(() => rig.Connection.SocketCount == 0 && rig.Engine.SocketsInUse == 0, "every socket released on both ends");
        Assert.Equal(Rounds, echo.Connections);
        Assert.Equal(Rounds, rig.Connection.Counters.SocketsOpened);
        Assert.Equal(0, rig.Connection.Counters.SocketLimitHits);
    }

    [Theory]
    [InlineData("v4")]
    [InlineData("v6")]
    public async Task DatagramOverTheDevicesMaximumIsDroppedAndTheNextOneArrives(string family)
    {
        await using var rig = new Rig(LinkSetup.Named("full"));
        using var peer = new Socket(Peers.Loopback(family).AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(Peers.Loopback(family), 0));
        HssSocket socket = await DeviceThread.Run(() => DeviceSockets.OpenUdp(rig.Engine, (IPEndPoint)peer.LocalEndPoint!));
        await DeviceThread.Run(() => socket.Send(new byte[] { 1 }));
        byte[] buffer = new byte[16];
        SocketReceiveFromResult hello = await peer.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(family == "v6" ? IPAddress.IPv6Any : IPAddress.Any, 0)).WaitAsync(DeviceThread.Patience);

        byte[] small = RandomNumberGenerator.GetBytes(300);
        await peer.SendToAsync(new byte[rig.Engine.Settings.MaxDataPayload + 1], SocketFlags.None, hello.RemoteEndPoint);
        await peer.SendToAsync(small, SocketFlags.None, hello.RemoteEndPoint);
        byte[] received = await DeviceThread.Run(() =>
        {
            byte[] receive = new byte[4096];
            return receive.AsSpan(0, DeviceSockets.ReceiveDatagram(socket, receive)).ToArray();
        });

        Assert.Equal(small, received);
        Assert.Equal(1, rig.Connection.Counters.DroppedDatagrams);
        await DeviceThread.Run(() => socket.Close());
    }
}
