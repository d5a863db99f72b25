using System;
using System.Threading.Tasks;
using HssDevice.Usb;
using Xunit;

namespace HssDevice.UsbIp.Tests;

/// <summary>Endpoint 0 through CMD_SUBMIT: every answer byte for byte equal to the device's descriptor builder.</summary>
public sealed class UsbIpControlTests
{
    private const int Stall = -32; // -EPIPE

    private static async Task<(EmulatedBoardDevice Device, UsbIpTestClient Client)> AttachAsync(string board, HssUsbProfile profile, UsbSpeed speed)
    {
        var device = new EmulatedBoardDevice(board, profile, speed);
        var client = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        await client.ImportAsync();
        return (device, client);
    }

    [Theory]
    [InlineData("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full)]
    [InlineData("esp32-s3", HssUsbProfile.Cdc, UsbSpeed.Full)]
    [InlineData("stm32f769i-discovery", HssUsbProfile.Vendor, UsbSpeed.High)]
    [InlineData("stm32f769i-discovery", HssUsbProfile.Cdc, UsbSpeed.Full)]
    public async Task Enumeration_requests_answer_the_builders_bytes(string board, HssUsbProfile profile, UsbSpeed speed)
    {
        var (device, client) = await AttachAsync(board, profile, speed);
        await using var _ = device;
        await using var __ = client;
        UsbDescriptorBuilder b = device.Descriptors;

        // As Linux enumerates: the first 8 bytes of the device descriptor, then all of it, then the configuration's
        // 9-byte header and the whole set; then strings and BOS.
        UrbReply first8 = await client.ControlAsync(0x80, 6, 0x0100, 0, 8);
        Assert.Equal((3u, 0, 8), (first8.Command, first8.Status, first8.ActualLength));
        Assert.Equal(b.BuildDeviceDescriptor()[..8], first8.Data);
        Assert.Equal(b.BuildDeviceDescriptor(), (await client.ControlAsync(0x80, 6, 0x0100, 0, 64)).Data);
        Assert.Equal(b.BuildConfiguration(speed)[..9], (await client.ControlAsync(0x80, 6, 0x0200, 0, 9)).Data);
        Assert.Equal(b.BuildConfiguration(speed), (await client.ControlAsync(0x80, 6, 0x0200, 0, 0xFF)).Data);
        Assert.Equal(b.BuildString(0), (await client.ControlAsync(0x80, 6, 0x0300, 0, 0xFF)).Data);
        Assert.Equal(b.BuildString(1), (await client.ControlAsync(0x80, 6, 0x0301, 0x0409, 0xFF)).Data);
        Assert.Equal(b.BuildString(2), (await client.ControlAsync(0x80, 6, 0x0302, 0x0409, 0xFF)).Data);
        Assert.Equal(b.BuildString(4), (await client.ControlAsync(0x80, 6, 0x0304, 0x0409, 0xFF)).Data);
        Assert.Equal(Stall, (await client.ControlAsync(0x80, 6, 0x0303, 0x0409, 0xFF)).Status); // no serial number
        Assert.Equal(b.BuildBos(), (await client.ControlAsync(0x80, 6, 0x0F00, 0, 0xFF)).Data);
        Assert.Equal(b.BuildMsOs20DescriptorSet(), (await client.ControlAsync(0xC0, UsbDescriptorBuilder.MsOs20VendorCode, 0, 7, 0x400)).Data);
        UrbReply qualifier = await client.ControlAsync(0x80, 6, 0x0600, 0, 10);
        UrbReply otherSpeed = await client.ControlAsync(0x80, 6, 0x0700, 0, 0xFF);
        if (b.IsHighSpeedCapable)
        {
            Assert.Equal(b.BuildDeviceQualifier(), qualifier.Data);
            Assert.Equal(b.BuildOtherSpeedConfiguration(speed), otherSpeed.Data);
        }
        else
        {
            // A full-speed-only device answers both with a request error (USB 2.0 section 9.6.2).
            Assert.Equal((Stall, 0), (qualifier.Status, qualifier.ActualLength));
            Assert.Equal(Stall, otherSpeed.Status);
        }
    }

    [Fact]
    public async Task Configuration_interface_status_and_halt_requests_behave_as_chapter_9_says()
    {
        var (device, client) = await AttachAsync("stm32f769i-discovery", HssUsbProfile.Cdc, UsbSpeed.High);
        await using var _ = device;
        await using var __ = client;
        var configured = new TaskCompletionSource();
        device.Server.Configured += () => configured.TrySetResult();

        Assert.Equal(new byte[] { 0 }, (await client.ControlAsync(0x80, 8, 0, 0, 1)).Data);          // GET_CONFIGURATION: 0
        Assert.Equal(Stall, (await client.ControlAsync(0x01, 11, 0, 0, 0)).Status);                  // SET_INTERFACE before configured
        Assert.Equal(0, (await client.ControlAsync(0x00, 9, 1, 0, 0)).Status);                        // SET_CONFIGURATION 1
        await configured.Task.WaitAsync(UsbIpTestClient.ReplyTimeout);
        Assert.Equal(new byte[] { 1 }, (await client.ControlAsync(0x80, 8, 0, 0, 1)).Data);
        Assert.Equal(0, (await client.ControlAsync(0x01, 11, 0, 1, 0)).Status);                       // SET_INTERFACE 1, alt 0
        Assert.Equal(Stall, (await client.ControlAsync(0x01, 11, 1, 1, 0)).Status);                   // alt 1 does not exist
        Assert.Equal(Stall, (await client.ControlAsync(0x01, 11, 0, 2, 0)).Status);                   // interface 2 does not exist
        Assert.Equal(new byte[] { 0, 0 }, (await client.ControlAsync(0x80, 0, 0, 0, 2)).Data);        // GET_STATUS device
        Assert.Equal(new byte[] { 0, 0 }, (await client.ControlAsync(0x82, 0, 0, 0x81, 2)).Data);     // GET_STATUS endpoint 0x81
        Assert.Equal(0, (await client.ControlAsync(0x02, 1, 0, 0x81, 0)).Status);                     // CLEAR_FEATURE(ENDPOINT_HALT)
        Assert.Equal(Stall, (await client.ControlAsync(0x02, 1, 0, 0x85, 0)).Status);                 // no endpoint 0x85
        Assert.Equal(Stall, (await client.ControlAsync(0x00, 9, 2, 0, 0)).Status);                    // SET_CONFIGURATION 2
    }

    [Theory]
    [InlineData(0x21, 0x20, 0, 0, 7)]   // CDC SET_LINE_CODING, which cdc_acm would send
    [InlineData(0xA1, 0x21, 0, 0, 7)]   // CDC GET_LINE_CODING
    [InlineData(0x00, 3, 1, 0, 0)]      // SET_FEATURE(DEVICE_REMOTE_WAKEUP): the device does not claim it
    [InlineData(0x80, 6, 0x2200, 0, 64)] // GET_DESCRIPTOR(HID report): no such descriptor
    [InlineData(0xC0, 0x02, 0, 7, 64)]  // a vendor request other than MS OS 2.0's
    [InlineData(0x00, 5, 3, 0, 0)]      // SET_ADDRESS (vhci-hcd answers it itself; a server never sees one)
    public async Task Any_other_request_stalls(byte requestType, byte request, ushort value, ushort index, ushort length)
    {
        var (device, client) = await AttachAsync("esp32-s3", HssUsbProfile.Cdc, UsbSpeed.Full);
        await using var _ = device;
        await using var __ = client;
        UrbReply reply = await client.ControlAsync(requestType, request, value, index, length);
        Assert.Equal((3u, Stall, 0), (reply.Command, reply.Status, reply.ActualLength));
    }
}
