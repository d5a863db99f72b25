using System;
using HssDevice.Wire;

namespace HssDevice.Host.Emulation;

/// <summary>
/// With packing off, cuts one write into one transfer per HSS packet. The link's only protocol knowledge: it reads
/// payload_len from each 12-byte header. Bytes that do not form a whole packet stay together as the last transfer.
/// </summary>
public static class HssTransferSplitter
{
    /// <summary>Length of the first transfer of data (the first whole packet, or everything when none is whole).</summary>
    public static int FirstTransferLength(ReadOnlySpan<byte> data)
    {
        if (data.Length < HssLayout.HeaderSize)
        {
            return data.Length;
        }

        uint payloadLength = BitConverterLittleEndian(data.Slice(HssLayout.PayloadLengthOffset, 4));
        long total = HssLayout.HeaderSize + (long)payloadLength;
        return total <= data.Length ? (int)total : data.Length;
    }

    private static uint BitConverterLittleEndian(ReadOnlySpan<byte> four) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(four);
}
