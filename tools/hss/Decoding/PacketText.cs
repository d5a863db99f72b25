using System.Collections.Generic;
using System.IO;
using HssDevice.Wire;

namespace HssDevice.Tool.Decoding;

/// <summary>The text form of `hss decode`: one block per packet, one field per line, keyed as in the JSON form.</summary>
public static class PacketText
{
    private const int DataBytesPerLine = 16;
    private const string Indent = "  ";
    private const int KeyWidth = 12;

    public static void Write(TextWriter output, IReadOnlyList<PacketDescription> packets)
    {
        for (int i = 0; i < packets.Count; i++)
        {
            if (i > 0)
            {
                output.WriteLine();
            }

            Write(output, i, packets[i]);
        }
    }

    private static void Write(TextWriter output, int index, PacketDescription p)
    {
        output.WriteLine($"packet {index} at offset {p.Offset} ({HssLayout.HeaderSize + p.PayloadLen} bytes)");
        Field(output, "opcode", p.Opcode);
        Field(output, "msgId", $"{p.MsgId} (0x{p.MsgId:x4})");
        Field(output, "sockId", $"{p.SockId} (0x{p.SockId:x8})");
        Field(output, "payloadLen", p.PayloadLen.ToString());
        if (p.Handle is uint handle)
        {
            Field(output, "handle", $"{handle} (0x{handle:x8})");
        }

        Field(output, "family", p.Family);
        Field(output, "protocol", p.Protocol);
        Field(output, "type", p.Type);
        Field(output, "port", p.Port?.ToString());
        Field(output, "address", p.Address);
        if (p.FlowInfo is uint flowInfo)
        {
            Field(output, "flowInfo", $"{flowInfo} (0x{flowInfo:x8})");
        }

        Field(output, "scopeId", p.ScopeId?.ToString());
        Field(output, "origOpcode", p.OrigOpcode);
        Field(output, "code", p.Code);
        Field(output, "value", p.Value?.ToString());
        if (p.Data is string data)
        {
            WriteData(output, data);
        }
    }

    private static void Field(TextWriter output, string key, string? value)
    {
        if (value is not null)
        {
            output.WriteLine($"{Indent}{key.PadRight(KeyWidth)}{value}");
        }
    }

    // Bytes spaced and wrapped like a hex dump; an empty TRANSMIT payload shows as "(none)".
    private static void WriteData(TextWriter output, string hex)
    {
        if (hex.Length == 0)
        {
            Field(output, "data", "(none)");
            return;
        }

        string continuation = new(' ', Indent.Length + KeyWidth);
        for (int line = 0; line * DataBytesPerLine * 2 < hex.Length; line++)
        {
            int start = line * DataBytesPerLine * 2;
            int end = System.Math.Min(start + DataBytesPerLine * 2, hex.Length);
            var bytes = new List<string>();
            for (int i = start; i < end; i += 2)
            {
                bytes.Add(hex.Substring(i, 2));
            }

            string prefix = line == 0 ? Indent + "data".PadRight(KeyWidth) : continuation;
            output.WriteLine(prefix + string.Join(' ', bytes));
        }
    }
}
