using System;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading.Tasks;
using HssSocket = HssDevice.Sockets.HssSocket;
using Xunit;

namespace HssDevice.EndToEnd.Tests;

/// <summary>
/// 1 MiB each way over one TCP socket, checked with SHA-256, at full and high speed with packing on and off
/// (and against the reference-compatible host and device).
/// </summary>
[Trait("Category", "Slow")]
public class BulkTransferTests
{
    private const int MiB = 1024 * 1024;

    public static TheoryData<string, string> Setups => new()
    {
        { "full", "v4" }, { "high", "v6" }, { "full-unpacked", "v6" }, { "high-unpacked", "v4" }, { "single-pipe", "v4" },
        { "reference-host-full", "v4" }, { "reference-host-high", "v6" }, { "reference-device", "v4" }, { "reference-device", "v6" },
    };

    [Theory]
    [MemberData(nameof(Setups))]
    public async Task OneMebibyteFromDeviceToPeer(string link, string family)
    {
        await using var rig = new Rig(LinkSetup.Named(link));
        using TcpListener listener = Peers.Listen(family);
        Task<Socket> accepting = listener.AcceptAsync();
        byte[] data = RandomNumberGenerator.GetBytes(MiB);

        Task device = DeviceThread.Run(() =>
        {
            using HssSocket socket = DeviceSockets.OpenTcp(rig.Engine, listener.EndPoint());
            // Writes of an odd size, so TRANSMITs and USB packets do not line up with them.
            DeviceSockets.SendAll(socket, data, 1000);
            DeviceSockets.ShutdownSend(socket);
        });

        using Socket peer = await accepting;
        (long count, byte[] digest) = await Peers.ReceiveToEndAsync(peer);
        await device;
        Assert.Equal(MiB, count);
        Assert.Equal(SHA256.HashData(data), digest);
        Assert.Equal(MiB, rig.Connection.Counters.BytesDeviceToHost);
        Assert.Equal(0, rig.Connection.Counters.ProtocolErrors);
        Assert.Equal(0, rig.Engine.Stats.ProtocolErrors);
    }

    [Theory]
    [MemberData(nameof(Setups))]
    public async Task OneMebibyteFromPeerToDevice(string link, string family)
    {
        await using var rig = new Rig(LinkSetup.Named(link));
        using TcpListener listener = Peers.Listen(family);
        Task<Socket> accepting = listener.AcceptAsync();
        byte[] data = RandomNumberGenerator.GetBytes(MiB);

        Task<(long Count, byte[] Digest)> device = DeviceThread.Run(() =>
        {
            using HssSocket socket = DeviceSockets.OpenTcp(rig.Engine, listener.EndPoint());
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long count = DeviceSockets.ReceiveToEnd(socket, hash, 1500);
            return (count, hash.GetHashAndReset());
        });

        using Socket peer = await accepting;
        await Peers.SendAllAsync(peer, data);
        peer.Shutdown(SocketShutdown.Send);
        (long received, byte[] digest) = await rig.Expect(device);
        Assert.Equal(MiB, received);
        Assert.Equal(SHA256.HashData(data), digest);
        Assert.Equal(MiB, rig.Connection.Counters.BytesHostToDevice);
        Assert.Equal(0, rig.Connection.Counters.RequestTimeouts);
        Assert.True(rig.Engine.TotalBuffered == 0, "everything read");
        if (rig.Device.ReferenceLink != null)
        {
            // Played as the reference device: the host never saw a TRANSMIT ACK, and did not need one.
            Assert.True(rig.Device.ReferenceLink.DroppedTransmitAcks > 0);
            Assert.Equal(0, rig.Connection.Counters.IgnoredTransmitAcks);
        }
    }

    [Theory]
    [MemberData(nameof(LinkSetup.Speeds), MemberType = typeof(LinkSetup))]
    public async Task ManyTinyWritesArriveWholeAndInOrder(string link)
    {
        await using var rig = new Rig(LinkSetup.Named(link));
        await using var echo = new TcpEchoServer("v4");
        byte[] data = RandomNumberGenerator.GetBytes(64 * 1024);

        (long count, byte[] digest) = await rig.Expect(DeviceThread.Run(() =>
        {
            using HssSocket socket = DeviceSockets.OpenTcp(rig.Engine, echo.EndPoint);
            Task sending = DeviceThread.Run(() =>
            {
                // Writes of 1 to 7 bytes: the engine coalesces them while earlier TRANSMITs are unacknowledged.
                var random = new Random(11);
                for (int offset = 0; offset < data.Length;)
                {
                    int n = Math.Min(random.Next(1, 8), data.Length - offset);
                    Assert.Equal(n, socket.Send(data, offset, n, Sockets.SocketFlags.None));
                    offset += n;
                }

                DeviceSockets.ShutdownSend(socket);
            }, "sender");
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long received = DeviceSockets.ReceiveToEnd(socket, hash, 3);
            sending.GetAwaiter().GetResult();
            return (received, hash.GetHashAndReset());
        }));

        Assert.Equal(data.Length, count);
        Assert.Equal(SHA256.HashData(data), digest);
        // Coalescing: far fewer TRANSMITs than writes (about 18,000 writes).
        Assert.True(rig.Engine.Stats.TransmitsSent < 5000, $"{rig.Engine.Stats.TransmitsSent} TRANSMITs for 64 KiB of tiny writes");
    }
}
