namespace HssDevice.Host.Usb.LibUsb;

/// <summary>Where a device's entry came from.</summary>
public enum UsbDeviceSource
{
    /// <summary>libusb's own enumeration (libusb_get_device_list): every platform libusb runs on.</summary>
    LibUsb,

    /// <summary>Linux sysfs (/sys/bus/usb/devices): the fallback for devices libusb's list does not hold yet.</summary>
    Sysfs,
}

/// <summary>
/// The device list `hss host --usb` scans: libusb's enumeration first, so the same tool works where libusb does
/// (Linux, macOS, Windows with WinUSB), and on Linux sysfs as a fallback. libusb keeps its Linux list up to date
/// from udev events; where udevd does not run (a container, the test guest) a device that arrives after start
/// is missing from it, and sysfs, read afresh each scan, still shows it.
/// </summary>
public static class UsbDeviceDiscovery
{
    /// <summary>
    /// libusb's devices, plus each sysfs device libusb did not list (same bus and address); a libusb device without
    /// a product string (libusb reads strings only from an opened device) takes the one sysfs read. Sorted by name.
    /// </summary>
    public static IReadOnlyList<UsbDeviceCandidate> Combine(IReadOnlyList<UsbDeviceCandidate> fromLibUsb, IReadOnlyList<UsbDeviceCandidate> fromSysfs)
    {
        var sysfsByKey = new Dictionary<string, UsbDeviceCandidate>();
        foreach (UsbDeviceCandidate device in fromSysfs)
        {
            sysfsByKey[device.Key] = device;
        }

        var combined = new List<UsbDeviceCandidate>();
        var listed = new HashSet<string>();
        foreach (UsbDeviceCandidate device in fromLibUsb)
        {
            if (!listed.Add(device.Key))
            {
                continue;
            }

            bool inSysfs = sysfsByKey.TryGetValue(device.Key, out UsbDeviceCandidate? twin);
            combined.Add(device.Product == null && inSysfs ? device with { Product = twin!.Product } : device);
        }

        foreach (UsbDeviceCandidate device in fromSysfs)
        {
            if (listed.Add(device.Key))
            {
                combined.Add(device with { Source = UsbDeviceSource.Sysfs });
            }
        }

        combined.Sort((a, b) => string.CompareOrdinal(a.SysName, b.SysName));
        return combined;
    }
}
