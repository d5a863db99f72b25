using System;
using System.Security.Cryptography;
using System.Threading.Tasks;
using HssDevice.Engine;
using HssDevice.Host.Emulation;
using HssDevice.Host.Links;
using HssDevice.Sockets;
using HssDevice.Transport;
using HssDevice.Wire;
using Xunit;

namespace HssDevice.Host.Tests;

/// <summary>
/// The real device engine (firmware/HssDevice) over the emulated USB link against this host and a loopback echo
/// server: the first end-to-end proof. The full suite lives with the e2e work of issue 3.
/// </summary>
public class DeviceEngineEndToEndTests
{
    public static TheoryData<string, string> Setups => new()
    {
        { "v4", "default" },
        { "v6", "default" },
        { "v4", "high-speed" },
        { "v4", "single-pipe" },
        { "v4", "reference-host" },
        { "v6", "reference-host" },
        { "v4", "reference-device-link" },
        { "v6", "tcp-single-pipe" },
    };

    [Theory]
    [MemberData(nameof(Setups))]
    public async Task TcpEchoThroughTheHost(string family, string setup)
    {
        (UsbLinkOptions link, HssHostSettings host) = setup switch
        {
            "high-speed" => (UsbLinkOptions.HighSpeed, new HssHostSettings()),
            "single-pipe" => (new UsbLinkOptions { SinglePipe = true }, new HssHostSettings()),
            "reference-host" => (UsbLinkOptions.ReferenceCompatible(UsbSpeed.FullSpeed), HssHostSettings.ReferenceCompatibleHost),
            // Our host set up for a reference device (no waiting for ACKs); our device still ACKs, which is ignored.
            "reference-device-link" => (UsbLinkOptions.ReferenceCompatible(UsbSpeed.HighSpeed), HssHostSettings.ForReferenceDevice),
            _ => (UsbLinkOptions.FullSpeed, new HssHostSettings()),
        };

        await using var echo = new EchoServer(family);
        await using var hssHost = new HssHost(host.WithLoopbackAllowed()); // peers on loopback
        HssTcpListener? listener = null;
        IHssLink deviceLink;
        if (setup == "tcp-single-pipe")
        {
            // hss host --listen / hss emulate --connect: two ends on one loopback TCP connection.
            listener = HssTcpListener.Start(hssHost, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            deviceLink = StreamDeviceLink.ConnectTcp(listener.LocalEndPoint);
            await FlowWait(() => hssHost.Devices.Count == 1);
        }
        else
        {
            var usb = new EmulatedUsbLink(link);
            hssHost.Attach(usb.HostEnd, "engine");
            deviceLink = usb.DeviceEnd;
        }

        DeviceConnection connection = hssHost.Devices[0];
        byte[] sent = RandomNumberGenerator.GetBytes(200 * 1024);
        byte[] received = new byte[sent.Length];
        int afterEnd = -1;

        await Task.Run(() =>
        {
            var engine = new HssEngine(deviceLink, new HssEngineSettings());
            engine.Start();
            try
            {
                var address = family == "v6" ? HssIPAddress.IPv6Loopback : HssIPAddress.Loopback;
                var socket = new HssSocket(engine, address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                socket.Connect(new HssEndPoint(address, echo.EndPoint.Port));

                // Send from one thread while this one receives: the echo needs both directions moving.
                var sender = new System.Threading.Thread(() =>
                {
                    for (int offset = 0; offset < sent.Length; offset += 1000)
                    {
                        int n = Math.Min(1000, sent.Length - offset);
                        Assert.Equal(n, socket.Send(sent, offset, n, SocketFlags.None));
                    }

                    socket.Shutdown(SocketShutdown.Send);
                });
                sender.Start();

                int total = 0;
                while (total < received.Length)
                {
                    int n = socket.Receive(received, total, received.Length - total, SocketFlags.None);
                    Assert.True(n > 0, $"stream ended after {total} bytes");
                    total += n;
                }

                Assert.True(sender.Join(RawDevice.Patience), "sender did not finish");
                // The echo server finishes after our FIN: the host's SHUTDOWN ends the device's stream.
                afterEnd = socket.Receive(new byte[16], 0, 16, SocketFlags.None);
                socket.Close();
            }
            finally
            {
                engine.Dispose();
            }
        }).WaitAsync(TimeSpan.FromSeconds(60));

        if (listener != null)
        {
            await listener.DisposeAsync();
        }

        Assert.Equal(sent, received);
        Assert.Equal(0, afterEnd);
        Assert.Equal(sent.Length, connection.Counters.BytesDeviceToHost);
        Assert.Equal(0, connection.Counters.ProtocolErrors);
    }

    private static Task FlowWait(Func<bool> condition) => HostFlowControlTests.WaitUntilAsync(condition);

    [Fact]
    public async Task RefusedConnectReachesTheApplicationAsConnectionRefused()
    {
        var usb = new EmulatedUsbLink();
        await using var host = new HssHost(new HssHostSettings().WithLoopbackAllowed()); // peers on loopback
        host.Attach(usb.HostEnd);
        int port = Loopback.ClosedPort("v4").Port;
        HssSocketException? error = await Task.Run(() =>
        {
            var engine = new HssEngine(usb.DeviceEnd, new HssEngineSettings());
            engine.Start();
            try
            {
                var socket = new HssSocket(engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                return Assert.Throws<HssSocketException>(() => socket.Connect(new HssEndPoint(HssIPAddress.Loopback, port)));
            }
            finally
            {
                engine.Dispose();
            }
        }).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(HssError.ConnectionRefused, error!.HssCode);
        Assert.Equal(HssDevice.SocketError.ConnectionRefused, error.SocketErrorCode);
    }
}
