using System;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading.Tasks;
using HssDevice.Engine;
using HssDevice.Host;
using HssDevice.Host.Emulation;
using HssDevice.Host.Links;
using HssSocket = HssDevice.Sockets.HssSocket;
using Xunit;

namespace HssDevice.EndToEnd.Tests;

/// <summary>
/// The single-pipe profile on a loopback TCP connection (hss host --listen / hss emulate --connect): the host's
/// HssTcpListener and the device's StreamDeviceLink, HSS packets back to back, with the real engine.
/// </summary>
public class TcpSinglePipeTests
{
    [Theory]
    [InlineData("v4")]
    [InlineData("v6")]
    public async Task RoundTripOverTheTcpLink(string family)
    {
        await using var host = new HssHost(new HssHostSettings().WithLoopbackAllowed()); // peers on loopback
        HssTcpListener listener = HssTcpListener.Start(host, new IPEndPoint(Peers.Loopback(family), 0));
        await using var echo = new TcpEchoServer(family);
        byte[] data = RandomNumberGenerator.GetBytes(100 * 1024);
        try
        {
            StreamDeviceLink link = StreamDeviceLink.ConnectTcp(listener.LocalEndPoint);
            await Rig.WaitUntilAsync(() => host.Devices.Count == 1, "the host attached the TCP device");
            DeviceConnection connection = host.Devices[0];
            var engine = new HssEngine(link, new HssEngineSettings());
            engine.Start();
            try
            {
                byte[] echoed = await DeviceThread.Run(() =>
                {
                    using HssSocket socket = DeviceSockets.OpenTcp(engine, echo.EndPoint);
                    Task sending = DeviceThread.Run(() => DeviceSockets.SendAll(socket, data, 3000), "sender");
                    byte[] got = DeviceSockets.ReceiveExactly(socket, data.Length);
                    sending.GetAwaiter().GetResult();
                    return got;
                });

                Assert.Equal(data, echoed);
                Assert.Equal(data.Length, connection.Counters.BytesDeviceToHost);
                Assert.Equal(0, connection.Counters.ProtocolErrors);
                Assert.False(connection.Link.HasCommandPipe);
            }
            finally
            {
                engine.Dispose();
            }
        }
        finally
        {
            await listener.DisposeAsync();
        }
    }

    [Fact]
    public async Task TwoDevicesOnOneTcpListenerWorkAtOnce()
    {
        await using var host = new HssHost(new HssHostSettings().WithLoopbackAllowed()); // peers on loopback
        HssTcpListener listener = HssTcpListener.Start(host, new IPEndPoint(IPAddress.Loopback, 0));
        await using var echo = new TcpEchoServer("v4");
        var engines = new HssEngine[2];
        try
        {
            for (int i = 0; i < engines.Length; i++)
            {
                engines[i] = new HssEngine(StreamDeviceLink.ConnectTcp(listener.LocalEndPoint), new HssEngineSettings());
                engines[i].Start();
            }

            await Rig.WaitUntilAsync(() => host.Devices.Count == 2, "the host attached both TCP devices");
            var runs = new Task<bool>[engines.Length];
            for (int i = 0; i < engines.Length; i++)
            {
                HssEngine engine = engines[i];
                byte[] data = RandomNumberGenerator.GetBytes(64 * 1024);
                runs[i] = DeviceThread.Run(() =>
                {
                    using HssSocket socket = DeviceSockets.OpenTcp(engine, echo.EndPoint);
                    Task sending = DeviceThread.Run(() => DeviceSockets.SendAll(socket, data, 1000), "sender");
                    byte[] got = DeviceSockets.ReceiveExactly(socket, data.Length);
                    sending.GetAwaiter().GetResult();
                    Assert.Equal(data, got);
                    return true;
                });
            }

            await Task.WhenAll(runs);
            Assert.All(host.Devices, device => Assert.Equal(64 * 1024, device.Counters.BytesDeviceToHost));
        }
        finally
        {
            foreach (HssEngine engine in engines)
            {
                engine?.Dispose();
            }

            await listener.DisposeAsync();
        }
    }
}
