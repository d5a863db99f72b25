using System.Globalization;

namespace HssDevice.Host.Usb.LibUsb;

/// <summary>`--device VID:PID` (hex, as lsusb prints them); absent, any VID and PID with an HSS interface is taken.</summary>
public sealed record UsbDeviceFilter(ushort VendorId, ushort ProductId)
{
    /// <summary>Parses "1209:0001" (an optional 0x on each part); FormatException with the reason otherwise.</summary>
    public static UsbDeviceFilter Parse(string text)
    {
        string[] parts = (text ?? "").Split(':');
        if (parts.Length != 2 || !TryHex(parts[0], out ushort vid) || !TryHex(parts[1], out ushort pid))
        {
            throw new FormatException($"'{text}' is not VID:PID (two hex numbers up to ffff, as lsusb prints them, e.g. 1209:0001)");
        }

        return new UsbDeviceFilter(vid, pid);
    }

    public bool Matches(ushort vendorId, ushort productId) => vendorId == VendorId && productId == ProductId;

    public override string ToString() => $"{VendorId:x4}:{ProductId:x4}";

    private static bool TryHex(string part, out ushort value)
    {
        part = part.Trim();
        if (part.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            part = part.Substring(2);
        }

        value = 0;
        return part.Length is > 0 and <= 4 && ushort.TryParse(part, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }
}
