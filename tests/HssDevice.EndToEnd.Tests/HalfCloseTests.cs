using System;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using HssSocket = HssDevice.Sockets.HssSocket;
using Xunit;

namespace HssDevice.EndToEnd.Tests;

/// <summary>Half-close both ways (docs/protocol.md section 8): the side that shut down its sending keeps receiving.</summary>
public class HalfCloseTests
{
    [Theory]
    [InlineData("v4")]
    [InlineData("v6")]
    public async Task DeviceShutdownSendGivesThePeerEndOfStreamAndThePeerCanStillSend(string family)
    {
        await using var rig = new Rig(LinkSetup.Named("full"));
        using TcpListener listener = Peers.Listen(family);
        Task<Socket> accepting = listener.AcceptAsync();
        byte[] request = Encoding.ASCII.GetBytes("whole request, then FIN");
        byte[] response = new byte[20000];
        new Random(3).NextBytes(response);

        Task<(byte[] Response, int AfterEnd)> device = DeviceThread.Run(() =>
        {
            using HssSocket socket = DeviceSockets.OpenTcp(rig.Engine, listener.EndPoint());
            DeviceSockets.SendAll(socket, request, request.Length);
            DeviceSockets.ShutdownSend(socket);
            byte[] got = DeviceSockets.ReceiveExactly(socket, response.Length);
            return (got, socket.Receive(new byte[16]));
        });

        using Socket peer = await accepting;
        Assert.Equal(request, await Peers.ReceiveExactlyAsync(peer, request.Length));
        Assert.Equal(0, await Peers.ReceiveAsync(peer));   // the device's FIN
        await Peers.SendAllAsync(peer, response);                     // the other direction still works
        peer.Shutdown(SocketShutdown.Send);
        (byte[] received, int afterEnd) = await device;
        Assert.Equal(response, received);
        Assert.Equal(0, afterEnd);
    }

    [Theory]
    [InlineData("v4")]
    [InlineData("v6")]
    public async Task PeerShutdownSendEndsTheDeviceStreamAfterAllDataAndTheDeviceCanStillSend(string family)
    {
        await using var rig = new Rig(LinkSetup.Named("full"));
        using TcpListener listener = Peers.Listen(family);
        Task<Socket> accepting = listener.AcceptAsync();
        byte[] data = new byte[30000];
        new Random(4).NextBytes(data);
        byte[] reply = Encoding.ASCII.GetBytes("got it all, here is my answer");

        Task<byte[]> device = DeviceThread.Run(() =>
        {
            using HssSocket socket = DeviceSockets.OpenTcp(rig.Engine, listener.EndPoint());
            var received = new System.IO.MemoryStream();
            byte[] buffer = new byte[1024];
            int n;
            while ((n = socket.Receive(buffer)) > 0)
            {
                received.Write(buffer, 0, n);
            }

            Assert.Equal(0, socket.Receive(buffer));          // end of stream stays end of stream
            Assert.True(socket.Connected, "half-closed, not closed");
            DeviceSockets.SendAll(socket, reply, 7);
            DeviceSockets.ShutdownSend(socket);
            return received.ToArray();
        });

        using Socket peer = await accepting;
        await Peers.SendAllAsync(peer, data);
        peer.Shutdown(SocketShutdown.Send);
        Assert.Equal(data, await device);
        Assert.Equal(reply, await Peers.ReceiveExactlyAsync(peer, reply.Length));
        Assert.Equal(0, await Peers.ReceiveAsync(peer));
    }
}
