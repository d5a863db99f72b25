using HssDevice.Host.Usb.Printing;
using HssDevice.Usb;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.Usb.Tests;

/// <summary>The text behind `hss descriptors`: lsusb-style decoding and hex.</summary>
public class DescriptorPrinterTests
{
    private readonly ITestOutputHelper _output;

    public DescriptorPrinterTests(ITestOutputHelper output) => _output = output;

    public static IEnumerable<object[]> Cases => BoardDescriptorCases.AsTheoryData();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_case_decodes(string board, HssUsbProfile profile, UsbSpeed speed)
    {
        var text = DescriptorPrinter.Decode(BoardDescriptorCases.Bundle(board, profile, speed));
        _output.WriteLine(text);
        Assert.Contains("Device Descriptor:", text);
        Assert.Contains("Configuration Descriptor:", text);
        Assert.Contains("Binary Object Store Descriptor:", text);
        Assert.Contains("DeviceInterfaceGUIDs {7ED00674-9D80-4A0C-BBC7-5810CD5AF500}", text);
        Assert.Contains("CompatibleID        WINUSB", text);
    }

    [Fact]
    public void Vendor_full_speed_reads_like_lsusb()
    {
        var text = DescriptorPrinter.Decode(BoardDescriptorCases.Bundle("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full));
        var lines = text.Split('\n');
        Assert.Contains("ID 1209:0001 HssDevice HSS ESP32-S3", lines);
        Assert.Contains("  bLength                18", lines);
        Assert.Contains("  bcdUSB               2.10", lines);
        Assert.Contains("  idVendor           0x1209 Generic (pid.codes)", lines);
        Assert.Contains("  iProduct                2 HSS ESP32-S3", lines);
        Assert.Contains("    wTotalLength       0x002e", lines);
        Assert.Contains("    MaxPower              100mA", lines);
        Assert.Contains("      bInterfaceClass       255 Vendor Specific Class", lines);
        Assert.Contains("      bInterfaceSubClass    171", lines);
        Assert.Contains("      iInterface              4 Host Socket Sharing", lines);
        Assert.Contains("        bEndpointAddress     0x81  EP 1 IN", lines);
        Assert.Contains("        wMaxPacketSize     0x0040  1x 64 bytes", lines);
        Assert.Contains("          Transfer Type       Interrupt", lines);
        Assert.Contains("Device Qualifier: none (full-speed only device: the request is stalled)", lines);
        Assert.Contains("    PlatformCapabilityUUID {d8dd60df-4589-4cc7-9cd2-659d9e648a9f} Microsoft OS 2.0", lines);
        Assert.Contains("    wMSOSDescriptorSetTotalLength 0x00a2", lines);
        Assert.Contains("  Compatible ID (whole device):", lines);
        Assert.DoesNotContain("Other Speed Configuration Descriptor:", text);
    }

    [Fact]
    public void Cdc_high_speed_shows_association_functional_descriptors_and_other_speed()
    {
        var text = DescriptorPrinter.Decode(BoardDescriptorCases.Bundle("stm32f769i-discovery", HssUsbProfile.Cdc, UsbSpeed.High));
        var lines = text.Split('\n');
        Assert.Contains("  bDeviceClass          239 Miscellaneous Device", lines);
        Assert.Contains("  bDeviceProtocol         1 Interface Association", lines);
        Assert.Contains("    Interface Association:", lines);
        Assert.Contains("      bFunctionClass          2 Communications", lines);
        Assert.Contains("      CDC Header:", lines);
        Assert.Contains("        bcdCDC               1.20", lines);
        Assert.Contains("      CDC Union:", lines);
        Assert.Contains("      bInterfaceClass        10 CDC Data", lines);
        Assert.Contains("        wMaxPacketSize     0x0200  1x 512 bytes", lines);
        Assert.Contains("Device Qualifier (for other device speed):", lines);
        Assert.Contains("  Other Speed Configuration Descriptor:", lines);
        Assert.Contains("  Compatible ID (configuration index 0, function from interface 0):", lines);

        // The association comes before the interfaces it groups, as the bytes have it.
        Assert.True(text.IndexOf("Interface Association:", StringComparison.Ordinal) < text.IndexOf("Interface Descriptor:", StringComparison.Ordinal));
    }

    [Fact]
    public void Hex_lists_every_descriptor()
    {
        var text = DescriptorPrinter.Hex(BoardDescriptorCases.Bundle("stm32f769i-discovery", HssUsbProfile.Vendor, UsbSpeed.High));
        var lines = text.Split('\n');
        Assert.Contains("device (18 bytes):", lines);
        Assert.Contains("  12 01 10 02 00 00 00 40 09 12 01 00 00 01 01 02", lines);
        Assert.Contains("  00 01", lines);
        Assert.Contains("configuration (46 bytes):", lines);
        Assert.Contains("device qualifier (10 bytes):", lines);
        Assert.Contains("  0a 06 10 02 00 00 00 40 01 00", lines);
        Assert.Contains("MS OS 2.0 descriptor set (vendor request 0x01, wIndex 7) (162 bytes):", lines);
        Assert.Contains("string 0 (4 bytes):", lines);
    }
}
