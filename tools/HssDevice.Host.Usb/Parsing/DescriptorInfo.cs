namespace HssDevice.Host.Usb.Parsing;

/// <summary>Device descriptor fields (USB 2.0 section 9.6.1).</summary>
public sealed record DeviceDescriptorInfo(
    ushort UsbRelease,
    byte DeviceClass,
    byte DeviceSubClass,
    byte DeviceProtocol,
    byte MaxPacketSize0,
    ushort VendorId,
    ushort ProductId,
    ushort DeviceRelease,
    byte ManufacturerIndex,
    byte ProductIndex,
    byte SerialNumberIndex,
    byte NumConfigurations);

/// <summary>Device qualifier fields (USB 2.0 section 9.6.2).</summary>
public sealed record DeviceQualifierInfo(
    ushort UsbRelease,
    byte DeviceClass,
    byte DeviceSubClass,
    byte DeviceProtocol,
    byte MaxPacketSize0,
    byte NumConfigurations);

/// <summary>A descriptor kept as bytes (class-specific or unknown), with its offset in the configuration.</summary>
public sealed record RawDescriptor(int Offset, byte DescriptorType, byte[] Bytes);

public enum EndpointTransfer
{
    Control = 0,
    Isochronous = 1,
    Bulk = 2,
    Interrupt = 3,
}

/// <summary>Endpoint descriptor fields (USB 2.0 section 9.6.6).</summary>
public sealed record EndpointInfo(int Offset, byte Address, byte Attributes, ushort MaxPacketSize, byte Interval)
{
    public bool IsIn => (Address & 0x80) != 0;

    public int Number => Address & 0x0F;

    public EndpointTransfer Transfer => (EndpointTransfer)(Attributes & 0x03);

    /// <summary>Bits 10..0 of wMaxPacketSize.</summary>
    public int PacketBytes => MaxPacketSize & 0x07FF;

    /// <summary>Bits 12..11 of wMaxPacketSize plus one: transactions per microframe (high-speed periodic endpoints).</summary>
    public int TransactionsPerMicroframe => ((MaxPacketSize >> 11) & 0x03) + 1;
}

/// <summary>Interface descriptor fields (USB 2.0 section 9.6.5) with the descriptors that follow it.</summary>
public sealed record InterfaceInfo(
    int Offset,
    byte Number,
    byte AlternateSetting,
    byte NumEndpoints,
    byte InterfaceClass,
    byte InterfaceSubClass,
    byte InterfaceProtocol,
    byte StringIndex,
    IReadOnlyList<EndpointInfo> Endpoints,
    IReadOnlyList<RawDescriptor> ClassSpecific);

/// <summary>Interface Association Descriptor fields (IAD ECN).</summary>
public sealed record InterfaceAssociationInfo(
    int Offset,
    byte FirstInterface,
    byte InterfaceCount,
    byte FunctionClass,
    byte FunctionSubClass,
    byte FunctionProtocol,
    byte StringIndex);

/// <summary>A configuration (type 2) or other-speed configuration (type 7) and everything in it.</summary>
public sealed record ConfigurationInfo(
    byte DescriptorType,
    ushort TotalLength,
    byte NumInterfaces,
    byte ConfigurationValue,
    byte StringIndex,
    byte Attributes,
    byte MaxPower,
    IReadOnlyList<InterfaceInfo> Interfaces,
    IReadOnlyList<InterfaceAssociationInfo> Associations,
    IReadOnlyList<RawDescriptor> Other);

/// <summary>A device capability of the BOS descriptor; <see cref="MsOs20"/> is set for the MS OS 2.0 platform capability.</summary>
public sealed record DeviceCapabilityInfo(int Offset, byte CapabilityType, byte[] Bytes, Guid? PlatformUuid, MsOs20PlatformInfo? MsOs20);

/// <summary>Descriptor set information of the MS OS 2.0 platform capability (MS OS 2.0 spec table 5).</summary>
public sealed record MsOs20PlatformInfo(uint WindowsVersion, ushort DescriptorSetTotalLength, byte VendorCode, byte AltEnumCode);

/// <summary>BOS descriptor (USB 3.2 section 9.6.2).</summary>
public sealed record BosInfo(ushort TotalLength, IReadOnlyList<DeviceCapabilityInfo> Capabilities);

/// <summary>One descriptor of an MS OS 2.0 set, with the subset it sits in.</summary>
public sealed record MsOs20Feature(int Offset, ushort DescriptorType, int? ConfigurationIndex, int? FirstInterface, byte[] Bytes);

/// <summary>An MS OS 2.0 descriptor set (MS OS 2.0 spec section 9).</summary>
public sealed record MsOs20SetInfo(
    uint WindowsVersion,
    ushort TotalLength,
    IReadOnlyList<MsOs20Feature> Features,
    string? CompatibleId,
    int? CompatibleIdFirstInterface,
    IReadOnlyList<string> DeviceInterfaceGuids);
