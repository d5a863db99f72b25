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
                byte[] descriptors = ReadAttribute(Path.Combine(path, "descriptors"));
                devices.Add(new UsbDeviceCandidate(name, bus, address, descriptors) { Product = ReadOptionalText(Path.Combine(path, "product")) });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // The device left while it was read, or is not a device directory: the next scan sees the truth.
            }
        }

        devices.Sort((a, b) => string.CompareOrdinal(a.SysName, b.SysName));
        return devices;
    }

    /// <summary>The most a device's descriptors can take: its device descriptor and 255 configurations of 64 KiB.</summary>
    private const int MaxDescriptorBytes = 18 + 255 * 65535;

    /// <summary>
    /// Reads a sysfs binary attribute to its end. Not File.ReadAllBytes: sysfs reports a size that is not the
    /// content's ("descriptors" claims more than it holds), and ReadAllBytes then fails at the early end of file.
    /// </summary>
    private static byte[] ReadAttribute(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        var content = new MemoryStream();
        byte[] chunk = new byte[4096];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            content.Write(chunk, 0, n);
            if (content.Length > MaxDescriptorBytes)
            {
                throw new IOException(file + " holds more than any device's descriptors can");
            }
        }

        return content.ToArray();
    }

    /// <summary>A string attribute the kernel writes only when the device has the string ("product"); null otherwise.</summary>
    private static string? ReadOptionalText(string file)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        string text = File.ReadAllText(file);
        return text.EndsWith('\n') ? text[..^1] : text;
    }

    private static int ReadNumber(string file) => int.Parse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
}
