using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using HssDevice.Host.Emulation;
using HssDevice.Host.Links;
using HssDevice.Host.Policy;
using HssDevice.Wire;
using Xunit;

namespace HssDevice.Host.Tests;

/// <summary>The policy as a device meets it: a denied CONNECT is answered EDENIED (10), logged with the device and
/// the destination, counted, and never reaches the destination.</summary>
public class DestinationPolicyWireTests
{
    [Theory]
    [InlineData("v4", false)]
    [InlineData("v6", false)]
    [InlineData("v4", true)]
    public async Task ConnectToLoopbackIsDeniedByDefault(string family, bool udp)
    {
        var logs = new ListLoggerFactory();
        await using var host = new HssHost(new HssHostSettings(), logs); // the default policy: loopback NOT allowed
        var usb = new EmulatedUsbLink(UsbLinkOptions.FullSpeed);
        DeviceConnection connection = host.Attach(usb.HostEnd, "policy-device");
        using var device = new RawDevice(usb.DeviceEnd);
        using TcpListener listener = Loopback.StartTcpListener(family);

        int hssFamily = family == "v6" ? HssFamily.IPv6 : HssFamily.IPv4;
        Assert.Equal(HssError.Success, (await device.OpenAsync(1, hssFamily, udp ? HssProtocol.Udp : HssProtocol.Tcp, udp ? HssType.Datagram : HssType.Stream)).Code);
        DevicePacket ack = await device.ExpectAckAsync(device.SendConnect(1, listener.EndPoint()), HssOpcode.Connect);

        Assert.Equal(DestinationPolicy.DeniedCode, ack.Code);
        Assert.Equal("EDENIED", HssError.NameOf(ack.Code)); // not one of the spec's network errors (docs/decisions.md)
        Assert.Equal(1, connection.Counters.DeniedDestinations);
        Assert.False(listener.Pending());
        Assert.Contains(logs.Lines, l => l.Message.Contains("policy-device") && l.Message.Contains(listener.EndPoint().ToString()) && l.Message.Contains("denied"));
    }

    [Fact]
    public async Task TheHostsOwnListenerIsDeniedEvenWithLoopbackAllowed()
    {
        await using var host = new HssHost(new HssHostSettings().WithLoopbackAllowed()); // loopback allowed on purpose
        await using HssTcpListener hssListener = HssTcpListener.Start(host, new IPEndPoint(IPAddress.Loopback, 0));
        var usb = new EmulatedUsbLink(UsbLinkOptions.FullSpeed);
        DeviceConnection connection = host.Attach(usb.HostEnd, "nesting-device");
        using var device = new RawDevice(usb.DeviceEnd);

        Assert.Equal(HssError.Success, (await device.OpenAsync(1, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream)).Code);
        DevicePacket ack = await device.ExpectAckAsync(device.SendConnect(1, hssListener.LocalEndPoint), HssOpcode.Connect);
        Assert.Equal(DestinationPolicy.DeniedCode, ack.Code);
        Assert.Single(host.Devices);

        // The same socket may then connect where it is allowed.
        using TcpListener other = Loopback.StartTcpListener("v4");
        Assert.Equal(HssError.Success, (await device.ExpectAckAsync(device.SendConnect(1, other.EndPoint()), HssOpcode.Connect)).Code);
    }

    [Fact]
    public async Task AnAllowRuleOpensExactlyItsPort()
    {
        using TcpListener open = Loopback.StartTcpListener("v4");
        using TcpListener closed = Loopback.StartTcpListener("v4");
        var policy = DestinationPolicy.Default.WithAllowed(AddressRange.Parse("127.0.0.1:" + open.EndPoint().Port));
        await using var host = new HssHost(new HssHostSettings { Destinations = policy });
        var usb = new EmulatedUsbLink(UsbLinkOptions.FullSpeed);
        host.Attach(usb.HostEnd);
        using var device = new RawDevice(usb.DeviceEnd);
        await device.OpenAsync(1, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream);
        await device.OpenAsync(2, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream);
        Assert.Equal(HssError.Success, (await device.ExpectAckAsync(device.SendConnect(1, open.EndPoint()), HssOpcode.Connect)).Code);
        Assert.Equal(DestinationPolicy.DeniedCode, (await device.ExpectAckAsync(device.SendConnect(2, closed.EndPoint()), HssOpcode.Connect)).Code);
    }
    /// <summary>Issue 15: a service bound to loopback only, which a CONNECT to the wildcard address reaches (checked
    /// first, with loopback allowed and no deny rule), is refused EDENIED under --allow-loopback --deny LOOPBACK:P when
    /// the device spells it 0.0.0.0:P or [::]:P, and never sees a connection.</summary>
    [Theory]
    [InlineData("v4", false)]
    [InlineData("v6", false)]
    [InlineData("v4", true)]
    [InlineData("v6", true)]
    public async Task TheWildcardSpellingOfADeniedLoopbackServiceIsDenied(string family, bool udp)
    {
        using TcpListener service = Loopback.StartTcpListener(family); // bound to 127.0.0.1 or ::1 only
        int port = service.EndPoint().Port;
        IPAddress wildcard = family == "v6" ? IPAddress.IPv6Any : IPAddress.Any;
        int hssFamily = family == "v6" ? HssFamily.IPv6 : HssFamily.IPv4;

        if (!udp)
        {
            // Without the deny rule the wildcard spelling does reach the loopback-only service.
            await using var open = new HssHost(new HssHostSettings().WithLoopbackAllowed());
            var openUsb = new EmulatedUsbLink(UsbLinkOptions.FullSpeed);
            open.Attach(openUsb.HostEnd, "control-device");
            using var control = new RawDevice(openUsb.DeviceEnd);
            await control.OpenConnectedAsync(1, new IPEndPoint(wildcard, port));
            using Socket accepted = await service.AcceptSocketAsync().WaitAsync(RawDevice.Patience);
            Assert.True(IPAddress.IsLoopback(((IPEndPoint)accepted.RemoteEndPoint!).Address));
        }

        string rule = (family == "v6" ? "[::1]" : "127.0.0.1") + ":" + port;
        var logs = new ListLoggerFactory();
        var settings = new HssHostSettings { Destinations = DestinationPolicy.Default.WithLoopbackAllowed().WithDenied(AddressRange.Parse(rule)) };
        await using var host = new HssHost(settings, logs);
        var usb = new EmulatedUsbLink(UsbLinkOptions.FullSpeed);
        DeviceConnection connection = host.Attach(usb.HostEnd, "wildcard-device");
        using var device = new RawDevice(usb.DeviceEnd);
        Assert.Equal(HssError.Success, (await device.OpenAsync(1, hssFamily, udp ? HssProtocol.Udp : HssProtocol.Tcp, udp ? HssType.Datagram : HssType.Stream)).Code);

        DevicePacket ack = await device.ExpectAckAsync(device.SendConnect(1, new IPEndPoint(wildcard, port)), HssOpcode.Connect);
        Assert.Equal(DestinationPolicy.DeniedCode, ack.Code);
        Assert.Equal(1, connection.Counters.DeniedDestinations);
        Assert.False(service.Pending());
        Assert.Contains(logs.Lines, l => l.Message.Contains("wildcard-device") && l.Message.Contains("--deny " + rule));

        // Another port of the host stays open to the same socket.
        using TcpListener other = Loopback.StartTcpListener(family);
        if (!udp)
        {
            Assert.Equal(HssError.Success, (await device.ExpectAckAsync(device.SendConnect(1, new IPEndPoint(wildcard, other.EndPoint().Port)), HssOpcode.Connect)).Code);
        }
    }

    /// <summary>A service bound to the wildcard is reached by every loopback address: a deny rule naming 127.0.0.1
    /// stops 127.0.0.2 and 127.255.255.254 too (the rule names the host).</summary>
    [Theory]
    [InlineData("127.0.0.2")]
    [InlineData("127.255.255.254")]
    [InlineData("::ffff:127.0.0.2")]
    public async Task ADenyRuleNamingLoopbackCoversEveryLoopbackAddress(string spelling)
    {
        using TcpListener service = Loopback.StartTcpListener("v4");
        int port = service.EndPoint().Port;
        var settings = new HssHostSettings { Destinations = DestinationPolicy.Default.WithLoopbackAllowed().WithDenied(AddressRange.Parse("127.0.0.1:" + port)) };
        await using var host = new HssHost(settings);
        var usb = new EmulatedUsbLink(UsbLinkOptions.FullSpeed);
        host.Attach(usb.HostEnd);
        using var device = new RawDevice(usb.DeviceEnd);
        IPAddress address = IPAddress.Parse(spelling);
        int hssFamily = address.AddressFamily == AddressFamily.InterNetworkV6 ? HssFamily.IPv6 : HssFamily.IPv4;
        await device.OpenAsync(1, hssFamily, HssProtocol.Tcp, HssType.Stream);
        Assert.Equal(DestinationPolicy.DeniedCode, (await device.ExpectAckAsync(device.SendConnect(1, new IPEndPoint(address, port)), HssOpcode.Connect)).Code);
        Assert.False(service.Pending());
    }

    /// <summary>The host's own HSS listener cannot be reached through the wildcard spellings either.</summary>
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("127.0.0.2")]
    public async Task TheHostsOwnListenerIsDeniedInEverySpelling(string spelling)
    {
        await using var host = new HssHost(new HssHostSettings().WithLoopbackAllowed());
        await using HssTcpListener hssListener = HssTcpListener.Start(host, new IPEndPoint(IPAddress.Loopback, 0));
        var usb = new EmulatedUsbLink(UsbLinkOptions.FullSpeed);
        host.Attach(usb.HostEnd, "nesting-device");
        using var device = new RawDevice(usb.DeviceEnd);
        IPAddress address = IPAddress.Parse(spelling);
        int hssFamily = address.AddressFamily == AddressFamily.InterNetworkV6 ? HssFamily.IPv6 : HssFamily.IPv4;
        await device.OpenAsync(1, hssFamily, HssProtocol.Tcp, HssType.Stream);
        DevicePacket ack = await device.ExpectAckAsync(device.SendConnect(1, new IPEndPoint(address, hssListener.LocalEndPoint.Port)), HssOpcode.Connect);
        Assert.Equal(DestinationPolicy.DeniedCode, ack.Code);
        Assert.Single(host.Devices);
    }

    /// <summary>UDP sources go through the same evaluation as CONNECT: a datagram from the connected peer is
    /// delivered while the policy allows it, and dropped (counted, logged with the rule) once the peer's address and
    /// port are the host's own HSS listener's.</summary>
    [Fact]
    public async Task ADatagramFromASourceThePolicyDeniesIsDropped()
    {
        var logs = new ListLoggerFactory();
        await using var host = new HssHost(new HssHostSettings().WithLoopbackAllowed(), logs);
        var usb = new EmulatedUsbLink(UsbLinkOptions.FullSpeed);
        DeviceConnection connection = host.Attach(usb.HostEnd, "udp-device");
        using var device = new RawDevice(usb.DeviceEnd);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var peerEndPoint = (IPEndPoint)peer.LocalEndPoint!;
        await device.OpenConnectedAsync(1, peerEndPoint, udp: true);

        // The device speaks first, so the peer learns the host socket's address.
        Assert.Equal(HssError.Success, (await device.ExpectAckAsync(device.SendTransmit(1, RawDevice.Ascii("hi")), HssOpcode.Transmit)).Code);
        byte[] buffer = new byte[16];
        SocketReceiveFromResult first = await peer.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0)).WaitAsync(RawDevice.Patience);
        EndPoint hostSocket = first.RemoteEndPoint;

        await peer.SendToAsync(RawDevice.Ascii("allowed"), SocketFlags.None, hostSocket);
        Assert.Equal("allowed", System.Text.Encoding.ASCII.GetString(await device.ReceiveBytesAsync(1, 7)));

        // Now the peer's endpoint is one the policy denies to every device.
        host.AddOwnListener(peerEndPoint);
        await peer.SendToAsync(RawDevice.Ascii("denied"), SocketFlags.None, hostSocket);
        DateTime deadline = DateTime.UtcNow + RawDevice.Patience;
        while (connection.Counters.StrangerDatagrams == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(1, connection.Counters.StrangerDatagrams);
        Assert.Null(await device.TryExpectAsync(p => p.Opcode == HssOpcode.Transmit && p.SockId == 1, TimeSpan.FromMilliseconds(200)));
        Assert.Contains(logs.Lines, l => l.Message.Contains("udp-device") && l.Message.Contains("denied by the destination policy") && l.Message.Contains("own HSS listener"));
    }
}
