using System;
using System.Net;
using HssDevice.Wire;

namespace HssDevice.Tool.Decoding;

/// <summary>
/// One decoded packet as `hss decode` shows it: the header, then only the fields its opcode has (null otherwise).
/// Property names and order are the JSON keys and their order.
/// </summary>
public sealed record PacketDescription
{
    public required string Opcode { get; init; }
    public required ushort MsgId { get; init; }
    public required uint SockId { get; init; }
    public required uint PayloadLen { get; init; }

    /// <summary>OPEN.</summary>
    public uint? Handle { get; init; }

    /// <summary>OPEN and CONNECT: "IPv4", "IPv6", or the number form of HssFamily.NameOf for other values.</summary>
    public string? Family { get; init; }

    public string? Protocol { get; init; }
    public string? Type { get; init; }

    /// <summary>CONNECT.</summary>
    public ushort? Port { get; init; }

    /// <summary>CONNECT: dotted IPv4 or RFC 5952 IPv6 text (the scope id is its own field).</summary>
    public string? Address { get; init; }

    /// <summary>CONNECT over IPv6.</summary>
    public uint? FlowInfo { get; init; }

    public uint? ScopeId { get; init; }

    /// <summary>ACK and REPLY.</summary>
    public string? OrigOpcode { get; init; }

    public string? Code { get; init; }

    /// <summary>ACK and REPLY whose return data holds at least 4 bytes: the signed little-endian value.</summary>
    public int? Value { get; init; }

    /// <summary>Lower-case hex: TRANSMIT's payload (always), or ACK/REPLY return data after the value (when any).</summary>
    public string? Data { get; init; }

    /// <summary>Where the packet starts in the whole input.</summary>
    public required int Offset { get; init; }

    /// <summary>Copies the fields of a successfully decoded packet.</summary>
    public static PacketDescription From(HssPacket packet, int offset)
    {
        var header = new PacketDescription
        {
            Opcode = HssOpcode.NameOf(packet.Opcode),
            MsgId = packet.MsgId,
            SockId = packet.SockId,
            PayloadLen = packet.PayloadLength,
            Offset = offset,
        };

        switch (packet.Opcode)
        {
            case HssOpcode.Open:
                return header with
                {
                    Handle = packet.Handle,
                    Family = HssFamily.NameOf(packet.Family),
                    Protocol = HssProtocol.NameOf(packet.Protocol),
                    Type = HssType.NameOf(packet.SocketType),
                };
            case HssOpcode.Connect:
                bool v6 = packet.Family == HssFamily.IPv6;
                return header with
                {
                    Family = HssFamily.NameOf(packet.Family),
                    Port = packet.Port,
                    Address = new IPAddress(packet.Address.AsSpan(0, packet.AddressLength)).ToString(),
                    FlowInfo = v6 ? packet.FlowInfo : null,
                    ScopeId = v6 ? packet.ScopeId : null,
                };
            case HssOpcode.Transmit:
                return header with { Data = Convert.ToHexStringLower(packet.Buffer, packet.PayloadOffset, (int)packet.PayloadLength) };
            case HssOpcode.Ack:
            case HssOpcode.Reply:
                int valueLength = packet.HasValue ? 4 : 0;
                int dataLength = packet.ReturnDataLength - valueLength;
                return header with
                {
                    OrigOpcode = HssOpcode.NameOf(packet.OrigOpcode),
                    Code = HssError.NameOf(packet.Code),
                    Value = packet.HasValue ? packet.Value : null,
                    Data = dataLength > 0 ? Convert.ToHexStringLower(packet.Buffer, packet.ReturnDataOffset + valueLength, dataLength) : null,
                };
            default:
                return header;
        }
    }
}
