using HssDevice.Host.Usb.LibUsb;
using Xunit;

namespace HssDevice.Usb.Tests.LibUsb;

/// <summary>The device scan reads sysfs as the kernel lays it out; tested on a directory shaped like it.</summary>
public sealed class SysfsUsbDevicesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("hss-sysfs-").FullName;

    [Fact]
    public void Devices_are_listed_with_bus_address_and_raw_descriptors_and_interfaces_and_root_hubs_are_not()
    {
        Device("1-1", "1", "4", new byte[] { 18, 1, 0, 2 });
        Device("2-1.3", "2", "12", new byte[] { 18, 1, 0, 2, 9 });
        Device("usb1", "1", "1", new byte[] { 18, 1 });
        Device("1-1:1.0", "1", "4", new byte[] { 9, 4 });
        Directory.CreateDirectory(Path.Combine(_root, "1-2")); // left while being read: no files

        var devices = SysfsUsbDevices.Scan(_root);

        Assert.Equal(new[] { "1-1", "2-1.3" }, devices.Select(d => d.SysName));
        Assert.Equal("/dev/bus/usb/002/012", devices[1].DevicePath);
        Assert.Equal(new byte[] { 18, 1, 0, 2, 9 }, devices[1].Descriptors);
    }

    [Fact]
    public void A_missing_sysfs_is_an_empty_list()
    {
        Assert.Empty(SysfsUsbDevices.Scan(Path.Combine(_root, "absent")));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Device(string name, string bus, string address, byte[] descriptors)
    {
        string dir = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        File.WriteAllText(Path.Combine(dir, "busnum"), bus + "\n");
        File.WriteAllText(Path.Combine(dir, "devnum"), address + "\n");
        File.WriteAllBytes(Path.Combine(dir, "descriptors"), descriptors);
    }
}
