using System.Text;

namespace HssDevice.Host.Usb.Parsing;

/// <summary>
/// Parses USB descriptors as a host receives them, trusting nothing: every bLength, bDescriptorType, count and total
/// is checked against the spec's minimum and the bytes present. Written from the specs (USB 2.0 chapter 9, IAD ECN,
/// USB 3.2 section 9.6.2, MS OS 2.0 spec), independently of the device's builder, so each checks the other.
/// Malformed input raises <see cref="DescriptorFormatException"/> and nothing else.
/// </summary>
public static partial class UsbDescriptorParser
{
    // Descriptor types (USB 2.0 table 9-5, IAD ECN, USB 3.2 table 9-6).
    public const byte DeviceType = 0x01;
    public const byte ConfigurationType = 0x02;
    public const byte StringType = 0x03;
    public const byte InterfaceType = 0x04;
    public const byte EndpointType = 0x05;
    public const byte DeviceQualifierType = 0x06;
    public const byte OtherSpeedConfigurationType = 0x07;
    public const byte InterfaceAssociationType = 0x0B;
    public const byte BosType = 0x0F;
    public const byte DeviceCapabilityType = 0x10;

    /// <summary>MS OS 2.0 platform capability UUID.</summary>
    public static readonly Guid MsOs20PlatformUuid = new("D8DD60DF-4589-4CC7-9CD2-659D9E648A9F");

    /// <summary>Device descriptor: exactly 18 bytes given, bLength 18, type 1 (USB 2.0 section 9.6.1).</summary>
    public static DeviceDescriptorInfo ParseDevice(byte[] data)
    {
        var r = new ByteReader(data, "device descriptor");
        CheckHeader(r, 18, DeviceType, exact: true);
        var ep0 = r.U8(7);
        if (ep0 != 8 && ep0 != 16 && ep0 != 32 && ep0 != 64)
        {
            throw r.Fail(DescriptorProblem.BadValue, 7, $"bMaxPacketSize0 is {ep0}, must be 8, 16, 32 or 64");
        }

        var info = new DeviceDescriptorInfo(r.U16(2), r.U8(4), r.U8(5), r.U8(6), ep0, r.U16(8), r.U16(10), r.U16(12), r.U8(14), r.U8(15), r.U8(16), r.U8(17));
        if (info.NumConfigurations == 0)
        {
            throw r.Fail(DescriptorProblem.BadValue, 17, "bNumConfigurations is 0");
        }

        return info;
    }

    /// <summary>Device qualifier: exactly 10 bytes, type 6 (USB 2.0 section 9.6.2).</summary>
    public static DeviceQualifierInfo ParseDeviceQualifier(byte[] data)
    {
        var r = new ByteReader(data, "device qualifier");
        CheckHeader(r, 10, DeviceQualifierType, exact: true);
        var ep0 = r.U8(7);
        if (ep0 != 8 && ep0 != 16 && ep0 != 32 && ep0 != 64)
        {
            throw r.Fail(DescriptorProblem.BadValue, 7, $"bMaxPacketSize0 is {ep0}, must be 8, 16, 32 or 64");
        }

        return new DeviceQualifierInfo(r.U16(2), r.U8(4), r.U8(5), r.U8(6), ep0, r.U8(8));
    }

    /// <summary>String descriptor 0: the language ID list (USB 2.0 section 9.6.7, table 9-15).</summary>
    public static IReadOnlyList<ushort> ParseLanguageIds(byte[] data)
    {
        var r = new ByteReader(data, "string descriptor 0");
        CheckStringHeader(r);
        if (r.Length < 4)
        {
            throw r.Fail(DescriptorProblem.BadLength, 0, "language ID list is empty");
        }

        var ids = new List<ushort>();
        for (int offset = 2; offset < r.Length; offset += 2)
        {
            ids.Add(r.U16(offset));
        }

        return ids;
    }

    /// <summary>A string descriptor other than 0: UTF-16LE text, no terminator (USB 2.0 section 9.6.7, table 9-16).</summary>
    public static string ParseString(byte[] data)
    {
        var r = new ByteReader(data, "string descriptor");
        CheckStringHeader(r);
        return Utf16(r, 2, r.Length - 2, "text");
    }

    private static string Utf16Terminated(ByteReader r, int offset, int length, string what)
    {
        if (length < 2 || length % 2 != 0 || r.U16(offset + length - 2) != 0)
        {
            throw r.Fail(DescriptorProblem.BadValue, offset, $"{what} is not a NUL-terminated UTF-16 string");
        }

        return Utf16(r, offset, length - 2, what);
    }

    private static string Utf16(ByteReader r, int offset, int length, string what)
    {
        try
        {
            return new UnicodeEncoding(false, false, true).GetString(r.Slice(offset, length));
        }
        catch (DecoderFallbackException)
        {
            throw r.Fail(DescriptorProblem.BadValue, offset, $"{what} is not valid UTF-16LE");
        }
    }

    private static string Ascii(byte[] bytes)
    {
        int end = Array.IndexOf(bytes, (byte)0);
        return Encoding.ASCII.GetString(bytes, 0, end < 0 ? bytes.Length : end);
    }

    private static void CheckHeader(ByteReader r, int size, byte type, bool exact)
    {
        if (r.Length < 2)
        {
            throw r.Fail(DescriptorProblem.Truncated, 0, $"{r.Length} bytes, the descriptor has {size}");
        }

        if (r.U8(1) != type)
        {
            throw r.Fail(DescriptorProblem.WrongType, 1, $"bDescriptorType is {r.U8(1)}, expected {type}");
        }

        int length = r.U8(0);
        if (length == 0)
        {
            throw r.Fail(DescriptorProblem.ZeroLength, 0, "bLength is 0");
        }

        if (length != size)
        {
            throw r.Fail(DescriptorProblem.BadLength, 0, $"bLength is {length}, must be {size}");
        }

        if (r.Length < size)
        {
            throw r.Fail(DescriptorProblem.Truncated, r.Length, $"{r.Length} bytes, the descriptor has {size}");
        }

        if (exact && r.Length != size)
        {
            throw r.Fail(DescriptorProblem.TotalMismatch, size, $"{r.Length} bytes given for a {size}-byte descriptor");
        }
    }

    private static void CheckStringHeader(ByteReader r)
    {
        if (r.Length < 2)
        {
            throw r.Fail(DescriptorProblem.Truncated, 0, $"{r.Length} bytes, a string descriptor has at least 2");
        }

        if (r.U8(1) != StringType)
        {
            throw r.Fail(DescriptorProblem.WrongType, 1, $"bDescriptorType is {r.U8(1)}, expected 3 (string)");
        }

        int length = r.U8(0);
        if (length == 0)
        {
            throw r.Fail(DescriptorProblem.ZeroLength, 0, "bLength is 0");
        }

        if (length != r.Length)
        {
            throw r.Fail(length > r.Length ? DescriptorProblem.Truncated : DescriptorProblem.TotalMismatch, 0, $"bLength is {length} but {r.Length} bytes were given");
        }

        if (length % 2 != 0)
        {
            throw r.Fail(DescriptorProblem.BadLength, 0, $"bLength {length} is odd: UTF-16 text has whole code units");
        }
    }

    private static void RequireLength(ByteReader r, int offset, int length, int minimum, string what)
    {
        // USB 2.0 section 9.5: shorter than defined is invalid; longer is allowed and the rest ignored.
        if (length < minimum)
        {
            throw r.Fail(DescriptorProblem.BadLength, offset, $"{what} descriptor has bLength {length}, must be at least {minimum}");
        }
    }

    private static void RequireExactLength(ByteReader r, int offset, int length, int size, string what)
    {
        if (length != size)
        {
            throw r.Fail(DescriptorProblem.BadLength, offset, $"{what} has wLength {length}, must be {size}");
        }
    }

}
