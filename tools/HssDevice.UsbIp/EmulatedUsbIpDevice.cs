using System;
using HssDevice.Host.Links;
using HssDevice.Usb;

namespace HssDevice.UsbIp;

/// <summary>
/// The device a <see cref="UsbIpServer"/> exports: its descriptors and endpoint 0 (from its function: the device's own
/// <see cref="UsbDescriptorBuilder"/>, the bytes `hss descriptors` prints, or stock firmware's UsbStream) and its data
/// endpoints, which are the host end of an emulated USB link whose device end runs the device engine.
/// </summary>
public sealed class EmulatedUsbIpDevice
{
    private readonly UsbDescriptorBuilder? _builder;
    private IEmulatedUsbFunction _function;

    public EmulatedUsbIpDevice(UsbDescriptorBuilder descriptors, UsbSpeed speed, IHostLink hostLink)
        : this(new BuilderUsbFunction(descriptors ?? throw new ArgumentNullException(nameof(descriptors))), speed, hostLink)
    {
        _builder = descriptors;
        if (!hostLink.HasCommandPipe)
        {
            throw new ArgumentException("the USB device has an interrupt (command) pair: the link must have a command pipe");
        }
    }

    /// <summary>A device with its own function (stock firmware's UsbStream: one bulk pair, the single-pipe profile).</summary>
    public EmulatedUsbIpDevice(IEmulatedUsbFunction function, UsbSpeed speed, IHostLink hostLink)
    {
        _function = function ?? throw new ArgumentNullException(nameof(function));
        Speed = speed;
        HostLink = hostLink ?? throw new ArgumentNullException(nameof(hostLink));
        BulkMaxPacketSize = speed == UsbSpeed.High ? UsbDescriptorBuilder.HighSpeedBulkMaxPacket : UsbDescriptorBuilder.FullSpeedBulkMaxPacket;
    }

    /// <summary>The project's descriptor builder (not for a device with a function of its own).</summary>
    public UsbDescriptorBuilder Descriptors => _builder ?? throw new InvalidOperationException("this device serves its firmware's own descriptors");

    /// <summary>
    /// What endpoint 0 answers from. Replaced only between imports (a re-enumeration: stock firmware enumerates once
    /// without its interface, then again once the application created its UsbStream).
    /// </summary>
    public IEmulatedUsbFunction Function
    {
        get => _function;
        set => _function = value ?? throw new ArgumentNullException(nameof(value));
    }

    public UsbSpeed Speed { get; }

    public IHostLink HostLink { get; }

    /// <summary>What devlist and import answer, from the current function's descriptors.</summary>
    public UsbIpDeviceInfo Info => UsbIpDeviceInfo.FromDescriptors(_function.DeviceDescriptor, _function.Configuration(Speed), Speed == UsbSpeed.High);

    public int BulkMaxPacketSize { get; }
}
