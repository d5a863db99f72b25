using System.Text;
using HssDevice.Host.Usb.UsbStream;
using static HssDevice.Host.Usb.LibUsb.LibUsbNative;

namespace HssDevice.Host.Usb.LibUsb;

/// <summary>
/// libusb's own enumeration (libusb_get_device_list) as <see cref="UsbDeviceCandidate"/>s: bus, address, port path
/// and the descriptors libusb read at enumeration, put back into wire bytes (ConfigurationBytes), so no device is
/// opened to be matched. The one exception is a UsbStream board's VID:PID, whose product string tells it apart
/// (UsbStreamFinder) and which libusb reads only from an opened device.
/// </summary>
internal static unsafe class LibUsbDeviceList
{
    private const int DeviceDescriptorLength = 18;

    /// <summary>The most port numbers a path has (USB 3: 7 tiers).</summary>
    private const int MaxPortDepth = 7;

    /// <summary>Every device but root hubs; a device libusb cannot describe (gone meanwhile) is left out.</summary>
    /// <param name="products">
    /// Product strings read earlier, by device key (bus and address, new at every enumeration of a device), so a
    /// device is opened for its string once, not at every scan; null: read none (on Linux sysfs has them).
    /// </param>
    public static IReadOnlyList<UsbDeviceCandidate> Scan(IntPtr context, Action<string> skipped, Dictionary<string, string?>? products)
    {
        nint count = libusb_get_device_list(context, out IntPtr* list);
        if (count < 0)
        {
            throw new UsbHostException("libusb_get_device_list failed: " + Describe((int)count), (int)count);
        }

        var devices = new List<UsbDeviceCandidate>();
        try
        {
            for (nint i = 0; i < count; i++)
            {
                string? why = TryDescribe(list[i], products, out UsbDeviceCandidate? device);
                if (device != null)
                {
                    devices.Add(device);
                }
                else if (why != null)
                {
                    skipped(why);
                }
            }
        }
        finally
        {
            libusb_free_device_list(list, 1);
        }

        if (products != null)
        {
            // Bounded by the devices present: a key that left is forgotten.
            foreach (string gone in products.Keys.Where(k => devices.All(d => d.Key != k)).ToList())
            {
                products.Remove(gone);
            }
        }

        devices.Sort((a, b) => string.CompareOrdinal(a.SysName, b.SysName));
        return devices;
    }

    /// <summary>The libusb device at bus and address in a list of the moment, opened; null when it is not there.</summary>
    public static IntPtr? Open(IntPtr context, int bus, int address, out int result)
    {
        result = ErrorNoDevice;
        nint count = libusb_get_device_list(context, out IntPtr* list);
        if (count < 0)
        {
            result = (int)count;
            return null;
        }

        try
        {
            for (nint i = 0; i < count; i++)
            {
                if (libusb_get_bus_number(list[i]) == bus && libusb_get_device_address(list[i]) == address)
                {
                    result = libusb_open(list[i], out IntPtr handle);
                    return result == Success ? handle : null;
                }
            }

            return null;
        }
        finally
        {
            libusb_free_device_list(list, 1);
        }
    }

    /// <summary>Null reason and null device for a root hub (not a device to host).</summary>
    private static string? TryDescribe(IntPtr device, Dictionary<string, string?>? products, out UsbDeviceCandidate? candidate)
    {
        candidate = null;
        int bus = libusb_get_bus_number(device);
        int address = libusb_get_device_address(device);
        byte* ports = stackalloc byte[MaxPortDepth];
        int depth = libusb_get_port_numbers(device, ports, MaxPortDepth);
        if (depth == 0)
        {
            return null;
        }

        // Linux names devices this way (sysfs "1-1.2"); other systems get the same form, which is only a name.
        string name = depth < 0 ? $"{bus}-?{address}" : bus + "-" + string.Join(".", Enumerable.Range(0, depth).Select(i => ports[i].ToString()));
        byte[] deviceDescriptor = new byte[DeviceDescriptorLength];
        int rc;
        fixed (byte* buffer = deviceDescriptor)
        {
            // struct libusb_device_descriptor has the wire layout (16-bit fields are aligned where the wire has them)
            // in host byte order, which is the wire's little-endian on every platform .NET runs this on.
            rc = libusb_get_device_descriptor(device, buffer);
        }

        if (rc < 0)
        {
            return $"{name}: libusb cannot read its device descriptor: {Describe(rc)}";
        }

        var bytes = new List<byte>(deviceDescriptor);
        int configurations = deviceDescriptor[17];
        for (int index = 0; index < configurations; index++)
        {
            rc = libusb_get_config_descriptor(device, (byte)index, out ConfigDescriptor* config);
            if (rc < 0)
            {
                return $"{name}: libusb cannot read configuration {index}: {Describe(rc)}";
            }

            try
            {
                bytes.AddRange(ConfigurationBytes.Write(ToNode(config)));
            }
            catch (ArgumentException e)
            {
                return $"{name}: configuration {index}: {e.Message}";
            }
            finally
            {
                libusb_free_config_descriptor(config);
            }
        }

        var found = new UsbDeviceCandidate(name, bus, address, bytes.ToArray()) { Source = UsbDeviceSource.LibUsb };
        if (products != null && UsbStreamFinder.IsUsbStreamIdentity(found.VendorId, found.ProductId))
        {
            if (!products.TryGetValue(found.Key, out string? product))
            {
                product = ReadProduct(device, deviceDescriptor[15]);
                products[found.Key] = product;
            }

            found = found with { Product = product };
        }

        candidate = found;
        return null;
    }

    /// <summary>The product string, from the opened device; null when it cannot be opened or has none.</summary>
    private static string? ReadProduct(IntPtr device, byte index)
    {
        if (index == 0 || libusb_open(device, out IntPtr handle) != Success)
        {
            return null;
        }

        try
        {
            byte* text = stackalloc byte[256];
            int length = libusb_get_string_descriptor_ascii(handle, index, text, 256);
            return length < 0 ? null : Encoding.ASCII.GetString(text, length);
        }
        finally
        {
            libusb_close(handle);
        }
    }

    private static DescriptorNode ToNode(ConfigDescriptor* config)
    {
        var header = new byte[] { config->Length, config->DescriptorType, 0, 0, config->NumInterfaces, config->ConfigurationValue,
            config->Configuration, config->Attributes, config->MaxPower };
        var alternates = new List<DescriptorNode>();
        for (int i = 0; i < config->NumInterfaces; i++)
        {
            Interface* alternatesOfOne = &config->Interfaces[i];
            for (int a = 0; a < alternatesOfOne->NumAltSettings; a++)
            {
                InterfaceDescriptor* alt = &alternatesOfOne->AltSettings[a];
                var endpoints = new List<DescriptorNode>();
                for (int e = 0; e < alt->NumEndpoints; e++)
                {
                    endpoints.Add(ToNode(&alt->Endpoints[e]));
                }

                var altHeader = new byte[] { alt->Length, alt->DescriptorType, alt->InterfaceNumber, alt->AlternateSetting, alt->NumEndpoints,
                    alt->InterfaceClass, alt->InterfaceSubClass, alt->InterfaceProtocol, alt->Interface };
                alternates.Add(new DescriptorNode(altHeader, Extra(alt->Extra, alt->ExtraLength), endpoints));
            }
        }

        return new DescriptorNode(header, Extra(config->Extra, config->ExtraLength), alternates);
    }

    private static DescriptorNode ToNode(EndpointDescriptor* endpoint)
    {
        // The 7-byte form, or audio's 9-byte form with bRefresh and bSynchAddress: as long as the device said.
        var header = new List<byte> { endpoint->Length, endpoint->DescriptorType, endpoint->EndpointAddress, endpoint->Attributes,
            (byte)endpoint->MaxPacketSize, (byte)(endpoint->MaxPacketSize >> 8), endpoint->Interval };
        if (endpoint->Length >= 9)
        {
            header.Add(endpoint->Refresh);
            header.Add(endpoint->SynchAddress);
        }

        return DescriptorNode.Leaf(header.ToArray(), Extra(endpoint->Extra, endpoint->ExtraLength));
    }

    private static byte[] Extra(byte* extra, int length) =>
        extra == null || length <= 0 ? Array.Empty<byte>() : new ReadOnlySpan<byte>(extra, length).ToArray();
}
