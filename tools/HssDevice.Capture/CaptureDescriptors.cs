using System;

namespace HssDevice.Capture;

/// <summary>
/// The device and configuration descriptors a capture starts each device with, as the answers to two GET_DESCRIPTOR
/// control transfers: Wireshark's USB dissector learns the device's VID/PID and each endpoint's interface class from
/// them, which is how the HSS dissector (tools/wireshark/hss.lua) finds the device's bulk and interrupt transfers.
/// </summary>
public sealed class CaptureDescriptors
{
    public const ushort PseudoVendorId = 0x1209;
    public const ushort PseudoProductId = 0x0001;

    public CaptureDescriptors(byte[] device, byte[] configuration)
    {
        if (device == null || device.Length < 18 || device[1] != 1)
        {
            throw new ArgumentException("not a device descriptor", nameof(device));
        }

        if (configuration == null || configuration.Length < 9 || configuration[1] != 2)
        {
            throw new ArgumentException("not a configuration descriptor", nameof(configuration));
        }

        Device = device;
        Configuration = configuration;
    }

    public byte[] Device { get; }

    public byte[] Configuration { get; }

    /// <summary>
    /// Descriptors of a device that has none of its own (the emulated link of `hss demo`, a TCP single-pipe link): the
    /// vendor profile of docs/protocol.md section 12, one interface 0xFF/0xAB/0x00, bulk IN 0x81 / OUT 0x01 and, when
    /// <paramref name="commandPipe"/>, interrupt IN 0x82 / OUT 0x02. VID:PID 1209:0001 as the project's boards.
    /// </summary>
    public static CaptureDescriptors Pseudo(bool commandPipe, int bulkMaxPacketSize, bool highSpeed,
        ushort vendorId = PseudoVendorId, ushort productId = PseudoProductId)
    {
        byte[] device =
        [
            18, 1, 0x00, 0x02, 0x00, 0x00, 0x00, 64,
            (byte)vendorId, (byte)(vendorId >> 8), (byte)productId, (byte)(productId >> 8),
            0x00, 0x01, 0, 0, 0, 1,
        ];
        int endpoints = commandPipe ? 4 : 2;
        int total = 9 + 9 + 7 * endpoints;
        var configuration = new byte[total];
        byte[] head = [9, 2, (byte)total, (byte)(total >> 8), 1, 1, 0, 0x80, 50, 9, 4, 0, 0, (byte)endpoints, 0xFF, 0xAB, 0x00, 0];
        head.CopyTo(configuration, 0);
        int at = head.Length;
        at = Endpoint(configuration, at, 0x81, UsbTransferType.Bulk, bulkMaxPacketSize, 0);
        at = Endpoint(configuration, at, 0x01, UsbTransferType.Bulk, bulkMaxPacketSize, 0);
        if (commandPipe)
        {
            byte interval = highSpeed ? (byte)4 : (byte)1;
            at = Endpoint(configuration, at, 0x82, UsbTransferType.Interrupt, 64, interval);
            Endpoint(configuration, at, 0x02, UsbTransferType.Interrupt, 64, interval);
        }

        return new CaptureDescriptors(device, configuration);
    }

    private static int Endpoint(byte[] into, int at, byte address, UsbTransferType type, int maxPacket, byte interval)
    {
        byte[] endpoint = [7, 5, address, (byte)(type == UsbTransferType.Bulk ? 2 : 3), (byte)maxPacket, (byte)(maxPacket >> 8), interval];
        endpoint.CopyTo(into, at);
        return at + endpoint.Length;
    }
}
