using HssDevice.Host.Usb.Boards;
using HssDevice.Host.Usb.Parsing;
using HssDevice.Usb;
using HssDevice.Usb.Boards;
using Xunit;

namespace HssDevice.Usb.Tests;

/// <summary>The device builder's bytes for every board, profile and speed, read back by the independent parser.</summary>
public class ParserAcceptsEveryBoardTests
{
    public static IEnumerable<object[]> Cases => BoardDescriptorCases.AsTheoryData();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Device_descriptor_matches_the_board_file(string board, HssUsbProfile profile, UsbSpeed speed)
    {
        var file = BoardDirectory.Load(RepositoryPaths.Boards, board);
        var bundle = BoardDescriptorCases.Bundle(board, profile, speed);
        var device = UsbDescriptorParser.ParseDevice(bundle.Device);
        Assert.Equal(file.VendorId, device.VendorId);
        Assert.Equal(file.ProductId, device.ProductId);
        Assert.Equal(file.DeviceRelease, device.DeviceRelease);
        Assert.Equal(0x0210, device.UsbRelease);
        Assert.Equal(64, device.MaxPacketSize0);
        Assert.Equal(profile == HssUsbProfile.Cdc ? 0xEF : 0x00, device.DeviceClass);
        Assert.Equal(file.Manufacturer, UsbDescriptorParser.ParseString(bundle.Strings[device.ManufacturerIndex]));
        Assert.Equal(file.Product, UsbDescriptorParser.ParseString(bundle.Strings[device.ProductIndex]));
        Assert.Equal(file.SerialNumber.Length == 0 ? 0 : 3, device.SerialNumberIndex);
        Assert.Equal(new ushort[] { 0x0409 }, UsbDescriptorParser.ParseLanguageIds(bundle.Strings[0]));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Configuration_has_the_hss_interface_with_sizes_for_the_speed(string board, HssUsbProfile profile, UsbSpeed speed)
    {
        var bundle = BoardDescriptorCases.Bundle(board, profile, speed);
        var configuration = UsbDescriptorParser.ParseConfiguration(bundle.Configuration);
        var hss = HssInterfaceFinder.Find(configuration);
        AssertHss(hss, profile, speed, BoardCatalog.Create(board).InterruptIntervalMicroseconds);
        Assert.Equal(0x80, configuration.Attributes);
        Assert.Equal(50, configuration.MaxPower);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Qualifier_and_other_speed_exist_only_on_high_speed_boards(string board, HssUsbProfile profile, UsbSpeed speed)
    {
        var bundle = BoardDescriptorCases.Bundle(board, profile, speed);
        var highSpeedCapable = BoardCatalog.Create(board).Speed == UsbSpeed.High;
        Assert.Equal(highSpeedCapable, bundle.DeviceQualifier != null);
        Assert.Equal(highSpeedCapable, bundle.OtherSpeedConfiguration != null);
        if (highSpeedCapable)
        {
            var device = UsbDescriptorParser.ParseDevice(bundle.Device);
            var qualifier = UsbDescriptorParser.ParseDeviceQualifier(bundle.DeviceQualifier!);
            Assert.Equal(device.DeviceClass, qualifier.DeviceClass);
            Assert.Equal(device.NumConfigurations, qualifier.NumConfigurations);
            var other = UsbDescriptorParser.ParseConfiguration(bundle.OtherSpeedConfiguration!);
            Assert.Equal(UsbDescriptorParser.OtherSpeedConfigurationType, other.DescriptorType);
            var otherSpeed = speed == UsbSpeed.High ? UsbSpeed.Full : UsbSpeed.High;
            AssertHss(HssInterfaceFinder.Find(other), profile, otherSpeed, BoardCatalog.Create(board).InterruptIntervalMicroseconds);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bos_points_at_an_ms_os_20_set_that_binds_winusb(string board, HssUsbProfile profile, UsbSpeed speed)
    {
        var bundle = BoardDescriptorCases.Bundle(board, profile, speed);
        var device = UsbDescriptorParser.ParseDevice(bundle.Device);
        Assert.True(device.UsbRelease >= 0x0201, "bcdUSB must be 2.01 or later for the host to read the BOS");
        var bos = UsbDescriptorParser.ParseBos(bundle.Bos);
        var platform = Assert.Single(bos.Capabilities);
        var ms = platform.MsOs20!;
        Assert.Equal(0x06030000u, ms.WindowsVersion);
        Assert.Equal(bundle.MsOs20Set.Length, ms.DescriptorSetTotalLength);
        Assert.Equal(bundle.MsOs20VendorCode, ms.VendorCode);

        var set = UsbDescriptorParser.ParseMsOs20Set(bundle.MsOs20Set);
        Assert.Equal("WINUSB", set.CompatibleId);
        Assert.Equal(new[] { BoardCatalog.Create(board).DeviceInterfaceGuid }, set.DeviceInterfaceGuids);
        if (profile == HssUsbProfile.Cdc)
        {
            // Composite device: the features must apply to the function that starts at the IAD's first interface.
            var configuration = UsbDescriptorParser.ParseConfiguration(bundle.Configuration);
            Assert.Equal(configuration.Associations.Single().FirstInterface, set.CompatibleIdFirstInterface);
            Assert.All(set.Features, f => Assert.Equal(0, f.ConfigurationIndex));
        }
        else
        {
            Assert.Null(set.CompatibleIdFirstInterface);
            Assert.All(set.Features, f => Assert.Null(f.ConfigurationIndex));
        }
    }

    private static void AssertHss(HssInterfaceMatch hss, HssUsbProfile profile, UsbSpeed speed, int intervalMicroseconds)
    {
        Assert.Equal(profile == HssUsbProfile.Cdc ? HssProfile.Cdc : HssProfile.Vendor, hss.Profile);
        Assert.Equal(profile == HssUsbProfile.Cdc ? new byte[] { 0, 1 } : new byte[] { 0 }, hss.Interfaces);
        var bulk = speed == UsbSpeed.High ? 512 : 64;
        Assert.Equal(bulk, hss.BulkIn.PacketBytes);
        Assert.Equal(bulk, hss.BulkOut.PacketBytes);
        Assert.Equal(64, hss.InterruptIn.PacketBytes);
        Assert.Equal(64, hss.InterruptOut.PacketBytes);
        Assert.True(hss.BulkIn.IsIn && !hss.BulkOut.IsIn && hss.InterruptIn.IsIn && !hss.InterruptOut.IsIn);

        // The polling period the host will use, in microseconds (USB 2.0 section 9.6.6).
        var periodUs = speed == UsbSpeed.High ? (1 << (hss.InterruptIn.Interval - 1)) * 125 : hss.InterruptIn.Interval * 1000;
        // Asked for, rounded down to what the speed can poll: whole 1 ms frames (at least one) at full speed,
        // a power of two of 125 us microframes at high speed.
        var expectedUs = speed == UsbSpeed.High
            ? 125 * (1 << (int)Math.Floor(Math.Log2(intervalMicroseconds / 125)))
            : Math.Max(1, intervalMicroseconds / 1000) * 1000;
        Assert.Equal(expectedUs, periodUs);
        Assert.Equal(hss.InterruptIn.Interval, hss.InterruptOut.Interval);
    }
}
