using System;
using System.Buffers.Binary;

namespace HssDevice.Capture;

/// <summary>USB transfer types as usbmon numbers them (linux/Documentation/usb/usbmon.rst, the binary API).</summary>
public enum UsbTransferType : byte
{
    Isochronous = 0,
    Interrupt = 1,
    Control = 2,
    Bulk = 3,
}

/// <summary>
/// The pcap file format (microsecond timestamps, version 2.4) with link type LINKTYPE_USB_LINUX_MMAPPED (220): every
/// record is a 64-byte usbmon header followed by the captured data. Offsets are declared once here, next to the
/// layout; integers are written little-endian and the file's magic says so, which is how readers learn the order.
/// </summary>
public static class UsbmonFormat
{
    public const uint PcapMagicMicroseconds = 0xA1B2C3D4;
    public const int LinkTypeUsbLinuxMmapped = 220;
    public const int FileHeaderLength = 24;
    public const int RecordHeaderLength = 16;
    public const int UsbmonHeaderLength = 64;

    /// <summary>Largest data part of one record; longer transfers keep their true length and are cut (usbmon does the same).</summary>
    public const int SnapLength = 256 * 1024;

    /// <summary>'S' submission, 'C' completion (the usbmon event types).</summary>
    public const byte Submit = (byte)'S';
    public const byte Complete = (byte)'C';

    /// <summary>flag_setup: '-' when the event carries no setup packet (all but a control submission); 0 when it does.</summary>
    public const byte NoSetup = (byte)'-';

    /// <summary>flag_data: 0 when data follows; '&lt;' an IN submission (no data yet), '&gt;' an OUT completion (data was in the submission).</summary>
    public const byte DataPresent = 0;
    public const byte NoDataIn = (byte)'<';
    public const byte NoDataOut = (byte)'>';

    /// <summary>Linux errno values usbmon reports as status: -EINPROGRESS for a submission, -ECONNRESET for a cancelled
    /// URB, -ESHUTDOWN for one that ended with the device gone, -EPROTO for a failed transfer.</summary>
    public const int StatusInProgress = -115;
    public const int StatusCancelled = -104;
    public const int StatusShutdown = -108;
    public const int StatusProtocolError = -71;

    // The 64-byte usbmon header (struct usbmon_packet of the mmapped API).
    private const int IdOffset = 0;          // u64 URB id: a submission and its completion share it
    private const int TypeOffset = 8;        // u8 'S' / 'C' / 'E'
    private const int TransferTypeOffset = 9; // u8 UsbTransferType
    private const int EndpointOffset = 10;   // u8 endpoint number, bit 7 set for IN
    private const int DeviceOffset = 11;     // u8 device address
    private const int BusOffset = 12;        // u16 bus number
    private const int FlagSetupOffset = 14;  // u8
    private const int FlagDataOffset = 15;   // u8
    private const int SecondsOffset = 16;    // i64
    private const int MicrosecondsOffset = 24; // i32
    private const int StatusOffset = 28;     // i32
    private const int LengthOffset = 32;     // u32 URB length (requested for an IN submission, actual for a completion)
    private const int CapturedOffset = 36;   // u32 bytes of data in this record
    private const int SetupOffset = 40;      // 8 bytes: the setup packet of a control submission
    private const int IntervalOffset = 48;   // i32 polling interval of interrupt endpoints
    private const int StartFrameOffset = 52; // i32
    private const int TransferFlagsOffset = 56; // u32
    private const int DescriptorCountOffset = 60; // u32 isochronous descriptors (none here)

    public static byte[] FileHeader()
    {
        var header = new byte[FileHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(0), PcapMagicMicroseconds);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 4);
        // 8: thiszone, 12: sigfigs, both 0.
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), UsbmonHeaderLength + SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), LinkTypeUsbLinuxMmapped);
        return header;
    }

    /// <summary>Bytes one event takes in the file: record header, usbmon header, captured data.</summary>
    public static int RecordLength(UsbmonEvent e) => RecordHeaderLength + UsbmonHeaderLength + e.Data.Length;

    /// <summary>Writes one event (pcap record header, usbmon header, data) into <paramref name="destination"/>.</summary>
    public static int WriteRecord(UsbmonEvent e, Span<byte> destination)
    {
        int total = RecordLength(e);
        if (destination.Length < total)
        {
            throw new ArgumentException("destination too short for the record", nameof(destination));
        }

        Span<byte> record = destination[..total];
        record.Clear();
        long microseconds = e.TimestampMicroseconds;
        uint seconds = (uint)(microseconds / 1_000_000);
        uint fraction = (uint)(microseconds % 1_000_000);
        uint included = (uint)(UsbmonHeaderLength + e.Data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[0..], seconds);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], fraction);
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], included);
        BinaryPrimitives.WriteUInt32LittleEndian(record[12..], included);

        Span<byte> usb = record[RecordHeaderLength..];
        BinaryPrimitives.WriteUInt64LittleEndian(usb[IdOffset..], e.UrbId);
        usb[TypeOffset] = e.Kind;
        usb[TransferTypeOffset] = (byte)e.TransferType;
        usb[EndpointOffset] = e.Endpoint;
        usb[DeviceOffset] = e.Device;
        BinaryPrimitives.WriteUInt16LittleEndian(usb[BusOffset..], e.Bus);
        usb[FlagSetupOffset] = e.Setup == null ? NoSetup : (byte)0;
        usb[FlagDataOffset] = e.Data.Length > 0 ? DataPresent
            : e.Kind == Submit ? ((e.Endpoint & 0x80) != 0 ? NoDataIn : DataPresent)
            : (e.Endpoint & 0x80) != 0 ? DataPresent : NoDataOut;
        BinaryPrimitives.WriteInt64LittleEndian(usb[SecondsOffset..], seconds);
        BinaryPrimitives.WriteInt32LittleEndian(usb[MicrosecondsOffset..], (int)fraction);
        BinaryPrimitives.WriteInt32LittleEndian(usb[StatusOffset..], e.Status);
        BinaryPrimitives.WriteUInt32LittleEndian(usb[LengthOffset..], (uint)e.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(usb[CapturedOffset..], (uint)e.Data.Length);
        if (e.Setup != null)
        {
            e.Setup.AsSpan(0, 8).CopyTo(usb[SetupOffset..]);
        }

        BinaryPrimitives.WriteInt32LittleEndian(usb[IntervalOffset..], e.TransferType == UsbTransferType.Interrupt ? 1 : 0);
        BinaryPrimitives.WriteInt32LittleEndian(usb[StartFrameOffset..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(usb[TransferFlagsOffset..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(usb[DescriptorCountOffset..], 0);
        e.Data.CopyTo(usb[UsbmonHeaderLength..]);
        return total;
    }
}

/// <summary>One usbmon event: a submission or completion of one URB (transfer) of one endpoint of one device.</summary>
/// <param name="Length">The URB's length: requested bytes of an IN submission, transferred bytes of a completion.</param>
/// <param name="Data">The captured bytes (OUT submission, IN completion), at most <see cref="UsbmonFormat.SnapLength"/>.</param>
/// <param name="Setup">The 8-byte setup packet of a control submission, else null.</param>
public sealed record UsbmonEvent(
    ulong UrbId, byte Kind, UsbTransferType TransferType, byte Endpoint, ushort Bus, byte Device,
    long TimestampMicroseconds, int Status, int Length, byte[] Data, byte[]? Setup = null);
