using System;
using System.CommandLine;
using System.CommandLine.Parsing;

namespace HssDevice.Tool.Commands;

/// <summary>Option values as a command validator sees them, which runs even when an option's value was refused.</summary>
internal static class CommandValues
{
    /// <summary>
    /// False when the option's value was refused (its own error line says why; the caller adds none). When the
    /// option is absent, <paramref name="whenAbsent"/>: a command validator can run before the defaults are filled in.
    /// </summary>
    public static bool TryGet<T>(CommandResult command, Option<T> option, T whenAbsent, out T value)
    {
        value = whenAbsent;
        if (command.GetResult(option) is not { Implicit: false })
        {
            return true;
        }

        try
        {
            value = command.GetValue(option)!;
            return true;
        }
        catch (InvalidOperationException)
        {
            // System.CommandLine's way of saying the value was refused.
            return false;
        }
    }

    /// <summary>A value as typed, for an error line: control characters escaped so that the line stays one line.</summary>
    public static string Shown(string text)
    {
        var shown = new System.Text.StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (char.IsControl(c))
            {
                shown.Append(c switch { '\r' => "\\r", '\n' => "\\n", '\t' => "\\t", _ => $"\\u{(int)c:x4}" });
            }
            else
            {
                shown.Append(c);
            }
        }

        return shown.ToString();
    }
}
