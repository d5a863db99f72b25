namespace HssDevice.Host.Usb.Parsing;

/// <summary>The Microsoft OS 2.0 descriptor set (MS OS 2.0 spec section 9).</summary>
public static partial class UsbDescriptorParser
{
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
}
