using System;
using System.Collections.Generic;

namespace HssDevice.UsbIp;

/// <summary>One interface's class triple, as OP_REP_DEVLIST lists it.</summary>
public readonly record struct UsbIpInterfaceInfo(byte Class, byte Subclass, byte Protocol);

/// <summary>
/// What the server tells a client about the one device it exports (OP_REP_DEVLIST / OP_REP_IMPORT), read from the
/// device's own descriptors so the two can never disagree.
/// </summary>
public sealed record UsbIpDeviceInfo(
    string Path,
    string BusId,
    uint BusNumber,
    uint DeviceNumber,
    uint Speed,
    ushort VendorId,
    ushort ProductId,
    ushort DeviceRelease,
    byte DeviceClass,
    byte DeviceSubclass,
    byte DeviceProtocol,
    byte ConfigurationValue,
    byte ConfigurationCount,
    UsbIpInterfaceInfo[] Interfaces)
{
    /// <summary>The only bus ID this server exports.</summary>
    public const string ExportedBusId = "1-1";

    /// <summary>enum usb_device_speed of Linux: what vhci-hcd sets its port to.</summary>
    public const uint LinuxFullSpeed = 2;
    public const uint LinuxHighSpeed = 3;

    /// <summary>Reads identity and interfaces from the device descriptor (18 bytes) and configuration (full set).</summary>
    public static UsbIpDeviceInfo FromDescriptors(byte[] device, byte[] configuration, bool highSpeed)
    {
        if (device.Length < 18 || configuration.Length < 9)
        {
            throw new ArgumentException("device or configuration descriptor too short");
        }

        var interfaces = new List<UsbIpInterfaceInfo>();
        for (int offset = 0; offset + 2 <= configuration.Length && configuration[offset] >= 2; offset += configuration[offset])
        {
            // Interface descriptor (USB 2.0 section 9.6.5): class, subclass, protocol at 5, 6, 7; alternate 0 only.
            if (configuration[offset + 1] == 4 && offset + 9 <= configuration.Length && configuration[offset + 3] == 0)
            {
                interfaces.Add(new UsbIpInterfaceInfo(configuration[offset + 5], configuration[offset + 6], configuration[offset + 7]));
            }
        }

        return new UsbIpDeviceInfo(
            "/sys/devices/hss/usb1/1-1",
            ExportedBusId,
            BusNumber: 1,
            DeviceNumber: 2,
            highSpeed ? LinuxHighSpeed : LinuxFullSpeed,
            (ushort)(device[8] | (device[9] << 8)),
            (ushort)(device[10] | (device[11] << 8)),
            (ushort)(device[12] | (device[13] << 8)),
            device[4],
            device[5],
            device[6],
            ConfigurationValue: 1,
            ConfigurationCount: device[17],
            interfaces.ToArray());
    }

    /// <summary>devid of URB messages: busnum in the high 16 bits, devnum in the low.</summary>
    public uint DevId => (BusNumber << 16) | DeviceNumber;
}
