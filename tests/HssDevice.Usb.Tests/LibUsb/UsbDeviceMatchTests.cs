using HssDevice.Host.Usb.LibUsb;
using HssDevice.Host.Usb.Parsing;
using HssDevice.Usb.Boards;
using Xunit;

namespace HssDevice.Usb.Tests.LibUsb;

/// <summary>`hss host --usb` decides from descriptors alone which devices are HSS devices.</summary>
public class UsbDeviceMatchTests
{
    public static IEnumerable<object[]> Cases() => BoardDescriptorCases.AsTheoryData();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_board_profile_and_speed_is_found_with_its_four_endpoints(string board, HssUsbProfile profile, UsbSpeed speed)
    {
        var bundle = BoardDescriptorCases.Bundle(board, profile, speed);
        var device = Candidate(bundle.Device, bundle.Configuration);

        UsbDeviceMatch match = HssUsbDeviceMatcher.Match(device, null);

        Assert.True(match.IsHss, match.WhyNot);
        HssInterfaceMatch hss = match.Interface!;
        Assert.Equal(profile == HssUsbProfile.Cdc ? HssProfile.Cdc : HssProfile.Vendor, hss.Profile);
        Assert.Equal(profile == HssUsbProfile.Cdc ? 2 : 1, hss.Interfaces.Count);
        Assert.Equal(EndpointTransfer.Bulk, hss.BulkIn.Transfer);
        Assert.True(hss.BulkIn.IsIn);
        Assert.False(hss.BulkOut.IsIn);
        Assert.Equal(EndpointTransfer.Interrupt, hss.InterruptIn.Transfer);
        Assert.Equal(speed == UsbSpeed.High ? 512 : 64, hss.BulkOut.PacketBytes);
        Assert.Equal(bundle.Configuration[5], match.ConfigurationValue);
    }

    [Fact]
    public void A_filter_takes_only_the_named_device()
    {
        var bundle = BoardDescriptorCases.Bundle(BoardCatalog.Names.First(), HssUsbProfile.Vendor, UsbSpeed.Full);
        var device = Candidate(bundle.Device, bundle.Configuration);

        Assert.True(HssUsbDeviceMatcher.Match(device, new UsbDeviceFilter(device.VendorId, device.ProductId)).IsHss);
        UsbDeviceMatch other = HssUsbDeviceMatcher.Match(device, new UsbDeviceFilter(device.VendorId, (ushort)(device.ProductId + 1)));
        Assert.False(other.IsHss);
        Assert.Contains("not ", other.WhyNot);
    }

    [Fact]
    public void The_reference_identity_is_found_by_its_interface_whatever_its_vendor_id()
    {
        var settings = BoardCatalog.Create(BoardCatalog.Names.First());
        settings.ReferenceIdentity = true;
        var bundle = HssDevice.Host.Usb.DescriptorBundle.Build(settings, HssUsbProfile.Vendor, UsbSpeed.Full);
        var device = Candidate(bundle.Device, bundle.Configuration);

        Assert.Equal(0x2FE0, device.VendorId);
        Assert.True(HssUsbDeviceMatcher.Match(device, null).IsHss);
    }

    [Fact]
    public void A_vendor_interface_with_another_subclass_is_not_hss()
    {
        var bundle = BoardDescriptorCases.Bundle(BoardCatalog.Names.First(), HssUsbProfile.Vendor, UsbSpeed.Full);
        byte[] configuration = (byte[])bundle.Configuration.Clone();
        int iface = FindDescriptor(configuration, 0x04);
        configuration[iface + 6] = 0x01;

        UsbDeviceMatch match = HssUsbDeviceMatcher.Match(Candidate(bundle.Device, configuration), null);

        Assert.False(match.IsHss);
        Assert.Contains("no HSS interface", match.WhyNot);
    }

    [Fact]
    public void Truncated_and_garbage_descriptors_are_refused_with_a_reason_never_an_exception()
    {
        var bundle = BoardDescriptorCases.Bundle(BoardCatalog.Names.First(), HssUsbProfile.Cdc, UsbSpeed.Full);
        byte[] whole = bundle.Device.Concat(bundle.Configuration).ToArray();
        for (int length = 0; length < whole.Length; length++)
        {
            UsbDeviceMatch match = HssUsbDeviceMatcher.Match(new UsbDeviceCandidate("1-1", 1, 2, whole.AsSpan(0, length).ToArray()), null);
            Assert.False(match.IsHss, $"cut at {length}");
            Assert.False(string.IsNullOrEmpty(match.WhyNot));
        }

        var random = new Random(12);
        for (int i = 0; i < 500; i++)
        {
            byte[] noise = (byte[])whole.Clone();
            noise[18 + random.Next(whole.Length - 18)] = (byte)random.Next(256);
            _ = HssUsbDeviceMatcher.Match(new UsbDeviceCandidate("1-1", 1, 2, noise), null);
        }
    }

    [Fact]
    public void A_second_configuration_with_hss_is_found_after_one_without()
    {
        var hss = BoardDescriptorCases.Bundle(BoardCatalog.Names.First(), HssUsbProfile.Vendor, UsbSpeed.Full);
        byte[] other = (byte[])hss.Configuration.Clone();
        other[FindDescriptor(other, 0x04) + 5] = 0x03; // a HID interface instead
        byte[] second = (byte[])hss.Configuration.Clone();
        second[5] = 2;

        UsbDeviceMatch match = HssUsbDeviceMatcher.Match(Candidate(hss.Device, other, second), null);

        Assert.True(match.IsHss, match.WhyNot);
        Assert.Equal(2, match.ConfigurationValue);
    }

    [Fact]
    public void The_candidate_names_its_usbfs_node()
    {
        var device = new UsbDeviceCandidate("3-1.4", 3, 17, new byte[18]);
        Assert.Equal("/dev/bus/usb/003/017", device.DevicePath);
        Assert.Equal("3-17", device.Key);
    }

    internal static UsbDeviceCandidate Candidate(byte[] device, params byte[][] configurations) =>
        new("1-1", 1, 2, device.Concat(configurations.SelectMany(c => c)).ToArray());

    private static int FindDescriptor(byte[] bytes, byte type)
    {
        for (int offset = 0; offset < bytes.Length; offset += bytes[offset])
        {
            if (bytes[offset + 1] == type)
            {
                return offset;
            }
        }

        throw new InvalidOperationException("descriptor type " + type + " not found");
    }
}
