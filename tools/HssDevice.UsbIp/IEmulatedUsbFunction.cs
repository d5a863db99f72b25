using HssDevice.Usb;

namespace HssDevice.UsbIp;

/// <summary>
/// What endpoint 0 of an emulated device answers from: its descriptors, its vendor requests and which interfaces and
/// data endpoints its configuration has. The project's own descriptors (<see cref="BuilderUsbFunction"/>) or stock
/// nanoFramework firmware's UsbStream (<see cref="StockUsbStream.StockUsbStreamDescriptors"/>).
/// </summary>
public interface IEmulatedUsbFunction
{
    /// <summary>The device descriptor (18 bytes).</summary>
    byte[] DeviceDescriptor { get; }

    /// <summary>The configuration descriptor set at <paramref name="speed"/>.</summary>
    byte[] Configuration(UsbSpeed speed);

    /// <summary>GET_DESCRIPTOR's answer, or null for a STALL.</summary>
    byte[]? GetDescriptor(byte type, byte index, UsbSpeed speed);

    /// <summary>A vendor-type IN request's answer (the Microsoft OS descriptor requests), or null for a STALL.</summary>
    byte[]? VendorRequest(byte requestType, byte request, ushort value, ushort index);

    /// <summary>bInterfaceNumber of every interface in the configuration.</summary>
    byte[] InterfaceNumbers { get; }

    /// <summary>Whether the configuration has this endpoint (not endpoint 0).</summary>
    bool HasDataEndpoint(byte address);
}

/// <summary>The project's own descriptors (UsbDescriptorBuilder: vendor or CDC profile, MS OS 2.0).</summary>
public sealed class BuilderUsbFunction(UsbDescriptorBuilder builder) : IEmulatedUsbFunction
{
    private const byte VendorDeviceIn = 0xC0;

    public UsbDescriptorBuilder Builder { get; } = builder;

    public byte[] DeviceDescriptor => Builder.BuildDeviceDescriptor();

    public byte[] Configuration(UsbSpeed speed) => Builder.BuildConfiguration(speed);

    public byte[]? GetDescriptor(byte type, byte index, UsbSpeed speed) => Builder.GetDescriptor(type, index, speed);

    public byte[]? VendorRequest(byte requestType, byte request, ushort value, ushort index) =>
        requestType == VendorDeviceIn && request == UsbDescriptorBuilder.MsOs20VendorCode && index == UsbDescriptorBuilder.MsOs20DescriptorIndex
            ? Builder.BuildMsOs20DescriptorSet()
            : null;

    public byte[] InterfaceNumbers => Builder.Profile == HssUsbProfile.Cdc ? new byte[] { 0, 1 } : new byte[] { 0 };

    /// <summary>Both profiles have the same four data endpoints.</summary>
    public bool HasDataEndpoint(byte address) =>
        address is UsbDescriptorBuilder.BulkInAddress or UsbDescriptorBuilder.BulkOutAddress
            or UsbDescriptorBuilder.InterruptInAddress or UsbDescriptorBuilder.InterruptOutAddress;
}
