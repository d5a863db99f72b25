using System.Text;

namespace HssDevice.Host.Usb.Parsing;

/// <summary>
/// Parses USB descriptors as a host receives them, trusting nothing: every bLength, bDescriptorType, count and total
/// is checked against the spec's minimum and the bytes present. Written from the specs (USB 2.0 chapter 9, IAD ECN,
/// USB 3.2 section 9.6.2, MS OS 2.0 spec), independently of the device's builder, so each checks the other.
/// Malformed input raises <see cref="DescriptorFormatException"/> and nothing else.
/// </summary>
public static class UsbDescriptorParser
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

    /// <summary>
    /// A whole configuration (type 2) or other-speed configuration (type 7) as returned for wLength = wTotalLength:
    /// walks every descriptor, checks each length against its type's minimum, the total, and the interface and
    /// endpoint counts.
    /// </summary>
    public static ConfigurationInfo ParseConfiguration(byte[] data)
    {
        var r = new ByteReader(data, "configuration");
        if (r.Length < 2)
        {
            throw r.Fail(DescriptorProblem.Truncated, 0, $"{r.Length} bytes, a configuration descriptor has 9");
        }

        var type = r.U8(1);
        if (type != ConfigurationType && type != OtherSpeedConfigurationType)
        {
            throw r.Fail(DescriptorProblem.WrongType, 1, $"bDescriptorType is {type}, expected 2 (configuration) or 7 (other speed)");
        }

        CheckHeader(r, 9, type, exact: false);
        var total = r.U16(2);
        if (total != r.Length)
        {
            throw r.Fail(total > r.Length ? DescriptorProblem.Truncated : DescriptorProblem.TotalMismatch, 2, $"wTotalLength is {total} but {r.Length} bytes were given");
        }

        var attributes = r.U8(7);
        if ((attributes & 0x80) == 0)
        {
            throw r.Fail(DescriptorProblem.BadValue, 7, $"bmAttributes 0x{attributes:x2} has bit 7 clear (it is reserved and must be set)");
        }

        var interfaces = new List<InterfaceInfo>();
        var associations = new List<InterfaceAssociationInfo>();
        var other = new List<RawDescriptor>();
        var usedAddresses = new List<(int Interface, int Alternate, int Address)>();
        PendingInterface? current = null;

        int offset = r.U8(0);
        while (offset < total)
        {
            if (total - offset < 2)
            {
                throw r.Fail(DescriptorProblem.Truncated, offset, $"{total - offset} byte left, too few for a descriptor header");
            }

            int length = r.U8(offset);
            byte descriptorType = r.U8(offset + 1);
            if (length == 0)
            {
                throw r.Fail(DescriptorProblem.ZeroLength, offset, "descriptor has bLength 0");
            }

            if (length < 2)
            {
                throw r.Fail(DescriptorProblem.BadLength, offset, $"descriptor has bLength {length}, less than its own header");
            }

            if (offset + length > total)
            {
                throw r.Fail(DescriptorProblem.Overrun, offset, $"descriptor of type {descriptorType} with bLength {length} runs past wTotalLength {total}");
            }

            switch (descriptorType)
            {
                case InterfaceType:
                    RequireLength(r, offset, length, 9, "interface");
                    if (current != null)
                    {
                        interfaces.Add(current.Finish(r));
                    }

                    current = new PendingInterface(offset, r.U8(offset + 2), r.U8(offset + 3), r.U8(offset + 4), r.U8(offset + 5), r.U8(offset + 6), r.U8(offset + 7), r.U8(offset + 8));
                    break;

                case EndpointType:
                    RequireLength(r, offset, length, 7, "endpoint");
                    if (current == null)
                    {
                        throw r.Fail(DescriptorProblem.OrphanEndpoint, offset, "endpoint descriptor before any interface descriptor");
                    }

                    var endpoint = new EndpointInfo(offset, r.U8(offset + 2), r.U8(offset + 3), r.U16(offset + 4), r.U8(offset + 6));
                    CheckEndpoint(r, endpoint);
                    // Settings that are active together must not share an address: the same setting twice, or the
                    // default settings (alternate 0) of two interfaces. Other alternate settings may reuse one.
                    foreach (var used in usedAddresses)
                    {
                        bool together = (used.Interface == current.Number && used.Alternate == current.AlternateSetting)
                            || (used.Interface != current.Number && used.Alternate == 0 && current.AlternateSetting == 0);
                        if (used.Address == endpoint.Address && together)
                        {
                            throw r.Fail(DescriptorProblem.DuplicateEndpoint, offset, $"endpoint address 0x{endpoint.Address:x2} is already used by interface {used.Interface}");
                        }
                    }

                    usedAddresses.Add((current.Number, current.AlternateSetting, endpoint.Address));
                    current.Endpoints.Add(endpoint);
                    break;

                case InterfaceAssociationType:
                    RequireLength(r, offset, length, 8, "interface association");
                    if (r.U8(offset + 3) == 0)
                    {
                        throw r.Fail(DescriptorProblem.BadValue, offset + 3, "interface association with bInterfaceCount 0");
                    }

                    associations.Add(new InterfaceAssociationInfo(offset, r.U8(offset + 2), r.U8(offset + 3), r.U8(offset + 4), r.U8(offset + 5), r.U8(offset + 6), r.U8(offset + 7)));
                    break;

                case DeviceType:
                case ConfigurationType:
                case StringType:
                case DeviceQualifierType:
                case OtherSpeedConfigurationType:
                case BosType:
                    throw r.Fail(DescriptorProblem.WrongType, offset + 1, $"descriptor type {descriptorType} cannot appear inside a configuration");

                default:
                    // Class-specific (CDC functional descriptors etc.) or unknown: kept as bytes.
                    var raw = new RawDescriptor(offset, descriptorType, r.Slice(offset, length));
                    if (current != null)
                    {
                        current.ClassSpecific.Add(raw);
                    }
                    else
                    {
                        other.Add(raw);
                    }

                    break;
            }

            offset += length;
        }

        if (current != null)
        {
            interfaces.Add(current.Finish(r));
        }

        var numInterfaces = r.U8(4);
        var distinct = interfaces.Select(i => i.Number).Distinct().Count();
        if (distinct != numInterfaces)
        {
            throw r.Fail(DescriptorProblem.CountMismatch, 4, $"bNumInterfaces is {numInterfaces} but {distinct} interfaces follow");
        }

        foreach (var association in associations)
        {
            for (int n = association.FirstInterface; n < association.FirstInterface + association.InterfaceCount; n++)
            {
                if (!interfaces.Any(i => i.Number == n))
                {
                    throw r.Fail(DescriptorProblem.BadValue, association.Offset, $"interface association names interface {n}, which is not in the configuration");
                }
            }
        }

        return new ConfigurationInfo(type, total, numInterfaces, r.U8(5), r.U8(6), attributes, r.U8(8), interfaces, associations, other);
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

    /// <summary>BOS descriptor and its device capabilities (USB 3.2 section 9.6.2).</summary>
    public static BosInfo ParseBos(byte[] data)
    {
        var r = new ByteReader(data, "BOS");
        CheckHeader(r, 5, BosType, exact: false);
        var total = r.U16(2);
        if (total != r.Length)
        {
            throw r.Fail(total > r.Length ? DescriptorProblem.Truncated : DescriptorProblem.TotalMismatch, 2, $"wTotalLength is {total} but {r.Length} bytes were given");
        }

        var capabilities = new List<DeviceCapabilityInfo>();
        int offset = r.U8(0);
        while (offset < total)
        {
            if (total - offset < 3)
            {
                throw r.Fail(DescriptorProblem.Truncated, offset, $"{total - offset} bytes left, too few for a capability header");
            }

            int length = r.U8(offset);
            if (length == 0)
            {
                throw r.Fail(DescriptorProblem.ZeroLength, offset, "capability has bLength 0");
            }

            if (length < 3)
            {
                throw r.Fail(DescriptorProblem.BadLength, offset, $"capability has bLength {length}, less than its header");
            }

            if (offset + length > total)
            {
                throw r.Fail(DescriptorProblem.Overrun, offset, $"capability with bLength {length} runs past wTotalLength {total}");
            }

            if (r.U8(offset + 1) != DeviceCapabilityType)
            {
                throw r.Fail(DescriptorProblem.WrongType, offset + 1, $"bDescriptorType is {r.U8(offset + 1)}, expected 16 (device capability)");
            }

            var capabilityType = r.U8(offset + 2);
            Guid? uuid = null;
            MsOs20PlatformInfo? msOs = null;
            if (capabilityType == 0x05)
            {
                // Platform: bReserved, 16-byte UUID, then platform-specific data.
                RequireLength(r, offset, length, 20, "platform capability");
                uuid = new Guid(r.Slice(offset + 4, 16));
                if (uuid == MsOs20PlatformUuid)
                {
                    // MS OS 2.0 spec table 4 and 5: one descriptor set information block of 8 bytes.
                    if (length != 28)
                    {
                        throw r.Fail(DescriptorProblem.BadLength, offset, $"MS OS 2.0 platform capability has bLength {length}, must be 28");
                    }

                    msOs = new MsOs20PlatformInfo(r.U32(offset + 20), r.U16(offset + 24), r.U8(offset + 26), r.U8(offset + 27));
                }
            }

            capabilities.Add(new DeviceCapabilityInfo(offset, capabilityType, r.Slice(offset, length), uuid, msOs));
            offset += length;
        }

        if (capabilities.Count != r.U8(4))
        {
            throw r.Fail(DescriptorProblem.CountMismatch, 4, $"bNumDeviceCaps is {r.U8(4)} but {capabilities.Count} capabilities follow");
        }

        return new BosInfo(total, capabilities);
    }

    /// <summary>
    /// An MS OS 2.0 descriptor set (MS OS 2.0 spec section 9): set header, optional configuration and function
    /// subsets, features. Checks every wLength and subset length, and decodes the compatible ID and
    /// DeviceInterfaceGUIDs.
    /// </summary>
    public static MsOs20SetInfo ParseMsOs20Set(byte[] data)
    {
        var r = new ByteReader(data, "MS OS 2.0 set");
        if (r.Length < 10)
        {
            throw r.Fail(DescriptorProblem.Truncated, 0, $"{r.Length} bytes, the set header has 10");
        }

        if (r.U16(0) != 10)
        {
            throw r.Fail(DescriptorProblem.BadLength, 0, $"set header wLength is {r.U16(0)}, must be 10");
        }

        if (r.U16(2) != 0x00)
        {
            throw r.Fail(DescriptorProblem.WrongType, 2, $"wDescriptorType is {r.U16(2)}, expected 0 (set header)");
        }

        var total = r.U16(8);
        if (total != r.Length)
        {
            throw r.Fail(total > r.Length ? DescriptorProblem.Truncated : DescriptorProblem.TotalMismatch, 8, $"wTotalLength is {total} but {r.Length} bytes were given");
        }

        var features = new List<MsOs20Feature>();
        string? compatibleId = null;
        int? compatibleFunction = null;
        var guids = new List<string>();
        int? configuration = null;
        int configurationEnd = total;
        int? function = null;
        int functionEnd = total;

        int offset = 10;
        while (offset < total)
        {
            if (offset >= functionEnd)
            {
                function = null;
            }

            if (offset >= configurationEnd)
            {
                configuration = null;
                configurationEnd = total;
            }

            if (total - offset < 4)
            {
                throw r.Fail(DescriptorProblem.Truncated, offset, $"{total - offset} bytes left, too few for a descriptor header");
            }

            int length = r.U16(offset);
            ushort type = r.U16(offset + 2);
            if (length == 0)
            {
                throw r.Fail(DescriptorProblem.ZeroLength, offset, "descriptor has wLength 0");
            }

            if (length < 4)
            {
                throw r.Fail(DescriptorProblem.BadLength, offset, $"descriptor has wLength {length}, less than its header");
            }

            if (offset + length > total)
            {
                throw r.Fail(DescriptorProblem.Overrun, offset, $"descriptor of type {type} with wLength {length} runs past wTotalLength {total}");
            }

            switch (type)
            {
                case 0x01:
                    RequireExactLength(r, offset, length, 8, "configuration subset header");
                    if (configuration != null || function != null)
                    {
                        throw r.Fail(DescriptorProblem.WrongType, offset, "configuration subset inside another subset");
                    }

                    configuration = r.U8(offset + 4);
                    configurationEnd = offset + CheckSubsetLength(r, offset, total, configurationEnd, "configuration subset");
                    break;

                case 0x02:
                    RequireExactLength(r, offset, length, 8, "function subset header");
                    if (configuration == null)
                    {
                        throw r.Fail(DescriptorProblem.WrongType, offset, "function subset outside a configuration subset");
                    }

                    if (function != null)
                    {
                        throw r.Fail(DescriptorProblem.WrongType, offset, "function subset inside another function subset");
                    }

                    function = r.U8(offset + 4);
                    functionEnd = offset + CheckSubsetLength(r, offset, total, configurationEnd, "function subset");
                    break;

                case 0x03:
                    RequireExactLength(r, offset, length, 20, "compatible ID");
                    compatibleId = Ascii(r.Slice(offset + 4, 8));
                    compatibleFunction = function;
                    features.Add(new MsOs20Feature(offset, type, configuration, function, r.Slice(offset, length)));
                    break;

                case 0x04:
                    guids.AddRange(ParseRegistryProperty(r, offset, length));
                    features.Add(new MsOs20Feature(offset, type, configuration, function, r.Slice(offset, length)));
                    break;

                case 0x00:
                    throw r.Fail(DescriptorProblem.WrongType, offset + 2, "a second set header inside the set");

                default:
                    // Other features (minimum resume time, model ID, CCGP device, vendor revision): kept as bytes.
                    features.Add(new MsOs20Feature(offset, type, configuration, function, r.Slice(offset, length)));
                    break;
            }

            offset += length;
        }

        return new MsOs20SetInfo(r.U32(4), total, features, compatibleId, compatibleFunction, guids);
    }

    private static int CheckSubsetLength(ByteReader r, int offset, int total, int enclosingEnd, string what)
    {
        int subsetLength = r.U16(offset + 6);
        if (subsetLength < 8 || offset + subsetLength > Math.Min(total, enclosingEnd))
        {
            throw r.Fail(DescriptorProblem.Overrun, offset + 6, $"{what} length {subsetLength} does not fit in the set");
        }

        return subsetLength;
    }

    /// <summary>Registry property (MS OS 2.0 spec table 14); returns the GUIDs when it is DeviceInterfaceGUID(s).</summary>
    private static IEnumerable<string> ParseRegistryProperty(ByteReader r, int offset, int length)
    {
        RequireLength(r, offset, length, 10, "registry property");
        var dataType = r.U16(offset + 4);
        var nameLength = r.U16(offset + 6);
        if (nameLength < 2 || nameLength % 2 != 0 || 8 + nameLength + 2 > length)
        {
            throw r.Fail(DescriptorProblem.BadLength, offset + 6, $"wPropertyNameLength {nameLength} does not fit in wLength {length}");
        }

        var dataLength = r.U16(offset + 8 + nameLength);
        if (10 + nameLength + dataLength != length)
        {
            throw r.Fail(DescriptorProblem.BadLength, offset + 8 + nameLength, $"name length {nameLength} and data length {dataLength} do not add up to wLength {length}");
        }

        var name = Utf16Terminated(r, offset + 8, nameLength, "property name");
        if (name != "DeviceInterfaceGUIDs" && name != "DeviceInterfaceGUID")
        {
            return Array.Empty<string>();
        }

        var dataOffset = offset + 10 + nameLength;
        if (dataType == 7)
        {
            // REG_MULTI_SZ: NUL-terminated strings, ended by an empty one.
            if (dataLength < 4 || dataLength % 2 != 0 || r.U16(dataOffset + dataLength - 2) != 0 || r.U16(dataOffset + dataLength - 4) != 0)
            {
                throw r.Fail(DescriptorProblem.BadValue, dataOffset, "REG_MULTI_SZ data is not ended by two NUL characters");
            }

            var text = Utf16(r, dataOffset, dataLength - 4, "property data");
            return text.Split('\0');
        }

        if (dataType == 1)
        {
            return new[] { Utf16Terminated(r, dataOffset, dataLength, "property data") };
        }

        throw r.Fail(DescriptorProblem.BadValue, offset + 4, $"{name} has wPropertyDataType {dataType}, expected 7 (REG_MULTI_SZ) or 1 (REG_SZ)");
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

    private static void CheckEndpoint(ByteReader r, EndpointInfo endpoint)
    {
        if (endpoint.Number == 0)
        {
            throw r.Fail(DescriptorProblem.BadValue, endpoint.Offset + 2, "endpoint 0 cannot be described by an endpoint descriptor");
        }

        if ((endpoint.Address & 0x70) != 0)
        {
            throw r.Fail(DescriptorProblem.BadValue, endpoint.Offset + 2, $"bEndpointAddress 0x{endpoint.Address:x2} has reserved bits 6..4 set");
        }

        if (endpoint.Transfer == EndpointTransfer.Control)
        {
            throw r.Fail(DescriptorProblem.BadValue, endpoint.Offset + 3, "control endpoints other than 0 are not allowed here");
        }

        if (endpoint.PacketBytes == 0)
        {
            throw r.Fail(DescriptorProblem.BadValue, endpoint.Offset + 4, "wMaxPacketSize is 0");
        }
    }

    /// <summary>Collects an interface's endpoints until the next interface, then checks bNumEndpoints.</summary>
    private sealed class PendingInterface
    {
        private readonly int _offset;
        private readonly byte _numEndpoints;
        private readonly byte _class;
        private readonly byte _subClass;
        private readonly byte _protocol;
        private readonly byte _string;

        public PendingInterface(int offset, byte number, byte alternate, byte numEndpoints, byte interfaceClass, byte subClass, byte protocol, byte stringIndex)
        {
            _offset = offset;
            Number = number;
            AlternateSetting = alternate;
            _numEndpoints = numEndpoints;
            _class = interfaceClass;
            _subClass = subClass;
            _protocol = protocol;
            _string = stringIndex;
        }

        public byte Number { get; }

        public byte AlternateSetting { get; }

        public List<EndpointInfo> Endpoints { get; } = new();

        public List<RawDescriptor> ClassSpecific { get; } = new();

        public InterfaceInfo Finish(ByteReader r)
        {
            if (Endpoints.Count != _numEndpoints)
            {
                throw r.Fail(DescriptorProblem.CountMismatch, _offset + 4, $"interface {Number} has bNumEndpoints {_numEndpoints} but {Endpoints.Count} endpoints follow");
            }

            return new InterfaceInfo(_offset, Number, AlternateSetting, _numEndpoints, _class, _subClass, _protocol, _string, Endpoints, ClassSpecific);
        }
    }
}
