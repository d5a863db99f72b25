using System.Text;
using HssDevice.Host.Usb.Parsing;

namespace HssDevice.Host.Usb.Printing;

/// <summary>
/// Text for `hss descriptors`: the bundle's bytes decoded by the independent parser and laid out as `lsusb -v`
/// prints them (plus the MS OS 2.0 set, which lsusb does not read), or as hex.
/// </summary>
public static class DescriptorPrinter
{
    /// <summary>lsusb-style decoding; DescriptorFormatException if any descriptor does not parse.</summary>
    public static string Decode(DescriptorBundle bundle)
    {
        var strings = new Dictionary<int, string>();
        foreach (var (index, bytes) in bundle.Strings)
        {
            if (index != 0)
            {
                strings[index] = UsbDescriptorParser.ParseString(bytes);
            }
        }

        string Str(int index) => strings.TryGetValue(index, out var s) ? s : "";

        var t = new LsusbText();
        var device = UsbDescriptorParser.ParseDevice(bundle.Device);
        t.Title(0, $"Board {bundle.BoardName}, {bundle.Profile.ToString().ToLowerInvariant()} profile, running at {bundle.Speed.ToString().ToLowerInvariant()} speed");
        t.Title(0, $"ID {device.VendorId:x4}:{device.ProductId:x4} {Str(device.ManufacturerIndex)} {Str(device.ProductIndex)}".TrimEnd());
        t.Title(0, "Device Descriptor:");
        t.Dec(2, "bLength", bundle.Device[0]);
        t.Dec(2, "bDescriptorType", bundle.Device[1]);
        t.Bcd(2, "bcdUSB", device.UsbRelease);
        DeviceClass(t, 2, "bDevice", device.DeviceClass, device.DeviceSubClass, device.DeviceProtocol);
        t.Dec(2, "bMaxPacketSize0", device.MaxPacketSize0);
        t.Hex4(2, "idVendor", device.VendorId, VendorName(device.VendorId));
        t.Hex4(2, "idProduct", device.ProductId);
        t.Bcd(2, "bcdDevice", device.DeviceRelease);
        t.Dec(2, "iManufacturer", device.ManufacturerIndex, Str(device.ManufacturerIndex));
        t.Dec(2, "iProduct", device.ProductIndex, Str(device.ProductIndex));
        t.Dec(2, "iSerial", device.SerialNumberIndex, Str(device.SerialNumberIndex));
        t.Dec(2, "bNumConfigurations", device.NumConfigurations);

        var configuration = UsbDescriptorParser.ParseConfiguration(bundle.Configuration);
        Configuration(t, "Configuration Descriptor:", configuration, bundle.Configuration, Str);

        var hss = HssInterfaceFinder.Find(configuration);
        t.Title(2, $"HSS interface: {hss.Profile.ToString().ToLowerInvariant()} profile, interface(s) {string.Join(", ", hss.Interfaces)}; " +
            $"bulk IN 0x{hss.BulkIn.Address:x2} OUT 0x{hss.BulkOut.Address:x2} ({hss.BulkIn.PacketBytes} bytes), " +
            $"interrupt IN 0x{hss.InterruptIn.Address:x2} OUT 0x{hss.InterruptOut.Address:x2} ({hss.InterruptIn.PacketBytes} bytes, bInterval {hss.InterruptIn.Interval})");

        if (bundle.DeviceQualifier != null)
        {
            var q = UsbDescriptorParser.ParseDeviceQualifier(bundle.DeviceQualifier);
            t.Title(0, "Device Qualifier (for other device speed):");
            t.Dec(2, "bLength", bundle.DeviceQualifier[0]);
            t.Dec(2, "bDescriptorType", bundle.DeviceQualifier[1]);
            t.Bcd(2, "bcdUSB", q.UsbRelease);
            DeviceClass(t, 2, "bDevice", q.DeviceClass, q.DeviceSubClass, q.DeviceProtocol);
            t.Dec(2, "bMaxPacketSize0", q.MaxPacketSize0);
            t.Dec(2, "bNumConfigurations", q.NumConfigurations);
        }
        else
        {
            t.Title(0, "Device Qualifier: none (full-speed only device: the request is stalled)");
        }

        if (bundle.OtherSpeedConfiguration != null)
        {
            var other = UsbDescriptorParser.ParseConfiguration(bundle.OtherSpeedConfiguration);
            Configuration(t, "Other Speed Configuration Descriptor:", other, bundle.OtherSpeedConfiguration, Str);
        }

        Bos(t, UsbDescriptorParser.ParseBos(bundle.Bos), bundle.Bos);
        MsOs20Set(t, UsbDescriptorParser.ParseMsOs20Set(bundle.MsOs20Set), bundle.MsOs20Set, bundle.MsOs20VendorCode);

        if (bundle.Strings.TryGetValue(0, out var languages))
        {
            var ids = UsbDescriptorParser.ParseLanguageIds(languages);
            t.Title(0, "String Descriptors:");
            t.Text(2, "0 (languages)", string.Join(" ", ids.Select(id => $"0x{id:x4}")));
            foreach (var (index, text) in strings.OrderBy(p => p.Key))
            {
                t.Text(2, index.ToString(), "\"" + text + "\"");
            }
        }

        return t.ToString();
    }

    /// <summary>Each descriptor's bytes as hex, 16 to a line, under its name.</summary>
    public static string Hex(DescriptorBundle bundle)
    {
        var text = new StringBuilder();
        void Block(string name, byte[]? bytes)
        {
            if (bytes == null)
            {
                text.Append(name).Append(": none (stalled)\n");
                return;
            }

            text.Append(name).Append($" ({bytes.Length} bytes):\n");
            for (int i = 0; i < bytes.Length; i += 16)
            {
                text.Append("  ").Append(Convert.ToHexString(bytes, i, Math.Min(16, bytes.Length - i)).ToLowerInvariant().Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + " " + b)).Append('\n');
            }
        }

        Block("device", bundle.Device);
        Block("configuration", bundle.Configuration);
        Block("device qualifier", bundle.DeviceQualifier);
        Block("other-speed configuration", bundle.OtherSpeedConfiguration);
        Block("BOS", bundle.Bos);
        Block($"MS OS 2.0 descriptor set (vendor request 0x{bundle.MsOs20VendorCode:x2}, wIndex 7)", bundle.MsOs20Set);
        foreach (var (index, bytes) in bundle.Strings)
        {
            Block($"string {index}", bytes);
        }

        return text.ToString();
    }

    private static void Configuration(LsusbText t, string title, ConfigurationInfo c, byte[] bytes, Func<int, string> str)
    {
        t.Title(2, title);
        t.Dec(4, "bLength", bytes[0]);
        t.Dec(4, "bDescriptorType", c.DescriptorType);
        t.Hex4(4, "wTotalLength", c.TotalLength);
        t.Dec(4, "bNumInterfaces", c.NumInterfaces);
        t.Dec(4, "bConfigurationValue", c.ConfigurationValue);
        t.Dec(4, "iConfiguration", c.StringIndex, str(c.StringIndex));
        t.Hex2(4, "bmAttributes", c.Attributes);
        t.Title(6, (c.Attributes & 0x40) != 0 ? "Self Powered" : "(Bus Powered)");
        if ((c.Attributes & 0x20) != 0)
        {
            t.Title(6, "Remote Wakeup");
        }

        t.Text(4, "MaxPower", $"{c.MaxPower * 2,5}mA");

        // Walk in byte order, as lsusb does, so associations and class-specific descriptors appear where they are.
        var items = new List<(int Offset, Action Print)>();
        foreach (var a in c.Associations)
        {
            items.Add((a.Offset, () => Association(t, a, str)));
        }

        foreach (var i in c.Interfaces)
        {
            items.Add((i.Offset, () => Interface(t, i, str)));
            foreach (var e in i.Endpoints)
            {
                items.Add((e.Offset, () => Endpoint(t, e)));
            }

            foreach (var d in i.ClassSpecific)
            {
                items.Add((d.Offset, () => ClassSpecific(t, d)));
            }
        }

        foreach (var d in c.Other)
        {
            items.Add((d.Offset, () => ClassSpecific(t, d)));
        }

        foreach (var item in items.OrderBy(i => i.Offset))
        {
            item.Print();
        }
    }

    private static void Association(LsusbText t, InterfaceAssociationInfo a, Func<int, string> str)
    {
        t.Title(4, "Interface Association:");
        t.Dec(6, "bLength", 8);
        t.Dec(6, "bDescriptorType", UsbDescriptorParser.InterfaceAssociationType);
        t.Dec(6, "bFirstInterface", a.FirstInterface);
        t.Dec(6, "bInterfaceCount", a.InterfaceCount);
        t.Dec(6, "bFunctionClass", a.FunctionClass, ClassName(a.FunctionClass));
        t.Dec(6, "bFunctionSubClass", a.FunctionSubClass);
        t.Dec(6, "bFunctionProtocol", a.FunctionProtocol);
        t.Dec(6, "iFunction", a.StringIndex, str(a.StringIndex));
    }

    private static void Interface(LsusbText t, InterfaceInfo i, Func<int, string> str)
    {
        t.Title(4, "Interface Descriptor:");
        t.Dec(6, "bLength", 9);
        t.Dec(6, "bDescriptorType", UsbDescriptorParser.InterfaceType);
        t.Dec(6, "bInterfaceNumber", i.Number);
        t.Dec(6, "bAlternateSetting", i.AlternateSetting);
        t.Dec(6, "bNumEndpoints", i.NumEndpoints);
        t.Dec(6, "bInterfaceClass", i.InterfaceClass, ClassName(i.InterfaceClass));
        t.Dec(6, "bInterfaceSubClass", i.InterfaceSubClass);
        t.Dec(6, "bInterfaceProtocol", i.InterfaceProtocol);
        t.Dec(6, "iInterface", i.StringIndex, str(i.StringIndex));
    }

    private static void Endpoint(LsusbText t, EndpointInfo e)
    {
        t.Title(6, "Endpoint Descriptor:");
        t.Dec(8, "bLength", 7);
        t.Dec(8, "bDescriptorType", UsbDescriptorParser.EndpointType);
        t.Hex2(8, "bEndpointAddress", e.Address, $" EP {e.Number} {(e.IsIn ? "IN" : "OUT")}");
        t.Dec(8, "bmAttributes", e.Attributes);
        t.Text(10, "Transfer Type", e.Transfer.ToString());
        t.Text(10, "Synch Type", "None");
        t.Text(10, "Usage Type", "Data");
        t.Hex4(8, "wMaxPacketSize", e.MaxPacketSize, $" {e.TransactionsPerMicroframe}x {e.PacketBytes} bytes");
        t.Dec(8, "bInterval", e.Interval);
    }

    private static void ClassSpecific(LsusbText t, RawDescriptor d)
    {
        var b = d.Bytes;
        if (d.DescriptorType == HssInterfaceFinder.CsInterfaceType && b.Length >= 5 && b[2] == HssInterfaceFinder.CdcHeaderSubtype)
        {
            t.Title(6, "CDC Header:");
            t.Bcd(8, "bcdCDC", b[3] | (b[4] << 8));
            return;
        }

        if (d.DescriptorType == HssInterfaceFinder.CsInterfaceType && b.Length >= 5 && b[2] == HssInterfaceFinder.CdcUnionSubtype)
        {
            t.Title(6, "CDC Union:");
            t.Dec(8, "bMasterInterface", b[3]);
            t.Text(8, "bSlaveInterface", string.Join(" ", b.Skip(4).Select(x => x.ToString())).PadLeft(5));
            return;
        }

        t.Title(6, $"Unknown descriptor (type 0x{d.DescriptorType:x2}): {Convert.ToHexString(b).ToLowerInvariant()}");
    }

    private static void Bos(LsusbText t, BosInfo bos, byte[] bytes)
    {
        t.Title(0, "Binary Object Store Descriptor:");
        t.Dec(2, "bLength", bytes[0]);
        t.Dec(2, "bDescriptorType", bytes[1]);
        t.Hex4(2, "wTotalLength", bos.TotalLength);
        t.Dec(2, "bNumDeviceCaps", bos.Capabilities.Count);
        foreach (var cap in bos.Capabilities)
        {
            if (cap.CapabilityType == 0x05 && cap.PlatformUuid is Guid uuid)
            {
                t.Title(2, "Platform Device Capability:");
                t.Dec(4, "bLength", cap.Bytes[0]);
                t.Dec(4, "bDescriptorType", cap.Bytes[1]);
                t.Dec(4, "bDevCapabilityType", cap.CapabilityType);
                t.Dec(4, "bReserved", cap.Bytes[3]);
                t.Text(4, "PlatformCapabilityUUID", "{" + uuid.ToString("D") + "}" + (cap.MsOs20 != null ? " Microsoft OS 2.0" : ""));
                if (cap.MsOs20 is { } ms)
                {
                    t.Hex8(4, "dwWindowsVersion", ms.WindowsVersion, WindowsName(ms.WindowsVersion));
                    t.Hex4(4, "wMSOSDescriptorSetTotalLength", ms.DescriptorSetTotalLength);
                    t.Hex2(4, "bMS_VendorCode", ms.VendorCode);
                    t.Dec(4, "bAltEnumCode", ms.AltEnumCode);
                }
            }
            else
            {
                t.Title(2, $"Device Capability type {cap.CapabilityType}: {Convert.ToHexString(cap.Bytes).ToLowerInvariant()}");
            }
        }
    }

    private static void MsOs20Set(LsusbText t, MsOs20SetInfo set, byte[] bytes, byte vendorCode)
    {
        t.Title(0, $"Microsoft OS 2.0 Descriptor Set (vendor request 0x{vendorCode:x2}, wIndex 7):");
        t.Hex8(2, "dwWindowsVersion", set.WindowsVersion, WindowsName(set.WindowsVersion));
        t.Hex4(2, "wTotalLength", set.TotalLength);
        foreach (var f in set.Features)
        {
            var scope = f.ConfigurationIndex == null ? "whole device"
                : f.FirstInterface == null ? $"configuration index {f.ConfigurationIndex}"
                : $"configuration index {f.ConfigurationIndex}, function from interface {f.FirstInterface}";
            switch (f.DescriptorType)
            {
                case 0x03:
                    t.Title(2, $"Compatible ID ({scope}):");
                    t.Text(4, "CompatibleID", set.CompatibleId ?? "");
                    break;
                case 0x04:
                    t.Title(2, $"Registry Property ({scope}):");
                    t.Dec(4, "wPropertyDataType", f.Bytes[4] | (f.Bytes[5] << 8), (f.Bytes[4] | (f.Bytes[5] << 8)) == 7 ? "REG_MULTI_SZ" : null);
                    t.Text(4, "DeviceInterfaceGUIDs", string.Join(" ", set.DeviceInterfaceGuids));
                    break;
                default:
                    t.Title(2, $"Feature type {f.DescriptorType} ({scope}): {Convert.ToHexString(f.Bytes).ToLowerInvariant()}");
                    break;
            }
        }
    }

    private static void DeviceClass(LsusbText t, int indent, string prefix, int deviceClass, int subClass, int protocol)
    {
        t.Dec(indent, prefix + "Class", deviceClass, deviceClass == 0 ? "(Defined at Interface level)" : ClassName(deviceClass));
        t.Dec(indent, prefix + "SubClass", subClass, deviceClass == 0xEF && subClass == 2 ? "?" : null);
        t.Dec(indent, prefix + "Protocol", protocol, deviceClass == 0xEF && subClass == 2 && protocol == 1 ? "Interface Association" : null);
    }

    private static string? ClassName(int code) => code switch
    {
        0x02 => "Communications",
        0x0A => "CDC Data",
        0xEF => "Miscellaneous Device",
        0xFF => "Vendor Specific Class",
        _ => null,
    };

    private static string? VendorName(int vendorId) => vendorId switch
    {
        0x1209 => "Generic (pid.codes)",
        0x2FE0 => "Xaptum (reference-compatible identity)",
        _ => null,
    };

    private static string? WindowsName(uint version) => version switch
    {
        0x06030000 => "Windows 8.1",
        0x0A000000 => "Windows 10",
        _ => null,
    };
}
