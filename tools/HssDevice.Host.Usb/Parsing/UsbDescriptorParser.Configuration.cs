namespace HssDevice.Host.Usb.Parsing;

/// <summary>Configuration and other-speed configuration descriptors (USB 2.0 sections 9.6.3 to 9.6.6, IAD ECN).</summary>
public static partial class UsbDescriptorParser
{
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
