using System;
using HssDevice.Wire;

namespace HssDevice.Host.Tests;

/// <summary>A packet the host sent to the raw device, copied out of the link's buffers.</summary>
public sealed record DevicePacket(ushort Opcode, ushort MsgId, uint SockId, byte[] Payload, ushort OrigOpcode, byte Code, bool HasValue, int Value, bool ViaCommandPipe)
{
    /// <summary>Marks the device's link going down (a read returned 0).</summary>
    public static DevicePacket LinkDown { get; } = new(0xFFFF, 0, 0, Array.Empty<byte>(), 0, 0, false, 0, false);

    public bool IsLinkDown => ReferenceEquals(this, LinkDown);

    public static DevicePacket From(HssPacket packet, bool viaCommandPipe)
    {
        byte[] payload = new byte[packet.PayloadLength];
        Array.Copy(packet.Buffer, packet.PayloadOffset, payload, 0, payload.Length);
        return new DevicePacket(packet.Opcode, packet.MsgId, packet.SockId, payload, packet.OrigOpcode, packet.Code, packet.HasValue, packet.Value, viaCommandPipe);
    }

    public override string ToString() => IsLinkDown
        ? "link down"
        : $"{HssOpcode.NameOf(Opcode)} msg {MsgId} sock {SockId:X8} len {Payload.Length}" +
          (Opcode == HssOpcode.Ack ? $" orig {HssOpcode.NameOf(OrigOpcode)} {HssError.NameOf(Code)}{(HasValue ? " value " + Value : "")}" : "");
}
