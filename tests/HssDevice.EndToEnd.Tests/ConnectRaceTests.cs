using System;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading.Tasks;
using HssDevice.Engine;
using HssDevice.Host;
using HssDevice.Host.Emulation;
using HssSocket = HssDevice.Sockets.HssSocket;
using Xunit;

namespace HssDevice.EndToEnd.Tests;

/// <summary>
/// A peer that talks first (a server greeting) sends data the moment the connection is up; the host forwards it
/// right after the CONNECT ACK, but on the other pipe, so the device may read the data first. It must keep it.
/// </summary>
public class ConnectRaceTests
{
    [Theory]
    [InlineData("full")]
    [InlineData("reference-host-full")]
    public async Task DataThatOvertakesTheConnectAckIsKept(string link)
    {
        LinkSetup setup = LinkSetup.Named(link);
        var usb = new EmulatedUsbLink(setup.Link);
        await using var host = new HssHost(setup.Host.WithLoopbackAllowed()); // peers on loopback
        DeviceConnection connection = host.Attach(usb.HostEnd, "device");
        var reordering = new ConnectAckBehindDataLink(usb.DeviceEnd);
        var engine = new HssEngine(reordering, new HssEngineSettings());
        engine.Start();
        try
        {
            using TcpListener listener = Peers.Listen("v4");
            byte[] greeting = RandomNumberGenerator.GetBytes(3000);
            Task peer = Task.Run(async () =>
            {
                using Socket accepted = await listener.AcceptAsync();
                await Peers.SendAllAsync(accepted, greeting);
                accepted.Shutdown(SocketShutdown.Send);
                Assert.Equal(0, await Peers.ReceiveAsync(accepted));
            });

            byte[] received = await DeviceThread.Run(() =>
            {
                using HssSocket socket = DeviceSockets.OpenTcp(engine, listener.EndPoint());
                byte[] got = DeviceSockets.ReceiveExactly(socket, greeting.Length);
                Assert.Equal(0, socket.Receive(new byte[1]));
                return got;
            });

            await peer.WaitAsync(DeviceThread.Patience);
            Assert.Equal(1, reordering.HeldAcks);
            Assert.Equal(greeting, received);
            Assert.Equal(0, engine.Stats.RejectedTransmits);
            Assert.Equal(0, connection.Counters.RefusedTransmits);
        }
        finally
        {
            engine.Dispose();
        }
    }
}
