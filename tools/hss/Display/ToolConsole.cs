using System;
using System.IO;
using Spectre.Console;

namespace HssDevice.Tool.Display;

/// <summary>
/// Spectre.Console over the writer a command was given. Live displays and colour only when that writer is this
/// process's console and a terminal; otherwise (CI logs, pipes, tests with captured output) plain text, wide enough
/// that tables do not wrap.
/// </summary>
public static class ToolConsole
{
    public static bool IsTerminal(TextWriter writer) =>
        (ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected)
        || (ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected);

    public static IAnsiConsole For(TextWriter writer)
    {
        bool terminal = IsTerminal(writer);
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        if (!terminal)
        {
            console.Profile.Width = 160;
        }

        return console;
    }

    /// <summary>Writes a renderable; in plain output without the blank padding lines Spectre puts around Markdown tables.</summary>
    public static void Write(TextWriter writer, Spectre.Console.Rendering.IRenderable renderable)
    {
        if (IsTerminal(writer))
        {
            For(writer).Write(renderable);
            return;
        }

        var text = new StringWriter();
        For(text).Write(renderable);
        foreach (string line in text.ToString().Split('\n'))
        {
            if (line.Trim().Length > 0)
            {
                writer.WriteLine(line.TrimEnd());
            }
        }
    }

    /// <summary>Tables as Markdown in plain output (readable in logs, pasteable into docs), rounded on a terminal.</summary>
    public static TableBorder TableBorderFor(TextWriter writer) => IsTerminal(writer) ? TableBorder.Rounded : TableBorder.Markdown;
}
