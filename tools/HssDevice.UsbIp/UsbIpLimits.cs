namespace HssDevice.UsbIp;

/// <summary>Bounds on what a client may ask of the server; a request over one is logged and closes the connection.</summary>
public sealed record UsbIpLimits
{
    /// <summary>Largest transfer_buffer_length accepted: far above what the kernel's usbfs and HSS transfers use.</summary>
    public int MaxTransferLength { get; init; } = 1024 * 1024;

    /// <summary>URBs submitted and not yet answered, per connection.</summary>
    public int MaxUrbsInFlight { get; init; } = 128;
}
