using System.Collections.Generic;
using HssDevice.Wire;

namespace HssDevice.Tool.Decoding;

/// <summary>Where and why decoding stopped: the byte offset in the whole input, and the packet's index (from 0).</summary>
public sealed record DecodeFailure(int PacketIndex, int PacketOffset, int ErrorOffset, int Status, string Header)
{
    public string Reason => DecodeStatus.Describe(Status);

    public override string ToString() =>
        $"error at offset {ErrorOffset}: {Reason} (packet {PacketIndex} at offset {PacketOffset}: {Header})";
}

/// <summary>
/// Decodes packets placed back to back, each with the device library's <see cref="HssPacket.Decode"/>. Stops at the
/// first packet that does not decode: after a bad header the rest cannot be framed.
/// </summary>
public static class PacketSequence
{
    public static List<PacketDescription> Decode(byte[] bytes, int maxDataPayload, out DecodeFailure? failure)
    {
        var packets = new List<PacketDescription>();
        var packet = new HssPacket();
        int offset = 0;
        while (offset < bytes.Length)
        {
            int remaining = bytes.Length - offset;
            int status = packet.Decode(bytes, offset, remaining, maxDataPayload);
            if (status != DecodeStatus.Ok)
            {
                failure = new DecodeFailure(packets.Count, offset, packet.ErrorOffset, status, DescribeHeader(packet, remaining));
                return packets;
            }

            packets.Add(PacketDescription.From(packet, offset));
            offset += packet.TotalLength;
        }

        failure = null;
        return packets;
    }

    // What was readable of the failed packet, so the user can see which one it was.
    private static string DescribeHeader(HssPacket packet, int remaining)
    {
        if (remaining < HssLayout.HeaderSize)
        {
            return $"{remaining} of {HssLayout.HeaderSize} header bytes";
        }

        return $"{HssOpcode.NameOf(packet.Opcode)} msgId {packet.MsgId} sockId {packet.SockId} payloadLen {packet.PayloadLength}";
    }
}
