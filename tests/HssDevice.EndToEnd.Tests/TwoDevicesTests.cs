using System;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using HssSocket = HssDevice.Sockets.HssSocket;
using Xunit;

namespace HssDevice.EndToEnd.Tests;

/// <summary>Two devices on one host, each with its own emulated link and engine: they work at once and stay apart.</summary>
public class TwoDevicesTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task TwoDevicesEchoConcurrentlyWithOverlappingHandles()
    {
        await using var rig = new Rig(LinkSetup.Named("full"));
        EmulatedDevice a = rig.Device;
        EmulatedDevice b = rig.AddDevice("device-b");
        await using var echoV4 = new TcpEchoServer("v4");
        await using var echoV6 = new TcpEchoServer("v6");
        byte[] dataA = RandomNumberGenerator.GetBytes(256 * 1024);
        byte[] dataB = RandomNumberGenerator.GetBytes(256 * 1024);

        Task<uint> runA = DeviceThread.Run(() => Echo(a, echoV4, dataA), "device a");
        Task<uint> runB = DeviceThread.Run(() => Echo(b, echoV6, dataB), "device b");
        uint handleA = await runA;
        uint handleB = await runB;

        // Both engines chose the same first handle; the host kept them apart by device.
        Assert.Equal(handleA, handleB);
        Assert.Equal(dataA.Length, a.Connection.Counters.BytesDeviceToHost);
        Assert.Equal(dataB.Length, b.Connection.Counters.BytesDeviceToHost);
        Assert.Equal(dataA.Length, a.Connection.Counters.BytesHostToDevice);
        Assert.Equal(dataB.Length, b.Connection.Counters.BytesHostToDevice);
    }

    private static uint Echo(EmulatedDevice device, TcpEchoServer echo, byte[] data)
    {
        using HssSocket socket = DeviceSockets.OpenTcp(device.Engine, echo.EndPoint);
        Task sending = DeviceThread.Run(() =>
        {
            DeviceSockets.SendAll(socket, data, 1200);
            DeviceSockets.ShutdownSend(socket);
        }, "sender");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long count = DeviceSockets.ReceiveToEnd(socket, hash);
        sending.GetAwaiter().GetResult();
        Assert.Equal(data.Length, count);
        Assert.Equal(SHA256.HashData(data), hash.GetHashAndReset());
        return socket.Handle;
    }

    [Fact]
    public async Task ClosingASocketOnOneDeviceLeavesTheOtherDevicesSocketWithTheSameHandleWorking()
    {
        await using var rig = new Rig(LinkSetup.Named("full"));
        EmulatedDevice a = rig.Device;
        EmulatedDevice b = rig.AddDevice("device-b");
        using TcpListener listener = Peers.Listen("v4");

        Task<Socket> acceptA = listener.AcceptAsync();
        HssSocket socketA = await DeviceThread.Run(() => DeviceSockets.OpenTcp(a.Engine, listener.EndPoint()));
        using Socket peerA = await acceptA;
        Task<Socket> acceptB = listener.AcceptAsync();
        HssSocket socketB = await DeviceThread.Run(() => DeviceSockets.OpenTcp(b.Engine, listener.EndPoint()));
        using Socket peerB = await acceptB;
        Assert.Equal(socketA.Handle, socketB.Handle);

        // B closes its socket: the host closes B's OS socket only.
        await DeviceThread.Run(() => socketB.Close());
        Assert.Equal(0, await Peers.ReceiveAsync(peerB));
        await Rig.WaitUntilAsync(() => b.Connection.SocketCount == 0, "device b's socket closed on the host");
        Assert.Equal(new[] { socketA.Handle }, a.Connection.SocketHandles);

        // A's socket with the same handle still carries data both ways.
        byte[] ping = Encoding.ASCII.GetBytes("still here");
        await DeviceThread.Run(() => DeviceSockets.SendAll(socketA, ping, ping.Length));
        Assert.Equal(ping, await Peers.ReceiveExactlyAsync(peerA, ping.Length));
        await Peers.SendAllAsync(peerA, ping);
        Assert.Equal(ping, await DeviceThread.Run(() => DeviceSockets.ReceiveExactly(socketA, ping.Length)));
        await DeviceThread.Run(() => socketA.Close());
        Assert.Equal(0, await Peers.ReceiveAsync(peerA));
    }
}
