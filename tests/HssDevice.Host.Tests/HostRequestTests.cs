using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Threading.Tasks;
using HssDevice.Wire;
using Xunit;

namespace HssDevice.Host.Tests;

/// <summary>Host requests to the device: message IDs (docs/protocol.md section 9), timeouts, refused TRANSMITs.</summary>
public class HostRequestTests
{
    [Fact]
    public void MessageIdsWrapToOneAndSkipOutstandingOnes()
    {
        var counter = new MsgIdCounter();
        var outstanding = new HashSet<ushort> { 2, 0xFFFF };
        Assert.Equal(1, counter.Next(outstanding.Contains));
        Assert.Equal(3, counter.Next(outstanding.Contains));
        ushort last = 3;
        while (last < 0xFFFE)
        {
            last = counter.Next(_ => false);
        }

        Assert.Equal(1, counter.Next(outstanding.Contains)); // 0xFFFF is outstanding, 0 is never used
        Assert.Throws<InvalidOperationException>(() => counter.Next(_ => true));
    }

    [Fact]
    public async Task UnansweredShutdownTimesOutAndIsCounted()
    {
        await using var rig = new HostRig(new HssHostSettings { DeviceRequestTimeout = TimeSpan.FromMilliseconds(200) });
        using TcpListener listener = Loopback.StartTcpListener("v4");
        Task<Socket> accept = listener.AcceptSocketAsync();
        await rig.Device.OpenConnectedAsync(1, listener.EndPoint());
        using Socket peer = await accept.WaitAsync(RawDevice.Patience);
        peer.Shutdown(SocketShutdown.Send);

        await rig.Device.ExpectAsync(p => p.Opcode == HssOpcode.Shutdown, "SHUTDOWN");
        await HostFlowControlTests.WaitUntilAsync(() => rig.Connection.Counters.RequestTimeouts == 1);
        // A late answer matches nothing any more: dropped and counted.
        Assert.Equal(1, rig.Connection.SocketCount);
    }

    [Theory]
    [InlineData(HssError.NotConnected)]
    [InlineData(HssError.NoSocket)]
    public async Task RefusedHostTransmitStopsDataForThatSocket(byte refusal)
    {
        await using var rig = new HostRig();
        RawDevice device = rig.Device;
        using TcpListener listener = Loopback.StartTcpListener("v4");
        Task<Socket> accept = listener.AcceptSocketAsync();
        await device.OpenConnectedAsync(1, listener.EndPoint());
        using Socket peer = await accept.WaitAsync(RawDevice.Patience);

        await peer.SendAsync(RawDevice.Ascii("unwanted"));
        DevicePacket transmit = await device.ExpectAsync(p => p.Opcode == HssOpcode.Transmit, "TRANSMIT");
        device.SendAck(transmit, refusal);
        await HostFlowControlTests.WaitUntilAsync(() => rig.Connection.Counters.RefusedTransmits == 1);

        if (refusal == HssError.NoSocket)
        {
            // The device does not know the handle: the host forgets it too.
            await HostFlowControlTests.WaitUntilAsync(() => rig.Connection.SocketCount == 0);
        }
        else
        {
            // Closed by the application: no more data goes down; the device's CLOSE is still answered ESUCCESS.
            await peer.SendAsync(RawDevice.Ascii("more"));
            Assert.Null(await device.TryExpectAsync(p => p.Opcode == HssOpcode.Transmit, TimeSpan.FromMilliseconds(300)));
            Assert.Equal(HssError.Success, (await device.ExpectAckAsync(device.SendClose(1), HssOpcode.Close)).Code);
        }
    }
}

/// <summary>Limits are reported through Microsoft.Extensions.Logging with the reason.</summary>
public class HostLoggingTests
{
    [Fact]
    public async Task SocketLimitIsLoggedAsAWarningWithTheLimit()
    {
        var logs = new ListLoggerFactory();
        await using var host = new HssHost(new HssHostSettings { MaxSocketsPerDevice = 1 }.WithLoopbackAllowed(), logs);
        var usb = new Emulation.EmulatedUsbLink();
        host.Attach(usb.HostEnd, "logged");
        using var device = new RawDevice(usb.DeviceEnd);
        Assert.Equal(HssError.Success, (await device.OpenAsync(1, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream)).Code);
        Assert.Equal(HssError.HostError, (await device.OpenAsync(2, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream)).Code);
        Assert.Contains(logs.Lines, line => line.Level == Microsoft.Extensions.Logging.LogLevel.Warning
            && line.Message.Contains("logged") && line.Message.Contains("limit of 1 sockets"));
        Assert.Contains(logs.Lines, line => line.Message.Contains("attached over usb-emulated/full-speed"));
    }
}
