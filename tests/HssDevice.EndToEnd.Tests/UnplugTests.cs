using System;
using System.Linq;
using System.Net.Sockets;
using System.Threading.Tasks;
using HssSocket = HssDevice.Sockets.HssSocket;
using Xunit;

namespace HssDevice.EndToEnd.Tests;

/// <summary>One end of the link goes away: the other end's sockets end with a clear error, the remote peers see it.</summary>
public class UnplugTests
{
    [Fact]
    public async Task HostGoingAwayFailsTheDevicesSocketsWithNetworkResetAndClosesThePeers()
    {
        await using var rig = new Rig(LinkSetup.Named("full"));
        using TcpListener listener = Peers.Listen("v4");
        Task<Socket> accepting = listener.AcceptAsync();
        HssSocket socket = await DeviceThread.Run(() => DeviceSockets.OpenTcp(rig.Engine, listener.EndPoint()));
        using Socket peer = await accepting;

        Task<HssSocketException> blockedReceive = DeviceThread.Run(() => Assert.Throws<HssSocketException>(() => socket.Receive(new byte[16])));
        await rig.Connection.DisposeAsync();   // the host detaches the device (unplugged on the host side)

        HssSocketException error = await blockedReceive;
        Assert.Equal(HssDevice.SocketError.NetworkReset, error.SocketErrorCode);
        Assert.False(socket.Connected);
        Assert.Equal(0, await PeerEndAsync(peer));
    }

    [Fact]
    public async Task DeviceGoingAwayClosesItsSocketsOnTheHost()
    {
        await using var rig = new Rig(LinkSetup.Named("full"));
        using TcpListener listener = Peers.Listen("v6");
        Task<Socket> accepting = listener.AcceptAsync();
        await DeviceThread.Run(() => DeviceSockets.OpenTcp(rig.Engine, listener.EndPoint()));
        using Socket peer = await accepting;
        Assert.Equal(1, rig.Connection.SocketCount);

        rig.Engine.Dispose();   // the device stops (reset, power loss): its link closes
        await rig.Connection.Completion.WaitAsync(DeviceThread.Patience);
        Assert.Equal(0, rig.Connection.SocketCount);
        Assert.Equal(0, await PeerEndAsync(peer));
        // The host drops it from its list just after Completion (a continuation).
        await Rig.WaitUntilAsync(() => !rig.Host.Devices.Contains(rig.Connection), "the host forgot the device");
    }

    /// <summary>The peer's view of its connection ending: 0 (FIN) or, for a reset, also 0 here.</summary>
    private static async Task<int> PeerEndAsync(Socket peer)
    {
        try
        {
            return await Peers.ReceiveAsync(peer);
        }
        catch (SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionReset)
        {
            return 0;
        }
    }
}
