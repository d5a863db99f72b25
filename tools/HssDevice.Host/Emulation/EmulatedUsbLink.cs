using System;

namespace HssDevice.Host.Emulation;

/// <summary>
/// An in-process USB link between a device and the host: <see cref="DeviceEnd"/> is the device's
/// <c>HssDevice.Transport.IHssLink</c> (blocking), <see cref="HostEnd"/> the host engine's <see cref="Links.IHostLink"/>
/// (async). It models what each side sees of USB: a bulk pair (wMaxPacketSize 64 or 512, transfers ended by a short
/// or zero-length packet), an interrupt pair of 64-byte packets (one command per transfer), NAK-style back-pressure
/// when a side does not read, and optionally the bus timing. It knows nothing of HSS except where packing is off.
/// </summary>
public sealed class EmulatedUsbLink
{
    public EmulatedUsbLink(UsbLinkOptions? options = null)
    {
        Options = options ?? UsbLinkOptions.FullSpeed;
        UsbBusSchedule? schedule = Options.Timing ? new UsbBusSchedule(Options.Speed, Options.InterruptIntervalMicroseconds) : null;
        int bulk = Options.BulkMaxPacketSize;
        bool split = !Options.PackDataPackets;
        bool zlp = Options.SendZeroLengthPackets;
        DeviceToHostData = new UsbPipe("bulk IN (device-to-host)", bulk, zlp, split, -1, schedule, Options.PipeCapacityBytes, readerWaitsAfterDown: false);
        HostToDeviceData = new UsbPipe("bulk OUT (host-to-device)", bulk, zlp, split, -1, schedule, Options.PipeCapacityBytes, readerWaitsAfterDown: true);
        DeviceToHostCommand = new UsbPipe("interrupt IN (device-to-host)", UsbSpeedFacts.InterruptMaxPacketSize, zlp, false, 0, schedule, Options.PipeCapacityBytes, readerWaitsAfterDown: false);
        HostToDeviceCommand = new UsbPipe("interrupt OUT (host-to-device)", UsbSpeedFacts.InterruptMaxPacketSize, zlp, false, 1, schedule, Options.PipeCapacityBytes, readerWaitsAfterDown: true);
        foreach (UsbPipe pipe in new[] { DeviceToHostData, HostToDeviceData, DeviceToHostCommand, HostToDeviceCommand })
        {
            pipe.TransferSent += trace => TransferSent?.Invoke(trace);
        }

        DeviceEnd = new EmulatedDeviceEnd(this);
        HostEnd = new EmulatedHostEnd(this);
    }

    public UsbLinkOptions Options { get; }

    /// <summary>The device's side: hand it to <c>new HssEngine(link, settings)</c>.</summary>
    public EmulatedDeviceEnd DeviceEnd { get; }

    /// <summary>The host's side: hand it to <c>HssHost.Attach</c>.</summary>
    public EmulatedHostEnd HostEnd { get; }

    /// <summary>Raised for every transfer as it is queued, with its USB packet sizes (ZLP included).</summary>
    public event Action<UsbTransferTrace>? TransferSent;

    public UsbPipeStatistics DeviceToHostDataStatistics => DeviceToHostData.Statistics;
    public UsbPipeStatistics HostToDeviceDataStatistics => HostToDeviceData.Statistics;
    public UsbPipeStatistics DeviceToHostCommandStatistics => DeviceToHostCommand.Statistics;
    public UsbPipeStatistics HostToDeviceCommandStatistics => HostToDeviceCommand.Statistics;

    internal UsbPipe DeviceToHostData { get; }
    internal UsbPipe HostToDeviceData { get; }
    internal UsbPipe DeviceToHostCommand { get; }
    internal UsbPipe HostToDeviceCommand { get; }

    /// <summary>Commands travel on the interrupt pair, or on the bulk pair in the single-pipe profile.</summary>
    internal UsbPipe DeviceToHostCommandRoute => Options.SinglePipe ? DeviceToHostData : DeviceToHostCommand;
    internal UsbPipe HostToDeviceCommandRoute => Options.SinglePipe ? HostToDeviceData : HostToDeviceCommand;

    /// <summary>The host end left (or was unplugged): the device sees its link go down once, then waits.</summary>
    internal void HostLeft()
    {
        DeviceToHostData.CloseReader();
        DeviceToHostCommand.CloseReader();
        HostToDeviceData.MarkDown();
        HostToDeviceCommand.MarkDown();
    }

    internal void DeviceLeft()
    {
        HostToDeviceData.CloseReader();
        HostToDeviceCommand.CloseReader();
        DeviceToHostData.MarkDown();
        DeviceToHostCommand.MarkDown();
    }

    internal void Reset()
    {
        DeviceToHostData.Reset();
        DeviceToHostCommand.Reset();
        HostToDeviceData.Reset();
        HostToDeviceCommand.Reset();
    }
}
