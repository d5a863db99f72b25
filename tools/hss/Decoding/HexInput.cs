using System;
using System.Collections.Generic;
using System.IO;

namespace HssDevice.Tool.Decoding;

/// <summary>
/// Turns command-line hex into bytes. Whitespace separates groups of digits, inside and between arguments; each
/// group holds whole bytes (an even number of digits) and may start with 0x, which only marks it as hex: the digits
/// are bytes in wire order, so 0x0102 is the bytes 01 02, not a number.
/// </summary>
public static class HexInput
{
    /// <summary>Returns false with a message naming the argument (from 1) and the character offset in it (from 0).</summary>
    public static bool TryParse(IReadOnlyList<string> arguments, out byte[] bytes, out string? error)
    {
        using var collected = new MemoryStream();
        for (int argument = 0; argument < arguments.Count; argument++)
        {
            string text = arguments[argument];
            int position = 0;
            while (position < text.Length)
            {
                if (char.IsWhiteSpace(text[position]))
                {
                    position++;
                    continue;
                }

                int start = position;
                while (position < text.Length && !char.IsWhiteSpace(text[position]))
                {
                    position++;
                }

                if (!TryParseGroup(text, start, position, collected, out int badOffset, out string? reason))
                {
                    error = $"error at offset {badOffset} of argument {argument + 1}: {reason}";
                    bytes = [];
                    return false;
                }
            }
        }

        bytes = collected.ToArray();
        error = null;
        return true;
    }

    private static bool TryParseGroup(string text, int start, int end, MemoryStream collected, out int badOffset, out string? reason)
    {
        int digits = start;
        if (end - start >= 2 && text[start] == '0' && (text[start + 1] == 'x' || text[start + 1] == 'X'))
        {
            digits += 2;
        }

        for (int i = digits; i < end; i++)
        {
            if (!char.IsAsciiHexDigit(text[i]))
            {
                badOffset = i;
                reason = $"'{text[i]}' is not a hex digit";
                return false;
            }
        }

        if (digits == end)
        {
            badOffset = start;
            reason = "\"0x\" with no digits after it";
            return false;
        }

        if ((end - digits) % 2 != 0)
        {
            badOffset = end - 1;
            reason = $"odd number of hex digits in \"{text[start..end]}\" (each group holds whole bytes)";
            return false;
        }

        collected.Write(Convert.FromHexString(text.AsSpan(digits, end - digits)));
        badOffset = 0;
        reason = null;
        return true;
    }
}
