using System;
using System.Collections.Generic;
using System.Linq;

namespace HssDevice.Tool.Tests;

/// <summary>Reads the text form back: one block per packet, its title line and its "key value" lines.</summary>
public sealed record TextBlock(string Title, Dictionary<string, string> Fields)
{
    public static TextBlock[] Parse(string output)
    {
        var blocks = output.Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        return blocks.Select(ParseBlock).ToArray();
    }

    private static TextBlock ParseBlock(string block)
    {
        var lines = block.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var fields = new Dictionary<string, string>();
        string? lastKey = null;
        foreach (string line in lines.Skip(1))
        {
            string trimmed = line.Trim();
            int space = trimmed.IndexOf(' ');
            bool continuation = line.StartsWith("   ", StringComparison.Ordinal) && lastKey == "data";
            if (continuation)
            {
                // Wrapped data lines carry on the field above.
                fields[lastKey!] += " " + trimmed;
                continue;
            }

            lastKey = trimmed[..space];
            fields[lastKey] = trimmed[space..].Trim();
        }

        return new TextBlock(lines[0], fields);
    }
}
