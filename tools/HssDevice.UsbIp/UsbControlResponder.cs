using System;
using HssDevice.Usb;

namespace HssDevice.UsbIp;

/// <summary>The outcome of one control transfer: data for the IN stage (may be empty), or a STALL.</summary>
public readonly record struct ControlResult(bool Stalled, byte[] Data)
{
    public static ControlResult Stall { get; } = new(true, Array.Empty<byte>());

    public static ControlResult Ok(byte[]? data = null) => new(false, data ?? Array.Empty<byte>());
}

/// <summary>
/// Endpoint 0 of the emulated device: answers the standard requests of USB 2.0 chapter 9 that a host sends to an
/// HSS device, and the vendor requests of its Microsoft OS descriptors, from the device's function
/// (<see cref="IEmulatedUsbFunction"/>: the project's descriptor builder, or stock firmware's UsbStream). Everything else STALLs, as
/// a real device's request error does (USB 2.0 section 9.2.7). Not thread-safe: the session calls it from its
/// reader only.
/// </summary>
public sealed class UsbControlResponder
{
    // bmRequestType (USB 2.0 table 9-2): direction bit 7, type bits 6..5, recipient bits 4..0.
    private const byte StandardDeviceIn = 0x80;
    private const byte StandardInterfaceIn = 0x81;
    private const byte StandardEndpointIn = 0x82;
    private const byte StandardDeviceOut = 0x00;
    private const byte StandardInterfaceOut = 0x01;
    private const byte StandardEndpointOut = 0x02;
    private const byte VendorTypeMask = 0x60;
    private const byte VendorType = 0x40;
    private const byte DirectionIn = 0x80;

    // bRequest codes (USB 2.0 table 9-4).
    private const byte GetStatus = 0;
    private const byte ClearFeature = 1;
    private const byte SetFeature = 3;
    private const byte GetDescriptor = 6;
    private const byte GetConfiguration = 8;
    private const byte SetConfiguration = 9;
    private const byte GetInterface = 10;
    private const byte SetInterface = 11;

    private const ushort EndpointHaltFeature = 0;

    private readonly IEmulatedUsbFunction _function;
    private readonly UsbSpeed _speed;
    private readonly byte[] _interfaceNumbers;
    private readonly bool[] _halted = new bool[256];

    public UsbControlResponder(UsbDescriptorBuilder builder, UsbSpeed speed)
        : this(new BuilderUsbFunction(builder), speed)
    {
    }

    public UsbControlResponder(IEmulatedUsbFunction function, UsbSpeed speed)
    {
        _function = function;
        _speed = speed;
        _interfaceNumbers = function.InterfaceNumbers;
    }

    /// <summary>bConfigurationValue set by the host: 0 unconfigured (data endpoints unusable), 1 configured.</summary>
    public byte Configuration { get; private set; }

    /// <summary>Raised when the host selects configuration 1 (the device is then usable, as a real device's "configured" event).</summary>
    public event Action? Configured;

    /// <summary>The data endpoints of the project's configuration (both profiles have the same four).</summary>
    public static bool IsDataEndpoint(byte address) =>
        address is UsbDescriptorBuilder.BulkInAddress or UsbDescriptorBuilder.BulkOutAddress
            or UsbDescriptorBuilder.InterruptInAddress or UsbDescriptorBuilder.InterruptOutAddress;

    /// <summary>Whether this device's configuration has the endpoint.</summary>
    public bool HasDataEndpoint(byte address) => _function.HasDataEndpoint(address);

    public bool IsHalted(byte address) => _halted[address];

    /// <summary>Back to the state after a bus reset (a new import): unconfigured, no halts.</summary>
    public void Reset()
    {
        Configuration = 0;
        Array.Clear(_halted);
    }

    /// <summary>Handles one setup packet (8 bytes, USB 2.0 table 9-2; multi-byte fields little-endian).</summary>
    public ControlResult Handle(ReadOnlySpan<byte> setup)
    {
        byte requestType = setup[0];
        byte request = setup[1];
        ushort value = (ushort)(setup[2] | (setup[3] << 8));
        ushort index = (ushort)(setup[4] | (setup[5] << 8));
        ushort length = (ushort)(setup[6] | (setup[7] << 8));
        ControlResult result = Dispatch(requestType, request, value, index);
        if (!result.Stalled && result.Data.Length > length)
        {
            // The host reads at most wLength (USB 2.0 section 9.3.5): a descriptor is cut, never padded.
            return ControlResult.Ok(result.Data.AsSpan(0, length).ToArray());
        }

        return result;
    }

    private ControlResult Dispatch(byte requestType, byte request, ushort value, ushort index)
    {
        switch (requestType, request)
        {
            case (StandardDeviceIn, GetDescriptor):
                {
                    byte[]? descriptor = _function.GetDescriptor((byte)(value >> 8), (byte)value, _speed);
                    return descriptor == null ? ControlResult.Stall : ControlResult.Ok(descriptor);
                }

            case var _ when (requestType & (VendorTypeMask | DirectionIn)) == (VendorType | DirectionIn):
                {
                    byte[]? answer = _function.VendorRequest(requestType, request, value, index);
                    return answer == null ? ControlResult.Stall : ControlResult.Ok(answer);
                }

            case (StandardDeviceOut, SetConfiguration) when value <= 1:
                Configuration = (byte)value;
                Array.Clear(_halted);
                if (value == 1)
                {
                    Configured?.Invoke();
                }

                return ControlResult.Ok();

            case (StandardDeviceIn, GetConfiguration):
                return ControlResult.Ok(new[] { Configuration });

            case (StandardInterfaceOut, SetInterface) when Configuration != 0 && value == 0 && HasInterface(index):
                // Alternate setting 0 is the only one; selecting it resets the interface's endpoints' halts.
                Array.Clear(_halted);
                return ControlResult.Ok();

            case (StandardInterfaceIn, GetInterface) when Configuration != 0 && HasInterface(index):
                return ControlResult.Ok(new byte[] { 0 });

            case (StandardDeviceIn, GetStatus):
                // Bit 0 self-powered, bit 1 remote wakeup (USB 2.0 figure 9-4): bus-powered, no wakeup.
                return ControlResult.Ok(new byte[] { 0, 0 });

            case (StandardInterfaceIn, GetStatus) when Configuration != 0 && HasInterface(index):
                return ControlResult.Ok(new byte[] { 0, 0 });

            case (StandardEndpointIn, GetStatus) when IsKnownEndpoint((byte)index):
                return ControlResult.Ok(new byte[] { (byte)(_halted[(byte)index] ? 1 : 0), 0 });

            case (StandardEndpointOut, ClearFeature) when value == EndpointHaltFeature && IsKnownEndpoint((byte)index):
                _halted[(byte)index] = false;
                return ControlResult.Ok();

            default:
                return ControlResult.Stall;
        }
    }

    private bool HasInterface(ushort index) => Array.IndexOf(_interfaceNumbers, (byte)index) >= 0;

    private bool IsKnownEndpoint(byte address) =>
        (address & 0x7F) == 0 || (Configuration != 0 && _function.HasDataEndpoint(address));
}
