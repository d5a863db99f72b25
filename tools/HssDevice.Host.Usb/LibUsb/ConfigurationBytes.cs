namespace HssDevice.Host.Usb.LibUsb;

/// <summary>
/// One descriptor as libusb hands it out parsed: its own fields (<see cref="Header"/>, the bytes as on the wire),
/// the unparsed descriptors that followed it (<see cref="Extra"/>: class-specific ones, IADs, ...) and the
/// descriptors libusb hung below it (a configuration's interface alternate settings, an alternate setting's endpoints).
/// </summary>
public sealed record DescriptorNode(byte[] Header, byte[] Extra, IReadOnlyList<DescriptorNode> Children)
{
    public static DescriptorNode Leaf(byte[] header, byte[] extra) => new(header, extra, Array.Empty<DescriptorNode>());
}

/// <summary>
/// Puts a configuration descriptor back into the bytes a device sends, from libusb's parsed form: libusb keeps no
/// raw copy that it hands out without opening the device, and the host's matcher (HssUsbDeviceMatcher) reads the
/// raw bytes. Each descriptor is followed by its extra bytes, then its children, which is the order libusb parsed
/// them in (an extra descriptor belongs to the descriptor before it); wTotalLength is what was written.
/// </summary>
public static class ConfigurationBytes
{
    public const int ConfigurationHeaderLength = 9;

    /// <summary>The most a configuration can hold (wTotalLength is 16 bits): more is refused, not cut.</summary>
    public const int MaxTotalLength = ushort.MaxValue;

    public static byte[] Write(DescriptorNode configuration)
    {
        if (configuration.Header.Length != ConfigurationHeaderLength)
        {
            throw new ArgumentException($"a configuration descriptor has {ConfigurationHeaderLength} bytes, not {configuration.Header.Length}");
        }

        var bytes = new List<byte>();
        Append(configuration, bytes);
        if (bytes.Count > MaxTotalLength)
        {
            throw new ArgumentException($"configuration of {bytes.Count} bytes is longer than wTotalLength can say ({MaxTotalLength})");
        }

        byte[] result = bytes.ToArray();
        result[2] = (byte)result.Length;
        result[3] = (byte)(result.Length >> 8);
        return result;
    }

    private static void Append(DescriptorNode node, List<byte> bytes)
    {
        bytes.AddRange(node.Header);
        bytes.AddRange(node.Extra);
        foreach (DescriptorNode child in node.Children)
        {
            Append(child, bytes);
        }
    }
}
