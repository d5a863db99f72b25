using HssDevice.Host.Usb.LibUsb;
using Xunit;

namespace HssDevice.Usb.Tests.LibUsb;

/// <summary>The devices `hss host --usb` scans: libusb's enumeration, with Linux sysfs as the fallback for what it lacks.</summary>
public class UsbDeviceDiscoveryTests
{
    private static readonly byte[] Descriptors = { 18, 1, 0, 2, 0, 0, 0, 64, 0x09, 0x12, 0x01, 0x00, 0, 1, 1, 2, 3, 1 };

    private static UsbDeviceCandidate Device(string name, int bus, int address, UsbDeviceSource source, string? product = null) =>
        new(name, bus, address, Descriptors) { Source = source, Product = product };

    [Fact]
    public void Libusbs_devices_come_first_and_sysfs_adds_only_the_ones_libusb_lacks()
    {
        var fromLibUsb = new[] { Device("1-2", 1, 5, UsbDeviceSource.LibUsb), Device("1-1", 1, 4, UsbDeviceSource.LibUsb) };
        var fromSysfs = new[] { Device("1-1", 1, 4, UsbDeviceSource.Sysfs), Device("1-3", 1, 9, UsbDeviceSource.Sysfs) };

        var devices = UsbDeviceDiscovery.Combine(fromLibUsb, fromSysfs);

        Assert.Equal(new[] { "1-1", "1-2", "1-3" }, devices.Select(d => d.SysName));
        Assert.Equal(new[] { UsbDeviceSource.LibUsb, UsbDeviceSource.LibUsb, UsbDeviceSource.Sysfs }, devices.Select(d => d.Source));
    }

    [Fact]
    public void A_device_that_re_enumerated_is_a_new_device_even_at_the_same_port()
    {
        // libusb's list still holds the old address (no udev event yet); sysfs shows the new one: both are scanned,
        // and opening the old one fails and is reported while the new one attaches.
        var devices = UsbDeviceDiscovery.Combine(new[] { Device("1-1", 1, 4, UsbDeviceSource.LibUsb) }, new[] { Device("1-1", 1, 7, UsbDeviceSource.Sysfs) });

        Assert.Equal(new[] { "1-4", "1-7" }, devices.Select(d => d.Key).OrderBy(k => k, StringComparer.Ordinal));
    }

    [Fact]
    public void A_libusb_device_without_a_product_string_takes_the_one_sysfs_read_and_keeps_its_own()
    {
        var devices = UsbDeviceDiscovery.Combine(
            new[] { Device("1-1", 1, 4, UsbDeviceSource.LibUsb), Device("1-2", 1, 5, UsbDeviceSource.LibUsb, "from libusb") },
            new[] { Device("1-1", 1, 4, UsbDeviceSource.Sysfs, "HSS SLSTK3701A"), Device("1-2", 1, 5, UsbDeviceSource.Sysfs, "from sysfs") });

        Assert.Equal(new[] { "HSS SLSTK3701A", "from libusb" }, devices.Select(d => d.Product));
        Assert.All(devices, d => Assert.Equal(UsbDeviceSource.LibUsb, d.Source));
    }

    [Fact]
    public void Without_sysfs_the_list_is_libusbs_and_without_libusb_it_is_sysfs()
    {
        Assert.Equal(new[] { UsbDeviceSource.LibUsb }, UsbDeviceDiscovery.Combine(new[] { Device("1-1", 1, 4, UsbDeviceSource.LibUsb) }, Array.Empty<UsbDeviceCandidate>()).Select(d => d.Source));
        Assert.Equal(new[] { UsbDeviceSource.Sysfs }, UsbDeviceDiscovery.Combine(Array.Empty<UsbDeviceCandidate>(), new[] { Device("1-1", 1, 4, UsbDeviceSource.Sysfs) }).Select(d => d.Source));
    }

    [Fact]
    public void A_device_libusb_listed_twice_is_scanned_once()
    {
        var devices = UsbDeviceDiscovery.Combine(new[] { Device("1-1", 1, 4, UsbDeviceSource.LibUsb), Device("1-1", 1, 4, UsbDeviceSource.LibUsb) }, Array.Empty<UsbDeviceCandidate>());

        Assert.Single(devices);
    }
}
