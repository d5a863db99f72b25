using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using HssDevice.Host.Emulation;
using HssDevice.Host.Links;
using HssDevice.Wire;
using Xunit;

namespace HssDevice.Host.Tests;

/// <summary>Devices kept apart, link resets, and the single-pipe profile (docs/protocol.md sections 3 and 11).</summary>
public class HostIsolationTests
{
    [Fact]
    public async Task ADeviceCannotNameAnotherDevicesSocket()
    {
        await using var rig = new HostRig();
        (EmulatedUsbLink _, DeviceConnection connectionB, RawDevice deviceB) = rig.AttachDevice(null, "device-b");
        using (deviceB)
        {
            using TcpListener listener = Loopback.StartTcpListener("v4");
            Task<Socket> accept = listener.AcceptSocketAsync();
            await rig.Device.OpenConnectedAsync(7, listener.EndPoint());
            using Socket peer = await accept.WaitAsync(RawDevice.Patience);

            Assert.Equal(HssError.NoSocket, (await deviceB.ExpectAckAsync(deviceB.SendTransmit(7, RawDevice.Ascii("steal")), HssOpcode.Transmit)).Code);
            Assert.Equal(HssError.NoSocket, (await deviceB.ExpectAckAsync(deviceB.SendShutdown(7), HssOpcode.Shutdown)).Code);
            Assert.Equal(HssError.NoSocket, (await deviceB.ExpectAckAsync(deviceB.SendClose(7), HssOpcode.Close)).Code);
            Assert.Equal(HssError.NoSocket, (await deviceB.ExpectAckAsync(deviceB.SendConnect(7, listener.EndPoint()), HssOpcode.Connect)).Code);

            // B has its own table: the same handle is free there.
            Assert.Equal(HssError.Success, (await deviceB.OpenAsync(7, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream)).Code);
            Assert.Equal(1, connectionB.SocketCount);

            // A's socket is untouched.
            Assert.Equal(5, (await rig.Device.ExpectAckAsync(rig.Device.SendTransmit(7, RawDevice.Ascii("still")), HssOpcode.Transmit)).Value);
            Assert.Equal("still", System.Text.Encoding.ASCII.GetString(await Loopback.ReadExactlyAsync(peer, 5)));
        }
    }

    [Fact]
    public async Task LostDataFramingResetsTheLinkAndClosesTheDevicesSockets()
    {
        await using var rig = new HostRig();
        using TcpListener listener = Loopback.StartTcpListener("v4");
        Task<Socket> accept = listener.AcceptSocketAsync();
        await rig.Device.OpenConnectedAsync(1, listener.EndPoint());
        using Socket peer = await accept.WaitAsync(RawDevice.Patience);

        // An unknown opcode on the data pipe: its length cannot be trusted.
        byte[] garbage = new byte[HssLayout.HeaderSize];
        PacketWriter.WriteHeader(garbage, 0, 0x7777, 1, 1, 1000);
        rig.Device.Link.WriteData(garbage, 0, garbage.Length);

        await rig.Device.ExpectAsync(p => p.IsLinkDown, "the device's link going down");
        Assert.Equal(1, rig.Connection.Counters.LinkResets);
        Assert.Equal(0, rig.Connection.SocketCount);
        Assert.Equal(0, await peer.ReceiveAsync(new byte[1]).WaitAsync(RawDevice.Patience));

        // A USB link goes on after the reset.
        Assert.Equal(HssError.Success, (await rig.Device.OpenAsync(1, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream)).Code);
        Assert.False(rig.Connection.Completion.IsCompleted);
    }

    [Fact]
    public async Task SinglePipeOverEmulatedUsb()
    {
        await using var rig = new HostRig(linkOptions: new UsbLinkOptions { SinglePipe = true, Speed = UsbSpeed.HighSpeed });
        Assert.False(rig.Usb.DeviceEnd.HasCommandPipe);
        await EchoOnceAsync(rig.Device);
        Assert.Equal(0, rig.Usb.DeviceToHostCommandStatistics.Transfers);
    }

    [Fact]
    public async Task SinglePipeOverTcpWithNoExtraFraming()
    {
        await using var host = new HssHost(new HssHostSettings().WithLoopbackAllowed()); // peers on loopback
        await using HssTcpListener listener = HssTcpListener.Start(host, new IPEndPoint(IPAddress.Loopback, 0));
        using var device = new RawDevice(StreamDeviceLink.ConnectTcp(listener.LocalEndPoint));
        await EchoOnceAsync(device);
        Assert.Single(host.Devices);

        // Lost framing on a stream cannot be recovered: the host drops the connection.
        byte[] garbage = new byte[HssLayout.HeaderSize];
        PacketWriter.WriteHeader(garbage, 0, 0x7777, 1, 1, 1000);
        device.Link.WriteData(garbage, 0, garbage.Length);
        await device.ExpectAsync(p => p.IsLinkDown, "the connection closing");
        await HostFlowControlTests.WaitUntilAsync(() => host.Devices.Count == 0);
    }

    private static async Task EchoOnceAsync(RawDevice device)
    {
        using TcpListener listener = Loopback.StartTcpListener("v6");
        Task<Socket> accept = listener.AcceptSocketAsync();
        await device.OpenConnectedAsync(3, listener.EndPoint());
        using Socket peer = await accept.WaitAsync(RawDevice.Patience);
        Assert.Equal(4, (await device.ExpectAckAsync(device.SendTransmit(3, RawDevice.Ascii("ping")), HssOpcode.Transmit)).Value);
        byte[] got = await Loopback.ReadExactlyAsync(peer, 4);
        await peer.SendAsync(got);
        Assert.Equal("ping", System.Text.Encoding.ASCII.GetString(await device.ReceiveBytesAsync(3, 4)));
    }
}
