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
}
