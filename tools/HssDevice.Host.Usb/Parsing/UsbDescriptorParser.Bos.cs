namespace HssDevice.Host.Usb.Parsing;

/// <summary>The BOS descriptor and its device capabilities (USB 3.2 section 9.6.2).</summary>
public static partial class UsbDescriptorParser
{
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
}
