using System;
using System.Globalization;
using HssDevice.Host.Emulation;

namespace HssDevice.Tool.Bench;

/// <summary>
/// What one run put on the emulated bus, counted rather than timed (so CPU load does not blur it): bulk packets of
/// both directions, interrupt transfers of each direction, TRANSMITs each way. BusSeconds is the least time the
/// timing model allows for them: bulk packets at 19 (full) / 13 (high) per (micro)frame, one interrupt transfer
/// per interval per direction. Measured seconds far above it mean time went elsewhere (threads, waits, windows).
/// </summary>
public sealed record RunProfile(long BulkPackets, long InterruptIn, long InterruptOut, long DeviceTransmits, long HostTransmits, double BusSeconds)
{
    public static RunProfile From(EmulatedUsbLink usb, long deviceTransmits, long hostTransmits)
    {
        UsbLinkOptions options = usb.Options;
        long bulk = usb.DeviceToHostDataStatistics.Packets + usb.HostToDeviceDataStatistics.Packets;
        long interruptIn = usb.DeviceToHostCommandStatistics.Transfers;
        long interruptOut = usb.HostToDeviceCommandStatistics.Transfers;
        double frame = UsbSpeedFacts.FrameMicroseconds(options.Speed) / 1_000_000.0;
        double bulkSeconds = Math.Ceiling((double)bulk / UsbSpeedFacts.BulkPacketsPerFrame(options.Speed)) * frame;
        double interval = options.InterruptIntervalMicroseconds / 1_000_000.0;
        double interruptSeconds = Math.Max(interruptIn, interruptOut) * interval;
        return new RunProfile(bulk, interruptIn, interruptOut, deviceTransmits, hostTransmits, Math.Max(bulkSeconds, interruptSeconds));
    }

    public string Describe(int bytes) =>
        string.Create(CultureInfo.InvariantCulture,
            $"bus model needs {BusSeconds:0.000} s ({BulkPackets} bulk packets, interrupt IN {InterruptIn} / OUT {InterruptOut}); " +
            $"TRANSMITs device {DeviceTransmits} / host {HostTransmits}, {bytes / (double)Math.Max(1, DeviceTransmits + HostTransmits):0} B each");
}
