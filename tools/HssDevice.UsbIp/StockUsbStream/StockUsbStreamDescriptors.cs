using System;
using System.Collections.Generic;
using System.Text;
using HssDevice.Usb;

namespace HssDevice.UsbIp.StockUsbStream;

/// <summary>
/// The descriptors stock nanoFramework firmware serves on the Silicon Labs GG11 images when the application opened a
/// UsbStream, as read in nf-interpreter's targets/ThreadX/SiliconLabs (Gecko SDK USB device stack with
/// nanoFramework's vendor class; not seen on a board): identity and strings from the board file, USB 2.0 full
/// speed, device class 0/0/0, one configuration with one interface 0xFF/0xFF/0xFF holding bulk IN 0x81 and bulk OUT
/// 0x01 of 64 bytes, and Microsoft OS descriptors 1.0 (string 0xEE "MSFT100" with vendor code 0x00, compatible ID
/// WINUSB, the DeviceInterfaceGUID property in braces, lower case). Before the application creates its UsbStream the
/// same device has a configuration with no interface (<see cref="WithInterface"/> false).
/// </summary>
public sealed class StockUsbStreamDescriptors : IEmulatedUsbFunction
{
    public const byte BulkInAddress = 0x81;
    public const byte BulkOutAddress = 0x01;
    public const int BulkMaxPacket = 64;
    public const byte InterfaceClass = 0xFF;
    public const byte InterfaceSubClass = 0xFF;
    public const byte InterfaceProtocol = 0xFF;
    public const byte MsOsStringIndex = 0xEE;
    public const byte MsOsVendorCode = 0x00;
    public const ushort CompatibleIdFeature = 4;
    public const ushort ExtendedPropertiesFeature = 5;
    public const string ConfigurationName = "Main Configuration";
    public const string DeviceInterfaceGuidName = "DeviceInterfaceGUID";

    /// <summary>A made-up chip unique ID in the firmware's format (16 upper-case hex digits of DEVINFO UNIQUEH, UNIQUEL).</summary>
    public const string EmulatedSerialNumber = "000B57FFFE0C1A55";

    // String indexes in the order the Gecko stack hands them out: device strings, configuration, interface.
    private const byte ManufacturerIndex = 1;
    private const byte ProductIndex = 2;
    private const byte SerialIndex = 3;
    private const byte ConfigurationIndex = 4;
    private const byte InterfaceIndex = 5;

    private readonly BoardSettings _board;
    private readonly string _serial;

    /// <param name="board">A board of link usbstream: VID, PID, release, manufacturer, product (the CreateUsbStream name) and GUID.</param>
    public StockUsbStreamDescriptors(BoardSettings board, bool withInterface, string serialNumber = EmulatedSerialNumber)
    {
        if (board == null)
        {
            throw new ArgumentNullException(nameof(board));
        }

        board.Validate();
        if (board.Link != BoardLink.UsbStream)
        {
            throw new ArgumentException($"board {board.Name} has link {board.Link}: stock firmware's UsbStream descriptors are for link usbstream");
        }

        _board = board.Clone();
        _serial = serialNumber;
        WithInterface = withInterface;
    }

    /// <summary>False before the application created its UsbStream: the configuration has no interface yet.</summary>
    public bool WithInterface { get; }

    /// <summary>The GUID as the firmware sends it: braces, lower case.</summary>
    public string DeviceInterfaceGuid => _board.DeviceInterfaceGuid.ToLowerInvariant();

    public byte[] DeviceDescriptor
    {
        get
        {
            return new byte[]
            {
                18, 0x01, 0x00, 0x02, // bcdUSB 2.00: no BOS, MS OS descriptors 1.0 instead
                0x00, 0x00, 0x00, 64, // class 0/0/0: each interface says its own; EP0 64 bytes
                Lo(_board.EffectiveVendorId), Hi(_board.EffectiveVendorId), Lo(_board.ProductId), Hi(_board.ProductId),
                Lo(_board.DeviceRelease), Hi(_board.DeviceRelease),
                ManufacturerIndex, ProductIndex, SerialIndex, 1,
            };
        }
    }

    public byte[] Configuration(UsbSpeed speed)
    {
        var bytes = new List<byte>
        {
            9, 0x02, 0, 0, (byte)(WithInterface ? 1 : 0), 1, ConfigurationIndex,
            0xC0, // self-powered (the kit's power source setting), no remote wake-up
            (byte)(_board.MaxPowerMilliamps / 2),
        };
        if (WithInterface)
        {
            bytes.AddRange(new byte[] { 9, 0x04, 0, 0, 2, InterfaceClass, InterfaceSubClass, InterfaceProtocol, InterfaceIndex });
            bytes.AddRange(new byte[] { 7, 0x05, BulkInAddress, 0x02, BulkMaxPacket, 0, 0 });
            bytes.AddRange(new byte[] { 7, 0x05, BulkOutAddress, 0x02, BulkMaxPacket, 0, 0 });
        }

        bytes[2] = (byte)bytes.Count;
        bytes[3] = (byte)(bytes.Count >> 8);
        return bytes.ToArray();
    }

    public byte[]? GetDescriptor(byte type, byte index, UsbSpeed speed)
    {
        switch (type)
        {
            case 0x01 when index == 0:
                return DeviceDescriptor;
            case 0x02 when index == 0:
                return Configuration(speed);
            case 0x03:
                return StringDescriptor(index);
            default:
                // Full speed only: no device qualifier (a STALL says so, USB 2.0 section 9.6.2), no BOS below bcdUSB 2.01.
                return null;
        }
    }

    /// <summary>The text of a string index (null when there is none).</summary>
    public string? StringText(byte index) => index switch
    {
        ManufacturerIndex => _board.Manufacturer,
        ProductIndex => _board.Product,
        SerialIndex => _serial,
        ConfigurationIndex => ConfigurationName,
        InterfaceIndex when WithInterface => _board.Product,
        _ => null,
    };

    public byte[]? VendorRequest(byte requestType, byte request, ushort value, ushort index)
    {
        // Microsoft OS descriptors 1.0: GET_MS_DESCRIPTOR is bRequest = the vendor code of string 0xEE, wIndex the
        // feature, wValue's low byte the interface. Compatible ID goes to the device; extended properties to the
        // device or the interface.
        if (request != MsOsVendorCode || !WithInterface || (byte)value != 0)
        {
            return null;
        }

        return (requestType, index) switch
        {
            (0xC0, CompatibleIdFeature) => CompatibleIdDescriptor(),
            (0xC0 or 0xC1, ExtendedPropertiesFeature) => ExtendedPropertiesDescriptor(),
            _ => null,
        };
    }

    public byte[] InterfaceNumbers => WithInterface ? new byte[] { 0 } : Array.Empty<byte>();

    public bool HasDataEndpoint(byte address) => WithInterface && address is BulkInAddress or BulkOutAddress;

    /// <summary>Header (16 bytes) and one function section (24 bytes): interface 0 is WINUSB.</summary>
    public static byte[] CompatibleIdDescriptor()
    {
        var d = new byte[40];
        Le32(d, 0, (uint)d.Length);
        Le16(d, 4, 0x0100);
        Le16(d, 6, CompatibleIdFeature);
        d[8] = 1;
        d[16] = 0; // bFirstInterfaceNumber
        d[17] = 0x01;
        Encoding.ASCII.GetBytes("WINUSB").CopyTo(d, 18);
        return d;
    }

    /// <summary>Header (10 bytes) and one REG_SZ section: DeviceInterfaceGUID = the braced lower-case GUID.</summary>
    public byte[] ExtendedPropertiesDescriptor()
    {
        byte[] name = Encoding.Unicode.GetBytes(DeviceInterfaceGuidName + "\0");
        byte[] data = Encoding.Unicode.GetBytes(DeviceInterfaceGuid + "\0");
        int section = 4 + 4 + 2 + name.Length + 4 + data.Length;
        var d = new byte[10 + section];
        Le32(d, 0, (uint)d.Length);
        Le16(d, 4, 0x0100);
        Le16(d, 6, ExtendedPropertiesFeature);
        Le16(d, 8, 1);
        Le32(d, 10, (uint)section);
        Le32(d, 14, 1); // REG_SZ
        Le16(d, 18, (ushort)name.Length);
        name.CopyTo(d, 20);
        Le32(d, 20 + name.Length, (uint)data.Length);
        data.CopyTo(d, 24 + name.Length);
        return d;
    }

    private byte[]? StringDescriptor(byte index)
    {
        if (index == 0)
        {
            return new byte[] { 4, 0x03, 0x09, 0x04 };
        }

        if (index == MsOsStringIndex)
        {
            // "MSFT100", the vendor code, a pad byte (Microsoft OS descriptors 1.0).
            var s = new byte[18];
            s[0] = 18;
            s[1] = 0x03;
            Encoding.Unicode.GetBytes("MSFT100").CopyTo(s, 2);
            s[16] = MsOsVendorCode;
            return s;
        }

        string? text = StringText(index);
        if (text == null)
        {
            return null;
        }

        byte[] utf16 = Encoding.Unicode.GetBytes(text);
        var bytes = new byte[2 + utf16.Length];
        bytes[0] = (byte)bytes.Length;
        bytes[1] = 0x03;
        utf16.CopyTo(bytes, 2);
        return bytes;
    }

    private static byte Lo(int v) => (byte)v;

    private static byte Hi(int v) => (byte)(v >> 8);

    private static void Le16(byte[] d, int at, ushort v)
    {
        d[at] = (byte)v;
        d[at + 1] = (byte)(v >> 8);
    }

    private static void Le32(byte[] d, int at, uint v)
    {
        for (int i = 0; i < 4; i++)
        {
            d[at + i] = (byte)(v >> (8 * i));
        }
    }
}
