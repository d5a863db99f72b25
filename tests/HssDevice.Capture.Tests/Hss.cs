using System;
using System.Buffers.Binary;
using System.Linq;

namespace HssDevice.Capture.Tests;

/// <summary>HSS packets built byte by byte from docs/protocol.md (not with the project's codec), so the dissector is
/// checked against the document.</summary>
public static class Hss
{
    public const ushort Open = 0, Connect = 1, Shutdown = 2, Transmit = 3, Ack = 4, Reply = 5, Close = 6;

    public static byte[] Packet(ushort opcode, ushort msgId, uint sockId, byte[] payload)
    {
        var packet = new byte[12 + payload.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(packet.AsSpan(0), opcode);
        BinaryPrimitives.WriteUInt16LittleEndian(packet.AsSpan(2), msgId);
        BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(4), sockId);
        BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(8), (uint)payload.Length);
        payload.CopyTo(packet, 12);
        return packet;
    }

    public static byte[] OpenTcp4(ushort msgId, uint handle)
    {
        var payload = new byte[9];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, handle);
        payload[4] = 1; // IPv4
        payload[6] = 1; // TCP
        payload[8] = 1; // stream
        return Packet(Open, msgId, 0, payload);
    }

    public static byte[] Connect4(ushort msgId, uint sock, byte[] address, ushort port) =>
        Packet(Connect, msgId, sock, [1, 0, (byte)(port >> 8), (byte)port, .. address]);

    public static byte[] Connect6(ushort msgId, uint sock, byte[] address, ushort port) =>
        Packet(Connect, msgId, sock, [2, 0, (byte)(port >> 8), (byte)port, 0, 0, 0, 0, 0, 0, 0, 0, .. address]);

    public static byte[] Answer(ushort msgId, uint sock, ushort origOpcode, byte code, int? count = null)
    {
        byte[] payload = count == null ? new byte[3] : new byte[7];
        BinaryPrimitives.WriteUInt16LittleEndian(payload, origOpcode);
        payload[2] = code;
        if (count != null)
        {
            BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(3), count.Value);
        }

        return Packet(Ack, msgId, sock, payload);
    }

    public static byte[] Data(int count, int seed) => Enumerable.Range(seed, count).Select(i => (byte)(i * 7)).ToArray();

    public static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
