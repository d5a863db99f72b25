using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using HssDevice.Host.Emulation;
using HssDevice.Wire;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HssDevice.Host.Tests;

/// <summary>Rows of docs/security.md's per-device table that no other suite drives past its bound.</summary>
public class PerDeviceLimitTests
{
    [Fact]
    public async Task MaxBufferedBytesPerDevice_TransmitsBeyondAreRefusedEHOSTERR_LoggedOnce_AndTheOtherDeviceIsServed()
    {
        var logs = new ListLoggerFactory();
        const int bound = 256 * 1024;
        await using var rig = new HostRig(new HssHostSettings { MaxBufferedBytesPerDevice = bound }, UsbLinkOptions.HighSpeed, logs);
        (EmulatedUsbLink _, DeviceConnection otherConnection, RawDevice other) = rig.AttachDevice(UsbLinkOptions.HighSpeed, "other");
        using (other)
        {
            // A peer that accepts and never reads, with a small receive buffer: the host holds what the kernel will not take.
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(4);
            Task<Socket> accept = listener.AcceptAsync();
            await rig.Device.OpenConnectedAsync(1, (IPEndPoint)listener.LocalEndPoint!);
            using Socket peer = await accept.WaitAsync(RawDevice.Patience);

            byte[] chunk = new byte[16 * 1024];
            ushort[] ids = Enumerable.Range(0, 40).Select(_ => rig.Device.SendTransmit(1, chunk)).ToArray(); // 640 KiB
            DevicePacket last = await rig.Device.ExpectAckAsync(ids[^1], HssOpcode.Transmit);
            Assert.Equal(-HssError.HostError, last.Value);
            Assert.True(rig.Connection.BufferedBytes <= bound, $"{rig.Connection.BufferedBytes} bytes buffered");
            Assert.True(rig.Connection.Counters.LimitHitCount(HostLimitNames.BufferedBytes) >= 1);
            Assert.Single(logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("limit " + HostLimitNames.BufferedBytes + " reached"));

            // The other device: its socket works as before.
            using TcpListener echoPeer = Loopback.StartTcpListener("v4");
            Task<Socket> acceptOther = echoPeer.AcceptSocketAsync();
            await other.OpenConnectedAsync(5, echoPeer.EndPoint());
            using Socket otherPeer = await acceptOther.WaitAsync(RawDevice.Patience);
            Assert.Equal(4, (await other.ExpectAckAsync(other.SendTransmit(5, RawDevice.Ascii("fine")), HssOpcode.Transmit)).Value);
            Assert.Equal("fine", System.Text.Encoding.ASCII.GetString(await Loopback.ReadExactlyAsync(otherPeer, 4)));
            Assert.Equal(0, otherConnection.Counters.BufferLimitHits);
        }
    }

    [Fact]
    public async Task PerDeviceLogRate_AFloodOfBadPacketsLogsAtMost50ASecond_AndSaysHowManyItHeldBack()
    {
        var logs = new ListLoggerFactory();
        await using var rig = new HostRig(loggers: logs);
        // OPENs with handle 0 (each answered EINVAL and logged as a warning), 600 in a row.
        byte[] open = new byte[HssLayout.MaxCommandPacket];
        int n = PacketWriter.WriteOpen(open, 0, 1, 0, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 600; i++)
        {
            rig.Device.SendCommand(open, n);
        }

        await HostLimitsTests.WaitUntilAsync(() => rig.Connection.Counters.SuppressedLogMessages >= 100);
        await Task.Delay(RateLimitedLogger.Window + TimeSpan.FromMilliseconds(300));
        int invalid = logs.Lines.Count(l => l.Message.Contains("is not a valid socket"));
        double windows = Math.Ceiling(watch.Elapsed / RateLimitedLogger.Window) + 1;
        Assert.True(invalid <= windows * RateLimitedLogger.MaxPerWindow, $"{invalid} lines in {watch.Elapsed}");
        Assert.Contains(logs.Lines, l => l.Message.Contains("log messages held back") && l.Message.Contains(rig.Connection.Name));
        Assert.True(rig.Connection.Counters.SuppressedLogMessages >= 100);
    }
}
