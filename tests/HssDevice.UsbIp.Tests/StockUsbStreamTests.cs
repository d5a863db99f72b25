using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host.Usb.Boards;
using HssDevice.LinuxGuest;
using HssDevice.Usb;
using HssDevice.UsbIp.StockUsbStream;
using Xunit;

namespace HssDevice.UsbIp.Tests;

/// <summary>
/// The emulated stock-firmware kit (boards/slstk3701a.json) over USB/IP: its descriptors, the Microsoft OS 1.0 string
/// and vendor requests, and its UsbStream's quirks (reads ending on short packet, ZLP or full buffer; no ZLP from
/// the device; aligned whole-packet reads).
/// </summary>
public sealed class StockUsbStreamTests : IAsyncDisposable
{
    private const int Stall = -32;

    private readonly BoardSettings _board = BoardDirectory.Load(Path.Combine(RepositoryRoot.Path, "boards"), "slstk3701a").ToDeviceSettings();
    private readonly StockUsbStreamPipe _pipe = new();
    private readonly UsbIpServer _server;
    private readonly IPEndPoint _endPoint;

    public StockUsbStreamTests()
    {
        var device = new EmulatedUsbIpDevice(new StockUsbStreamDescriptors(_board, withInterface: true), UsbSpeed.Full, _pipe);
        _server = new UsbIpServer(device);
        _server.Configured += _pipe.Connect;
        _endPoint = _server.Start(new IPEndPoint(IPAddress.Loopback, 0));
    }

    [Fact]
    public async Task Descriptors_and_microsoft_os_1_0_requests_answer_as_the_firmware()
    {
        await using var client = await AttachAsync(configure: false);
        byte[] device = (await client.ControlAsync(0x80, 6, 0x0100, 0, 18)).Data;
        Assert.Equal((0x0200, 0, 64, 0x10C4, 0x8DAD), (device[2] | device[3] << 8, device[4], device[7], device[8] | device[9] << 8, device[10] | device[11] << 8));
        byte[] configuration = (await client.ControlAsync(0x80, 6, 0x0200, 0, 255)).Data;
        Assert.Equal(32, configuration.Length);
        Assert.Equal(new byte[] { 9, 4, 0, 0, 2, 0xFF, 0xFF, 0xFF }, configuration[9..17]);
        Assert.Equal(new byte[] { 7, 5, 0x81, 2, 64, 0, 0, 7, 5, 0x01, 2, 64, 0, 0 }, configuration[18..]);
        Assert.Equal(_board.Product, Text((await client.ControlAsync(0x80, 6, (ushort)(0x0300 | configuration[17]), 0x0409, 255)).Data));
        Assert.Equal(_board.Product, Text((await client.ControlAsync(0x80, 6, (ushort)(0x0300 | device[15]), 0x0409, 255)).Data));
        Assert.Equal(StockUsbStreamDescriptors.EmulatedSerialNumber, Text((await client.ControlAsync(0x80, 6, (ushort)(0x0300 | device[16]), 0x0409, 255)).Data));

        // String 0xEE: "MSFT100", vendor code 0x00, pad.
        byte[] os = (await client.ControlAsync(0x80, 6, 0x03EE, 0, 255)).Data;
        Assert.Equal(18, os.Length);
        Assert.Equal("MSFT100", Encoding.Unicode.GetString(os, 2, 14));
        Assert.Equal(0x00, os[16]);

        byte[] compatible = (await client.ControlAsync(0xC0, 0x00, 0, 4, 255)).Data;
        Assert.Equal(40, BinaryPrimitives.ReadInt32LittleEndian(compatible));
        Assert.Equal("WINUSB\0\0", Encoding.ASCII.GetString(compatible, 18, 8));

        foreach (byte recipient in new byte[] { 0xC0, 0xC1 })
        {
            byte[] properties = (await client.ControlAsync(recipient, 0x00, 0, 5, 1024)).Data;
            Assert.Equal(properties.Length, BinaryPrimitives.ReadInt32LittleEndian(properties));
            string text = Encoding.Unicode.GetString(properties, 20, properties.Length - 20);
            Assert.Contains("DeviceInterfaceGUID\0", text);
            Assert.Contains(_board.DeviceInterfaceGuid.ToLowerInvariant() + "\0", text);
            Assert.DoesNotContain(_board.DeviceInterfaceGuid.ToUpperInvariant(), text);
        }

        Assert.Equal(Stall, (await client.ControlAsync(0xC0, 0x01, 0, 4, 255)).Status);   // another vendor code
        Assert.Equal(Stall, (await client.ControlAsync(0x80, 6, 0x0F00, 0, 255)).Status);  // no BOS below bcdUSB 2.01
        Assert.Equal(Stall, (await client.ControlAsync(0x80, 6, 0x0600, 0, 10)).Status);   // full speed only: no qualifier
    }

    [Fact]
    public void Before_the_usbstream_exists_the_configuration_has_no_interface_and_no_os_descriptors()
    {
        var before = new StockUsbStreamDescriptors(_board, withInterface: false);
        Assert.Equal(new byte[] { 9, 2, 9, 0, 0, 1 }, before.Configuration(UsbSpeed.Full)[..6]);
        Assert.Null(before.VendorRequest(0xC0, 0x00, 0, 4));
        Assert.False(before.HasDataEndpoint(0x81));
    }

    [Fact]
    public async Task The_kit_re_enumerates_with_its_interface_after_an_unplug()
    {
        var pipe = new StockUsbStreamPipe();
        var device = new EmulatedUsbIpDevice(new StockUsbStreamDescriptors(_board, withInterface: false), UsbSpeed.Full, pipe);
        await using var server = new UsbIpServer(device);
        IPEndPoint endPoint = server.Start(new IPEndPoint(IPAddress.Loopback, 0));

        await using (var first = await UsbIpTestClient.ConnectAsync(endPoint))
        {
            await first.ImportAsync();
            Assert.Equal(9, (await first.ControlAsync(0x80, 6, 0x0200, 0, 255)).Data.Length);
            Assert.Equal(Stall, (await first.ControlAsync(0xC0, 0x00, 0, 4, 255)).Status);
            device.Function = new StockUsbStreamDescriptors(_board, withInterface: true);
            await server.UnplugAsync();
            Assert.True(await first.ClosedByServerAsync());
        }

        await using var second = await UsbIpTestClient.ConnectAsync(endPoint);
        await second.ImportAsync();
        Assert.Equal(32, (await second.ControlAsync(0x80, 6, 0x0200, 0, 255)).Data.Length);
        Assert.Equal(0, (await second.ControlAsync(0xC0, 0x00, 0, 4, 255)).Status);
        Assert.Equal(2, server.Imports);
    }

    [Theory]
    [InlineData(128, true, 128)]
    [InlineData(100, false, 100)]
    [InlineData(600, true, 512)]
    public async Task A_device_read_ends_on_a_short_packet_a_zlp_or_a_full_buffer(int length, bool zlp, int expected)
    {
        await using var client = await AttachAsync(configure: true);
        await client.SendAsync(BulkOut(client, Pattern(length), zlp));
        byte[] buffer = new byte[512];
        int n = await Task.Run(() => _pipe.DeviceStream.Read(buffer, 0, 512));
        Assert.Equal(expected, n);
        Assert.Equal(Pattern(length)[..expected], buffer[..n]);
    }

    [Fact]
    public async Task Whole_packets_without_a_zlp_keep_the_read_open_and_its_timeout_loses_them()
    {
        await using var client = await AttachAsync(configure: true);
        await client.SendAsync(BulkOut(client, Pattern(128), zeroLengthPacket: false));
        _pipe.DeviceStream.ReadTimeout = 300;
        await Assert.ThrowsAsync<TimeoutException>(() => Task.Run(() => _pipe.DeviceStream.Read(new byte[512], 0, 512)));
        Assert.Equal(128, _pipe.BytesLostToReadTimeouts);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(100)]
    public async Task A_misaligned_or_partial_packet_read_is_refused(int offsetOrCount)
    {
        await using var client = await AttachAsync(configure: true);
        Assert.Throws<ArgumentException>(() => offsetOrCount < 4 ? _pipe.DeviceStream.Read(new byte[600], offsetOrCount, 64) : _pipe.DeviceStream.Read(new byte[600], 0, offsetOrCount));
        Assert.Equal(1, _pipe.RuleViolations);
    }

    [Fact]
    public async Task The_device_sends_no_zlp_so_a_large_in_transfer_waits_for_a_short_packet()
    {
        await using var client = await AttachAsync(configure: true);
        _pipe.DeviceStream.WriteTimeout = 10000;
        Task write = Task.Run(() => _pipe.DeviceStream.Write(Pattern(128), 0, 128));
        await client.SendAsync(UsbIpTestClient.Submit(client.NextSeq(), 1, 1, 512));
        Assert.True(await client.NothingArrivesAsync(TimeSpan.FromMilliseconds(500)), "a transfer of whole packets completed without a ZLP");
        await write.WaitAsync(TimeSpan.FromSeconds(10)); // the host took all 128 bytes: the write returns
        Task tail = Task.Run(() => _pipe.DeviceStream.Write(Pattern(5), 0, 5));
        UrbReply reply = await client.ReceiveUrbReplyAsync(inData: true);
        Assert.Equal((0, 133), (reply.Status, reply.ActualLength));
        await tail.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_device_write_returns_only_when_the_host_has_read_it_or_times_out()
    {
        await using var client = await AttachAsync(configure: true);
        _pipe.DeviceStream.WriteTimeout = 300;
        Assert.Throws<TimeoutException>(() => _pipe.DeviceStream.Write(Pattern(10), 0, 10));
        _pipe.DeviceStream.WriteTimeout = 10000;
        Task write = Task.Run(() => _pipe.DeviceStream.Write(Pattern(10), 0, 10));
        await Task.Delay(200);
        Assert.False(write.IsCompleted);
        await client.SendAsync(UsbIpTestClient.Submit(client.NextSeq(), 1, 1, 64));
        Assert.Equal(10, (await client.ReceiveUrbReplyAsync(inData: true)).ActualLength);
        await write.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _pipe.DisposeAsync();
    }

    private async Task<UsbIpTestClient> AttachAsync(bool configure)
    {
        var client = await UsbIpTestClient.ConnectAsync(_endPoint);
        await client.ImportAsync();
        if (configure)
        {
            Assert.Equal(0, (await client.ControlAsync(0x00, 9, 1, 0, 0)).Status);
            Assert.True(_pipe.IsConnected);
        }

        return client;
    }

    private static byte[] BulkOut(UsbIpTestClient client, byte[] data, bool zeroLengthPacket)
    {
        byte[] message = UsbIpTestClient.Submit(client.NextSeq(), 0, 1, data.Length, outData: data);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(20), zeroLengthPacket ? UsbIpWire.UrbZeroPacket : 0u);
        return message;
    }

    private static byte[] Pattern(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 3)).ToArray();

    private static string Text(byte[] stringDescriptor) => Encoding.Unicode.GetString(stringDescriptor, 2, stringDescriptor.Length - 2);
}
