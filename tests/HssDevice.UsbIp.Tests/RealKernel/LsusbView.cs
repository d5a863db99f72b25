using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace HssDevice.UsbIp.Tests.RealKernel;

/// <summary>An endpoint as `lsusb -v` shows it.</summary>
public sealed record LsusbEndpoint(int Address, string TransferType, int MaxPacketSize, int Interval);

/// <summary>An interface as `lsusb -v` shows it (alternate setting 0).</summary>
public sealed record LsusbInterface(int Number, int Class, int Subclass, int Protocol, string InterfaceString, List<LsusbEndpoint> Endpoints);

/// <summary>
/// The fields of `lsusb -v -d VID:PID` the tests compare with the board: the kernel's view of the device, as the
/// usbutils of this machine prints it from the kernel's usbfs copy of the descriptors.
/// </summary>
public sealed class LsusbView
{
    private static readonly Regex Field = new(@"^\s+(\w+)\s+(\S+)\s*(.*)$", RegexOptions.Compiled);

    public Dictionary<string, string> DeviceFields { get; } = new();

    public Dictionary<string, string> DeviceStrings { get; } = new();

    public List<LsusbInterface> Interfaces { get; } = new();

    public static LsusbView Parse(string text)
    {
        var view = new LsusbView();
        string section = "";
        LsusbInterface? iface = null;
        int address = -1, maxPacket = -1;
        string type = "";
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd();
            string trimmed = line.Trim();
            if (trimmed.EndsWith(':') && !trimmed.Contains("  ", StringComparison.Ordinal))
            {
                section = trimmed.TrimEnd(':');
                if (section == "Endpoint Descriptor" && iface != null)
                {
                    address = -1;
                }

                continue;
            }

            Match m = Field.Match(line);
            if (!m.Success)
            {
                continue;
            }

            string key = m.Groups[1].Value, value = m.Groups[2].Value, rest = m.Groups[3].Value.Trim();
            switch (section)
            {
                case "Device Descriptor":
                    view.DeviceFields[key] = value;
                    if (key.StartsWith('i'))
                    {
                        view.DeviceStrings[key] = rest;
                    }

                    break;
                case "Interface Descriptor":
                    if (key == "bInterfaceNumber")
                    {
                        iface = new LsusbInterface(Number(value), 0, 0, 0, "", new List<LsusbEndpoint>());
                        view.Interfaces.Add(iface);
                    }
                    else if (iface != null)
                    {
                        int index = view.Interfaces.Count - 1;
                        iface = key switch
                        {
                            "bInterfaceClass" => iface with { Class = Number(value) },
                            "bInterfaceSubClass" => iface with { Subclass = Number(value) },
                            "bInterfaceProtocol" => iface with { Protocol = Number(value) },
                            "iInterface" => iface with { InterfaceString = rest },
                            _ => iface,
                        };
                        view.Interfaces[index] = iface;
                    }

                    break;
                case "Endpoint Descriptor":
                    if (iface == null)
                    {
                        break;
                    }

                    if (key == "bEndpointAddress")
                    {
                        address = Number(value);
                    }
                    else if (key == "Transfer" && value == "Type")
                    {
                        type = rest;
                    }
                    else if (key == "wMaxPacketSize")
                    {
                        maxPacket = Number(value);
                    }
                    else if (key == "bInterval")
                    {
                        iface.Endpoints.Add(new LsusbEndpoint(address, type, maxPacket, Number(value)));
                    }

                    break;
            }
        }

        return view;
    }

    private static int Number(string text) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? int.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : int.Parse(text, CultureInfo.InvariantCulture);
}
