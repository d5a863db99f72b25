using System;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading.Tasks;
using HssSocket = HssDevice.Sockets.HssSocket;
using Xunit;

namespace HssDevice.EndToEnd.Tests;

/// <summary>docs/protocol.md section 6: one slow socket does not stall the others (default budgets).</summary>
public class StalledSocketTests
{
    [Theory]
    [InlineData("full", 1)]
    [InlineData("single-pipe", 1)]
    [InlineData("full", 3)]
    [InlineData("full", 7)]
    public async Task SocketsWhoseApplicationDoesNotReadDoNotStallAnother(string link, int stalled)
    {
        await using var rig = new Rig(LinkSetup.Named(link));
        using TcpListener listener = Peers.Listen("v4");
        var stalledPeers = new Socket[stalled];
        var stalledSockets = new HssSocket[stalled];
        for (int i = 0; i < stalled; i++)
        {
            Task<Socket> accept = listener.AcceptAsync();
            stalledSockets[i] = await DeviceThread.Run(() => DeviceSockets.OpenTcp(rig.Engine, listener.EndPoint()));
            stalledPeers[i] = await accept;
            // More than the device and host will hold for it: the rest waits in TCP.
            await Peers.SendAllAsync(stalledPeers[i], new byte[256 * 1024]);
        }

        await Rig.WaitUntilAsync(() => rig.Connection.HostToDeviceInFlightTotal >= stalled * 4096, "the stalled sockets' windows are full");

        Task<Socket> accepting = listener.AcceptAsync();
        byte[] data = RandomNumberGenerator.GetBytes(1024 * 1024);
        Task<byte[]> moving = DeviceThread.Run(() =>
        {
            using HssSocket socket = DeviceSockets.OpenTcp(rig.Engine, listener.EndPoint());
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            Assert.Equal(data.Length, DeviceSockets.ReceiveToEnd(socket, hash));
            return hash.GetHashAndReset();
        });
        using (Socket peer = await accepting)
        {
            await Peers.SendAllAsync(peer, data);
        }

        Assert.Equal(SHA256.HashData(data), await rig.Expect(moving));
        foreach (Socket peer in stalledPeers)
        {
            peer.Dispose();
        }
    }
}
