using System;
using System.Threading.Tasks;
using HssDevice.Host.Emulation;

namespace HssDevice.Host.Tests;

/// <summary>A host with one raw device attached over an emulated USB link (more can be attached).</summary>
public sealed class HostRig : IAsyncDisposable
{
    public HostRig(HssHostSettings? settings = null, UsbLinkOptions? linkOptions = null, Microsoft.Extensions.Logging.ILoggerFactory? loggers = null)
    {
        // The tests' peers listen on loopback, which the host denies to devices by default: allowed here, explicitly.
        Host = new HssHost((settings ?? new HssHostSettings()).WithLoopbackAllowed(), loggers);
        (Usb, Connection, Device) = AttachDevice(linkOptions, "device-a");
    }

    public HssHost Host { get; }

    public EmulatedUsbLink Usb { get; }

    public DeviceConnection Connection { get; }

    public RawDevice Device { get; }

    public (EmulatedUsbLink Usb, DeviceConnection Connection, RawDevice Device) AttachDevice(UsbLinkOptions? linkOptions, string name, HssHostSettings? settings = null)
    {
        var usb = new EmulatedUsbLink(linkOptions ?? UsbLinkOptions.FullSpeed);
        DeviceConnection connection = Host.Attach(usb.HostEnd, name, settings?.WithLoopbackAllowed());
        return (usb, connection, new RawDevice(usb.DeviceEnd));
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Device.Dispose();
    }
}
