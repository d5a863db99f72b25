using System;
using System.Buffers.Binary;
using System.Text;
using System.Threading.Tasks;
using HssDevice.Usb;
using Xunit;

namespace HssDevice.UsbIp.Tests;

/// <summary>OP_REQ_DEVLIST and OP_REQ_IMPORT over loopback TCP, checked field by field against usbip_protocol.rst.</summary>
public sealed class UsbIpOperationTests
{
    private static string Field(byte[] b, int offset, int size)
    {
        int end = Array.IndexOf(b, (byte)0, offset, size);
        return Encoding.ASCII.GetString(b, offset, (end < 0 ? offset + size : end) - offset);
    }

    [Theory]
    [InlineData(HssUsbProfile.Vendor, new byte[] { 0xFF, 0xAB, 0x00, 0 })]
    [InlineData(HssUsbProfile.Cdc, new byte[] { 0x02, 0xAB, 0x00, 0, 0x0A, 0x00, 0x00, 0 })]
    public async Task Devlist_lists_one_device_1_1_with_its_interfaces(HssUsbProfile profile, byte[] interfaces)
    {
        await using var device = new EmulatedBoardDevice("stm32f769i-discovery", profile, UsbSpeed.High);
        await using var client = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        await client.SendAsync(UsbIpTestClient.OpRequest(0x8005));
        byte[] reply = await client.ReceiveAsync(8 + 4 + 312 + interfaces.Length);
        Assert.Equal("0111" + "0005" + "00000000" + "00000001", Convert.ToHexString(reply, 0, 12));
        Assert.Equal("/sys/devices/hss/usb1/1-1", Field(reply, 12, 256));
        Assert.Equal("1-1", Field(reply, 12 + 256, 32));
        int o = 12 + 256 + 32;
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(reply.AsSpan(o)));      // busnum
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(reply.AsSpan(o + 4)));  // devnum
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32BigEndian(reply.AsSpan(o + 8)));  // USB_SPEED_HIGH
        Assert.Equal(device.Board.VendorId, BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(o + 12)));
        Assert.Equal(device.Board.ProductId, BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(o + 14)));
        Assert.Equal(device.Board.DeviceRelease, BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(o + 16)));
        byte[] deviceDescriptor = device.Descriptors.BuildDeviceDescriptor();
        Assert.Equal(new[] { deviceDescriptor[4], deviceDescriptor[5], deviceDescriptor[6], (byte)1, (byte)1, (byte)(interfaces.Length / 4) },
            reply[(o + 18)..(o + 24)]);
        Assert.Equal(interfaces, reply[(o + 24)..]);
        Assert.True(await client.NothingArrivesAsync(TimeSpan.FromMilliseconds(100)), "nothing after the list");
    }

    [Fact]
    public async Task Import_of_1_1_answers_the_device_record_and_counts_an_attach()
    {
        await using var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full);
        // The server raises Attached after writing the reply, so the client can read the reply first: wait for it.
        var attached = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        device.Server.Attached += n => attached.TrySetResult(n);
        await using var client = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        await client.SendAsync(UsbIpTestClient.ImportRequest("1-1"));
        byte[] reply = await client.ReceiveAsync(8 + 312);
        Assert.Equal("0111" + "0003" + "00000000", Convert.ToHexString(reply, 0, 8));
        Assert.Equal("1-1", Field(reply, 8 + 256, 32));
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(reply.AsSpan(8 + 288 + 8))); // USB_SPEED_FULL
        Assert.Equal(0x1209, BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(8 + 288 + 12)));
        Assert.Equal(1, device.Server.Imports);
        Assert.Equal(1, await attached.Task.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Import_of_an_unknown_bus_id_answers_status_1_and_the_connection_can_import_1_1_after()
    {
        await using var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full);
        await using var client = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        await client.SendAsync(UsbIpTestClient.ImportRequest("9-9"));
        Assert.Equal("0111" + "0003" + "00000001", Convert.ToHexString(await client.ReceiveAsync(8)));
        Assert.True(device.Log.HasWarning("unknown bus ID '9-9'"), device.Log.ToString());
        await client.ImportAsync();
        Assert.Equal(1, device.Server.Imports);
    }

    [Fact]
    public async Task A_second_connection_importing_while_the_device_is_attached_gets_busy_then_gets_it_after_the_detach()
    {
        await using var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full);
        var detached = new TaskCompletionSource<int>();
        device.Server.Detached += n => detached.TrySetResult(n);
        var first = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        await first.ImportAsync();
        await using var second = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        await second.SendAsync(UsbIpTestClient.ImportRequest("1-1"));
        Assert.Equal("0111" + "0003" + "00000002", Convert.ToHexString(await second.ReceiveAsync(8)));
        await first.DisposeAsync();
        Assert.Equal(1, await detached.Task.WaitAsync(UsbIpTestClient.ReplyTimeout));
        await second.ImportAsync();
        Assert.Equal(2, device.Server.Imports);
    }

    [Fact]
    public async Task An_operation_request_on_an_imported_stream_ends_the_import_and_is_served()
    {
        // The rig's virtio-serial relay carries one client after another on one stream (docs/linux-usb.md).
        await using var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full);
        var detached = new TaskCompletionSource<int>();
        device.Server.Detached += n => detached.TrySetResult(n);
        await using var client = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        await client.ImportAsync();
        await client.ImportAsync();
        Assert.Equal(1, await detached.Task.WaitAsync(UsbIpTestClient.ReplyTimeout));
        Assert.Equal(2, device.Server.Imports);
    }

    [Fact]
    public async Task Disposing_the_server_unplugs_closing_the_imported_connection()
    {
        var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full);
        await using var client = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        await client.ImportAsync();
        await device.DisposeAsync();
        Assert.True(await client.ClosedByServerAsync());
    }
}
