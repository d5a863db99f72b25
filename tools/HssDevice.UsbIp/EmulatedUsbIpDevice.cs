using System;
using HssDevice.Host.Links;
using HssDevice.Usb;

namespace HssDevice.UsbIp;

/// <summary>
/// The device a <see cref="UsbIpServer"/> exports: its descriptors and endpoint 0 (from the device's own
/// <see cref="UsbDescriptorBuilder"/>, the bytes `hss descriptors` prints) and its data endpoints, which are the
/// host end of an emulated USB link whose device end runs the device engine.
/// </summary>
public sealed class EmulatedUsbIpDevice
{
    public EmulatedUsbIpDevice(UsbDescriptorBuilder descriptors, UsbSpeed speed, IHostLink hostLink)
    {
        Descriptors = descriptors ?? throw new ArgumentNullException(nameof(descriptors));
        Speed = speed;
        HostLink = hostLink ?? throw new ArgumentNullException(nameof(hostLink));
        if (!hostLink.HasCommandPipe)
        {
            throw new ArgumentException("the USB device has an interrupt (command) pair: the link must have a command pipe");
        }

        Info = UsbIpDeviceInfo.FromDescriptors(descriptors.BuildDeviceDescriptor(), descriptors.BuildConfiguration(speed), speed == UsbSpeed.High);
        BulkMaxPacketSize = speed == UsbSpeed.High ? UsbDescriptorBuilder.HighSpeedBulkMaxPacket : UsbDescriptorBuilder.FullSpeedBulkMaxPacket;
    }

    public UsbDescriptorBuilder Descriptors { get; }

    public UsbSpeed Speed { get; }

    public IHostLink HostLink { get; }

    public UsbIpDeviceInfo Info { get; }

    public int BulkMaxPacketSize { get; }
}
