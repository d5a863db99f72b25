using HssDevice.Host.Usb.Parsing;
using HssDevice.Host.Usb.UsbStream;

namespace HssDevice.Host.Usb.LibUsb;

/// <summary>
/// A USB device as libusb or the kernel (sysfs) lists it: where it sits (bus, address, a name like "1-1.2": bus, then
/// the port path) and its raw descriptors (device descriptor, then every configuration, as the device sent them).
/// </summary>
public sealed record UsbDeviceCandidate(string SysName, int Bus, int Address, byte[] Descriptors)
{
    /// <summary>The usbfs node libusb opens: /dev/bus/usb/BBB/DDD.</summary>
    public string DevicePath => $"/dev/bus/usb/{Bus:d3}/{Address:d3}";

    /// <summary>Bus and address: a re-enumerated device gets a new address, so a new key.</summary>
    public string Key => $"{Bus}-{Address}";

    public ushort VendorId => Descriptors.Length >= 12 ? (ushort)(Descriptors[8] | (Descriptors[9] << 8)) : (ushort)0;

    public ushort ProductId => Descriptors.Length >= 12 ? (ushort)(Descriptors[10] | (Descriptors[11] << 8)) : (ushort)0;

    /// <summary>The product string the kernel read (sysfs "product"), or libusb from the opened device, or null when neither has one.</summary>
    public string? Product { get; init; }

    /// <summary>Which enumeration listed the device (UsbDeviceDiscovery).</summary>
    public UsbDeviceSource Source { get; init; } = UsbDeviceSource.Sysfs;

    public override string ToString() => $"{SysName} ({VendorId:x4}:{ProductId:x4}, {DevicePath})";
}

/// <summary>Where HSS is in a device (the project's interface, or stock firmware's UsbStream), or why it is not there.</summary>
public sealed record UsbDeviceMatch(UsbDeviceCandidate Device, HssInterfaceMatch? Interface, byte ConfigurationValue, string? WhyNot)
{
    /// <summary>Stock firmware's UsbStream (single-pipe profile), when that is where HSS is.</summary>
    public UsbStreamInterfaceMatch? Stream { get; init; }

    public bool IsHss => Interface != null || Stream != null;

    /// <summary>The interfaces a host claims.</summary>
    public IReadOnlyList<byte> InterfacesToClaim => Stream != null ? new[] { Stream.Interface } : Interface?.Interfaces ?? Array.Empty<byte>();
}

/// <summary>
/// Decides from descriptors alone (no device opened) whether a device is an HSS device: any VID and PID unless a
/// filter names one, and an HSS interface in either profile found by the project's own parser (docs/protocol.md section 12),
/// or, at a UsbStream board's VID:PID, stock firmware's UsbStream with that board's product string (UsbStreamFinder).
/// </summary>
public static class HssUsbDeviceMatcher
{
    private const int DeviceDescriptorLength = 18;
    private const byte ConfigurationType = 0x02;

    public static UsbDeviceMatch Match(UsbDeviceCandidate device, UsbDeviceFilter? filter)
    {
        byte[] bytes = device.Descriptors;
        if (bytes.Length < DeviceDescriptorLength || bytes[0] != DeviceDescriptorLength || bytes[1] != 0x01)
        {
            return new UsbDeviceMatch(device, null, 0, "no valid device descriptor");
        }

        if (filter != null && !filter.Matches(device.VendorId, device.ProductId))
        {
            return new UsbDeviceMatch(device, null, 0, $"not {filter}");
        }

        var reasons = new List<string>();
        int offset = DeviceDescriptorLength;
        while (offset + 4 <= bytes.Length)
        {
            int total = bytes[offset + 2] | (bytes[offset + 3] << 8);
            if (bytes[offset + 1] != ConfigurationType || total < 9 || offset + total > bytes.Length)
            {
                reasons.Add($"configuration at byte {offset} is cut short or malformed");
                break;
            }

            byte[] configuration = bytes.AsSpan(offset, total).ToArray();
            if (UsbStreamFinder.IsUsbStreamIdentity(device.VendorId, device.ProductId))
            {
                (UsbStreamInterfaceMatch? stream, string? whyNot) = UsbStreamFinder.Find(device.VendorId, device.ProductId, device.Product, configuration);
                if (stream != null)
                {
                    return new UsbDeviceMatch(device, null, configuration[5], null) { Stream = stream };
                }

                reasons.Add($"configuration {configuration[5]}: {whyNot}");
                offset += total;
                continue;
            }

            try
            {
                HssInterfaceMatch match = HssInterfaceFinder.Find(configuration);
                return new UsbDeviceMatch(device, match, configuration[5], null);
            }
            catch (DescriptorFormatException e)
            {
                reasons.Add($"configuration {configuration[5]}: {e.Message}");
            }

            offset += total;
        }

        return new UsbDeviceMatch(device, null, 0, reasons.Count == 0 ? "no configuration descriptor" : string.Join("; ", reasons));
    }
}
