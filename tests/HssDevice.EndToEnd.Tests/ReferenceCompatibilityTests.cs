using System;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading.Tasks;
using HssSocket = HssDevice.Sockets.HssSocket;
using Xunit;

namespace HssDevice.EndToEnd.Tests;

/// <summary>
/// Interoperation with the reference implementation's behaviour (docs/protocol.md sections 3, 6, 8): our device against
/// a reference-compatible host (one packet per transfer, no ZLPs, 3-byte TRANSMIT ACKs, device ACKs ignored), and
/// our host against a reference-compatible device (never ACKs a TRANSMIT). Data flows both ways, nothing is lost,
/// and the end of stream still comes after the data.
/// </summary>
[Trait("Category", "Slow")]
public class ReferenceCompatibilityTests
{
    private const int Bytes = 512 * 1024;

    [Theory]
    [InlineData("reference-host-full", "v4")]
    [InlineData("reference-host-high", "v6")]
    [InlineData("reference-device", "v4")]
    [InlineData("reference-device", "v6")]
    public async Task EchoBothWaysAtOnceThenEndOfStream(string link, string family)
    {
        await using var rig = new Rig(LinkSetup.Named(link));
        await using var echo = new TcpEchoServer(family);
        byte[] data = RandomNumberGenerator.GetBytes(Bytes);

        (long count, byte[] digest) = await DeviceThread.Run(() =>
        {
            using HssSocket socket = DeviceSockets.OpenTcp(rig.Engine, echo.EndPoint);
            Task sending = DeviceThread.Run(() =>
            {
                DeviceSockets.SendAll(socket, data, 900);
                DeviceSockets.ShutdownSend(socket);
            }, "sender");
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            // Ends only with the host's SHUTDOWN (the echo's FIN), which must come after every echoed byte.
            long received = DeviceSockets.ReceiveToEnd(socket, hash, 1000);
            sending.GetAwaiter().GetResult();
            return (received, hash.GetHashAndReset());
        });

        Assert.Equal(Bytes, count);
        Assert.Equal(SHA256.HashData(data), digest);
        Assert.Equal(Bytes, rig.Connection.Counters.BytesDeviceToHost);
        Assert.Equal(Bytes, rig.Connection.Counters.BytesHostToDevice);
        Assert.Equal(0, rig.Connection.Counters.ProtocolErrors);
        Assert.Equal(0, rig.Connection.Counters.RequestTimeouts);
        Assert.Equal(0, rig.Engine.Stats.ProtocolErrors);
        Assert.Equal(0, rig.Engine.Stats.UnmatchedAnswers);
        // The reference never sends a zero-length packet, neither does a link set up like it.
        Assert.Equal(0, rig.Device.Usb.DeviceToHostDataStatistics.ZeroLengthPackets);
        Assert.Equal(0, rig.Device.Usb.HostToDeviceDataStatistics.ZeroLengthPackets);
        if (rig.Device.ReferenceLink != null)
        {
            // Our host served a device that never ACKed its TRANSMITs.
            Assert.True(rig.Device.ReferenceLink.DroppedTransmitAcks > 0);
            Assert.Equal(0, rig.Connection.Counters.IgnoredTransmitAcks);
        }
        else
        {
            // Our device ACKed; the reference-compatible host ignored those ACKs and our device still worked.
            Assert.True(rig.Connection.Counters.IgnoredTransmitAcks > 0);
        }
    }

    [Theory]
    [InlineData("reference-host-full", "v6")]
    [InlineData("reference-device", "v4")]
    public async Task UdpDatagramsBothWays(string link, string family)
    {
        await using var rig = new Rig(LinkSetup.Named(link));
        using var peer = new Socket(Peers.Loopback(family).AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(Peers.Loopback(family), 0));
        byte[][] datagrams = { RandomNumberGenerator.GetBytes(10), RandomNumberGenerator.GetBytes(1400), RandomNumberGenerator.GetBytes(2048) };
        HssSocket socket = await DeviceThread.Run(() => DeviceSockets.OpenUdp(rig.Engine, (IPEndPoint)peer.LocalEndPoint!));

        await DeviceThread.Run(() =>
        {
            foreach (byte[] datagram in datagrams)
            {
                Assert.Equal(datagram.Length, socket.Send(datagram));
            }
        });

        byte[] buffer = new byte[65536];
        EndPoint from = new IPEndPoint(family == "v6" ? IPAddress.IPv6Any : IPAddress.Any, 0);
        foreach (byte[] datagram in datagrams)
        {
            SocketReceiveFromResult result = await peer.ReceiveFromAsync(buffer, SocketFlags.None, from).WaitAsync(DeviceThread.Patience);
            Assert.Equal(datagram, buffer.AsSpan(0, result.ReceivedBytes).ToArray());
            from = result.RemoteEndPoint;
        }

        foreach (byte[] datagram in datagrams)
        {
            await peer.SendToAsync(datagram, SocketFlags.None, from);
        }

        byte[][] received = await DeviceThread.Run(() =>
        {
            var got = new byte[datagrams.Length][];
            byte[] receive = new byte[4096];
            for (int i = 0; i < got.Length; i++)
            {
                got[i] = receive.AsSpan(0, DeviceSockets.ReceiveDatagram(socket, receive)).ToArray();
            }

            socket.Close();
            return got;
        });

        Assert.Equal(datagrams, received);
    }
}
