using System;
using System.Net.Sockets;
using System.Threading.Tasks;
using HssDevice.Engine;
using HssDevice.Host;
using HssSocket = HssDevice.Sockets.HssSocket;
using Xunit;

namespace HssDevice.EndToEnd.Tests;

/// <summary>
/// The remote peer closes while its data still waits on the device: the device reads every byte, then sees end of
/// stream either way (graceful close: host SHUTDOWN; reset: host CLOSE, which the reference host sends for both).
/// Our host's CLOSE is told apart afterwards: Poll(SelectError) is true and sends fail with ConnectionReset.
/// </summary>
public class RemoteCloseTests
{
    private const int Buffered = 12000;

    [Theory]
    [InlineData("full", "v4", false)]
    [InlineData("full", "v6", false)]
    [InlineData("full", "v4", true)]
    [InlineData("full", "v6", true)]
    [InlineData("single-pipe", "v4", true)]
    [InlineData("reference-host-full", "v4", false)]
    [InlineData("reference-host-full", "v6", true)]
    [InlineData("reference-device", "v4", false)]
    [InlineData("reference-device", "v6", true)]
    public async Task DeviceReadsAllBufferedDataThenSeesTheClose(string link, string family, bool reset)
    {
        // Room on the device for the whole message, so it is all there before the peer closes.
        var engineSettings = new HssEngineSettings { ReceiveBufferPerSocket = 16384, ReceiveBudgetTotal = 16384 };
        LinkSetup setup = LinkSetup.Named(link);
        await using var rig = new Rig(setup, engineSettings, setup.Host with { HostToDeviceWindow = 16384 });
        using TcpListener listener = Peers.Listen(family);
        Task<Socket> accepting = listener.AcceptAsync();
        byte[] data = new byte[Buffered];
        new Random(5).NextBytes(data);

        HssSocket socket = await DeviceThread.Run(() => DeviceSockets.OpenTcp(rig.Engine, listener.EndPoint()));
        Socket peer = await accepting;
        await Peers.SendAllAsync(peer, data);
        await Rig.WaitUntilAsync(() => socket.Available == Buffered, "all bytes buffered on the device");
        if (reset)
        {
            peer.LingerState = new LingerOption(true, 0);   // close with RST
        }
        else
        {
            peer.Shutdown(SocketShutdown.Send);
        }

        peer.Close();

        (byte[] received, Exception? end) = await DeviceThread.Run(() =>
        {
            byte[] got = DeviceSockets.ReceiveExactly(socket, Buffered);
            try
            {
                int n = socket.Receive(new byte[16]);
                Assert.Equal(0, n);
                if (!reset)
                {
                    return (got, (Exception?)null);
                }

                // The reset's CLOSE may come just after the end of stream: wait for it, bounded.
                Assert.True(socket.Poll(10_000_000, HssDevice.Sockets.SelectMode.SelectError), "host CLOSE not seen");
                socket.Send(new byte[1]);
                return (got, (Exception?)null);
            }
            catch (HssSocketException e)
            {
                return (got, e);
            }
            finally
            {
                socket.Close();
            }
        });

        Assert.Equal(data, received);
        if (reset)
        {
            HssSocketException error = Assert.IsType<HssSocketException>(end);
            Assert.Equal(HssDevice.SocketError.ConnectionReset, error.SocketErrorCode);
        }
        else
        {
            Assert.Null(end);
        }

        await Rig.WaitUntilAsync(() => rig.Connection.SocketCount == 0, "host forgot the socket");
        Assert.Equal(0, rig.Connection.Counters.RequestTimeouts);
    }

    [Theory]
    [InlineData("full")]
    [InlineData("reference-host-full")]
    [InlineData("reference-device")]
    [Trait("Category", "Slow")]
    public async Task PeerClosesRightAfterSendingMoreThanTheDeviceBuffersAndTheDeviceStillReadsItAll(string link)
    {
        await using var rig = new Rig(LinkSetup.Named(link));
        using TcpListener listener = Peers.Listen("v4");
        Task<Socket> accepting = listener.AcceptAsync();
        byte[] data = System.Security.Cryptography.RandomNumberGenerator.GetBytes(1024 * 1024);
        HssSocket socket = await DeviceThread.Run(() => DeviceSockets.OpenTcp(rig.Engine, listener.EndPoint()));
        using (Socket peer = await accepting)
        {
            await Peers.SendAllAsync(peer, data);
        }   // graceful close with most of the data still on the host side

        byte[] received = await DeviceThread.Run(() =>
        {
            byte[] got = DeviceSockets.ReceiveExactly(socket, data.Length);
            Assert.Equal(0, socket.Receive(new byte[16]));
            socket.Close();
            return got;
        });

        Assert.Equal(data, received);
    }

    [Theory]
    [InlineData("full")]
    [InlineData("reference-host-full")]
    public async Task PeerResetWhileTheDeviceSendsFailsTheSendWithAnError(string link)
    {
        await using var rig = new Rig(LinkSetup.Named(link));
        using TcpListener listener = Peers.Listen("v4");
        Task<Socket> accepting = listener.AcceptAsync();
        HssSocket socket = await DeviceThread.Run(() => DeviceSockets.OpenTcp(rig.Engine, listener.EndPoint()));
        Socket peer = await accepting;

        Task<HssSocketException> sending = DeviceThread.Run(() =>
        {
            byte[] chunk = new byte[4096];
            // Far more than loopback TCP buffers hold: the send must end with an error, not run on or hang.
            return Assert.Throws<HssSocketException>(() =>
            {
                for (int i = 0; i < 64 * 1024; i++)
                {
                    socket.Send(chunk);
                }
            });
        });

        await Peers.ReceiveExactlyAsync(peer, 4096);
        peer.LingerState = new LingerOption(true, 0);
        peer.Close();   // RST

        HssSocketException error = await rig.Expect(sending);
        // Which one depends on what the device hears first: the host's CLOSE (ConnectionReset), the answer to a
        // TRANSMIT whose write failed (EHOSTERR: SocketError) or one that came while the host was closing (ENOTCONN).
        Assert.Contains(error.SocketErrorCode, new[] { HssDevice.SocketError.ConnectionReset, HssDevice.SocketError.SocketError, HssDevice.SocketError.NotConnected });
        Assert.False(socket.Connected);
        await DeviceThread.Run(() => socket.Close());
        await Rig.WaitUntilAsync(() => rig.Connection.SocketCount == 0 && rig.Engine.SocketsInUse == 0, "socket released on both ends");
    }
}
