using System;
using System.Buffers.Binary;
using System.Text;

namespace HssDevice.UsbIp;

/// <summary>
/// The USB/IP wire format (Linux Documentation/usb/usbip_protocol.rst, version 0x0111), every field big-endian.
/// Field offsets are declared here once, next to their layout; nothing else in the server does byte arithmetic.
///
/// Operation messages (before import):            URB messages (after import), 48-byte header:
///   0 version (2) = 0x0111                         0 command (4): 1 CMD_SUBMIT, 2 CMD_UNLINK, 3 RET_SUBMIT, 4 RET_UNLINK
///   2 code (2): 0x8005 REQ_DEVLIST, 0x0005 REP,    4 seqnum (4)   8 devid (4)   12 direction (4): 0 OUT, 1 IN
///               0x8003 REQ_IMPORT, 0x0003 REP     16 ep (4)
///   4 status (4)                                  CMD_SUBMIT: 20 transfer_flags 24 transfer_buffer_length
///   8 body                                           28 start_frame 32 number_of_packets 36 interval 40 setup (8)
///                                                 RET_SUBMIT: 20 status 24 actual_length 28 start_frame
///                                                    32 number_of_packets 36 error_count 40 padding (8)
///                                                 CMD_UNLINK: 20 unlink_seqnum;  RET_UNLINK: 20 status
/// </summary>
internal static class UsbIpWire
{
    public const ushort Version = 0x0111;

    public const int OpHeaderSize = 8;
    public const ushort OpReqDevlist = 0x8005;
    public const ushort OpRepDevlist = 0x0005;
    public const ushort OpReqImport = 0x8003;
    public const ushort OpRepImport = 0x0003;

    /// <summary>Operation status: OK, and the codes of the usbip tools (usbip_common.h): not available, busy.</summary>
    public const uint StatusOk = 0;
    public const uint StatusNotAvailable = 1;
    public const uint StatusDeviceBusy = 2;

    public const int BusIdSize = 32;
    public const int PathSize = 256;

    /// <summary>path, busid, busnum, devnum, speed, idVendor, idProduct, bcdDevice, 6 single bytes: 312 bytes.</summary>
    public const int DeviceRecordSize = PathSize + BusIdSize + 12 + 6 + 6;
    public const int InterfaceRecordSize = 4;

    public const int UrbHeaderSize = 48;
    public const uint CmdSubmit = 1;
    public const uint CmdUnlink = 2;
    public const uint RetSubmit = 3;
    public const uint RetUnlink = 4;

    public const uint DirectionOut = 0;
    public const uint DirectionIn = 1;

    // Offsets in the 48-byte URB header.
    public const int CommandOffset = 0;
    public const int SeqNumOffset = 4;
    public const int DevIdOffset = 8;
    public const int DirectionOffset = 12;
    public const int EndpointOffset = 16;
    public const int TransferFlagsOffset = 20;

    /// <summary>Linux URB_ZERO_PACKET in transfer_flags: end a bulk OUT transfer of whole packets with a ZLP.</summary>
    public const uint UrbZeroPacket = 0x0040;
    public const int TransferBufferLengthOffset = 24;
    public const int StartFrameOffset = 28;
    public const int NumberOfPacketsOffset = 32;
    public const int IntervalOffset = 36;
    public const int SetupOffset = 40;
    public const int SetupSize = 8;
    public const int RetStatusOffset = 20;
    public const int ActualLengthOffset = 24;
    public const int ErrorCountOffset = 36;
    public const int UnlinkSeqNumOffset = 20;

    /// <summary>number_of_packets of a transfer that is not isochronous (the kernel sends 0 or 0xFFFFFFFF).</summary>
    public const uint NotIsochronous = 0xFFFFFFFF;

    /// <summary>Linux errno values the kernel expects in RET_SUBMIT / RET_UNLINK status, negated.</summary>
    public const int ErrorPipe = -32;        // -EPIPE: the endpoint stalled
    public const int ErrorConnectionReset = -104; // -ECONNRESET: the URB was unlinked

    public static ushort ReadU16(ReadOnlySpan<byte> b, int offset) => BinaryPrimitives.ReadUInt16BigEndian(b.Slice(offset, 2));

    public static uint ReadU32(ReadOnlySpan<byte> b, int offset) => BinaryPrimitives.ReadUInt32BigEndian(b.Slice(offset, 4));

    public static void WriteU16(Span<byte> b, int offset, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(b.Slice(offset, 2), value);

    public static void WriteU32(Span<byte> b, int offset, uint value) => BinaryPrimitives.WriteUInt32BigEndian(b.Slice(offset, 4), value);

    public static byte[] OpHeader(ushort code, uint status)
    {
        var header = new byte[OpHeaderSize];
        WriteU16(header, 0, Version);
        WriteU16(header, 2, code);
        WriteU32(header, 4, status);
        return header;
    }

    /// <summary>A NUL-terminated string field of fixed size (path, busid), read up to the first NUL.</summary>
    public static string ReadFixedString(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? field : field.Slice(0, end));
    }

    public static void WriteFixedString(Span<byte> field, string text)
    {
        field.Clear();
        int length = Encoding.ASCII.GetBytes(text.AsSpan(0, Math.Min(text.Length, field.Length - 1)), field);
        field[length] = 0;
    }

    /// <summary>The exported device's record, as OP_REP_DEVLIST (with interfaces after it) and OP_REP_IMPORT send it.</summary>
    public static void WriteDeviceRecord(Span<byte> b, UsbIpDeviceInfo d)
    {
        WriteFixedString(b.Slice(0, PathSize), d.Path);
        WriteFixedString(b.Slice(PathSize, BusIdSize), d.BusId);
        int o = PathSize + BusIdSize;
        WriteU32(b, o, d.BusNumber);
        WriteU32(b, o + 4, d.DeviceNumber);
        WriteU32(b, o + 8, d.Speed);
        WriteU16(b, o + 12, d.VendorId);
        WriteU16(b, o + 14, d.ProductId);
        WriteU16(b, o + 16, d.DeviceRelease);
        b[o + 18] = d.DeviceClass;
        b[o + 19] = d.DeviceSubclass;
        b[o + 20] = d.DeviceProtocol;
        b[o + 21] = d.ConfigurationValue;
        b[o + 22] = d.ConfigurationCount;
        b[o + 23] = (byte)d.Interfaces.Length;
    }

    public static byte[] DevlistReply(UsbIpDeviceInfo d)
    {
        var reply = new byte[OpHeaderSize + 4 + DeviceRecordSize + (d.Interfaces.Length * InterfaceRecordSize)];
        OpHeader(OpRepDevlist, StatusOk).CopyTo(reply, 0);
        WriteU32(reply, OpHeaderSize, 1); // number of exported devices
        Span<byte> record = reply.AsSpan(OpHeaderSize + 4);
        WriteDeviceRecord(record, d);
        for (int i = 0; i < d.Interfaces.Length; i++)
        {
            int o = DeviceRecordSize + (i * InterfaceRecordSize);
            record[o] = d.Interfaces[i].Class;
            record[o + 1] = d.Interfaces[i].Subclass;
            record[o + 2] = d.Interfaces[i].Protocol;
            record[o + 3] = 0; // padding
        }

        return reply;
    }

    public static byte[] ImportReply(UsbIpDeviceInfo d)
    {
        var reply = new byte[OpHeaderSize + DeviceRecordSize];
        OpHeader(OpRepImport, StatusOk).CopyTo(reply, 0);
        WriteDeviceRecord(reply.AsSpan(OpHeaderSize), d);
        return reply;
    }

    /// <summary>RET_SUBMIT header followed by the IN data (empty for OUT).</summary>
    public static byte[] RetSubmitMessage(uint seqNum, int status, ReadOnlySpan<byte> inData, int outActualLength)
    {
        var message = new byte[UrbHeaderSize + inData.Length];
        WriteU32(message, CommandOffset, RetSubmit);
        WriteU32(message, SeqNumOffset, seqNum);
        // devid, direction and ep are 0 in replies (usbip_protocol.rst).
        WriteU32(message, RetStatusOffset, unchecked((uint)status));
        WriteU32(message, ActualLengthOffset, (uint)(inData.Length > 0 ? inData.Length : outActualLength));
        WriteU32(message, NumberOfPacketsOffset, NotIsochronous);
        inData.CopyTo(message.AsSpan(UrbHeaderSize));
        return message;
    }

    public static byte[] RetUnlinkMessage(uint seqNum, int status)
    {
        var message = new byte[UrbHeaderSize];
        WriteU32(message, CommandOffset, RetUnlink);
        WriteU32(message, SeqNumOffset, seqNum);
        WriteU32(message, RetStatusOffset, unchecked((uint)status));
        return message;
    }
}
