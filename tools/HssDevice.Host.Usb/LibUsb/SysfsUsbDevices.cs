using System.Globalization;

namespace HssDevice.Host.Usb.LibUsb;

/// <summary>
/// Lists USB devices from sysfs (/sys/bus/usb/devices): each device's raw descriptors are readable there by any
/// user, so devices are matched before any is opened. Read afresh on every scan: libusb's own list is kept up to
/// date by udev events, which a machine without udevd (a container, the test guest) never receives.
/// </summary>
public static class SysfsUsbDevices
{
    public const string DefaultRoot = "/sys/bus/usb/devices";

    /// <summary>Every USB device (no interfaces, no root hubs) under <paramref name="root"/>; unreadable entries are skipped.</summary>
    public static IReadOnlyList<UsbDeviceCandidate> Scan(string root = DefaultRoot)
    {
        var devices = new List<UsbDeviceCandidate>();
        if (!Directory.Exists(root))
        {
            return devices;
        }

        foreach (string path in Directory.EnumerateDirectories(root))
        {
            string name = Path.GetFileName(path);
            // Interfaces are "1-1:1.0"; root hubs are "usb1".
            if (name.Contains(':') || name.StartsWith("usb", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                int bus = ReadNumber(Path.Combine(path, "busnum"));
                int address = ReadNumber(Path.Combine(path, "devnum"));
                byte[] descriptors = File.ReadAllBytes(Path.Combine(path, "descriptors"));
                devices.Add(new UsbDeviceCandidate(name, bus, address, descriptors));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // The device left while it was read, or is not a device directory: the next scan sees the truth.
            }
        }

        devices.Sort((a, b) => string.CompareOrdinal(a.SysName, b.SysName));
        return devices;
    }

    private static int ReadNumber(string file) => int.Parse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
}
