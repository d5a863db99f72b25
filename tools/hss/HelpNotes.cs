using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Linq;

namespace HssDevice.Tool;

/// <summary>A command whose help ends with notes (exit codes, error formats, examples) too long for its description.</summary>
public interface IHelpNotes
{
    string HelpNotes { get; }
}

/// <summary>
/// Prints the notes of <see cref="IHelpNotes"/> commands after the default help. System.CommandLine 3.0 keeps its
/// help layout types internal, so this wraps the help option's action instead of adding a section.
/// </summary>
public sealed class HelpWithNotesAction : SynchronousCommandLineAction
{
    private readonly SynchronousCommandLineAction _help;

    private HelpWithNotesAction(SynchronousCommandLineAction help) => _help = help;

    public static void AttachTo(RootCommand root)
    {
        if (root.Options.OfType<HelpOption>().FirstOrDefault() is { Action: SynchronousCommandLineAction help } option)
        {
            option.Action = new HelpWithNotesAction(help);
        }
    }

    public override int Invoke(ParseResult parseResult)
    {
        int result = _help.Invoke(parseResult);
        if (parseResult.CommandResult.Command is IHelpNotes notes)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(notes.HelpNotes.TrimEnd());
            parseResult.InvocationConfiguration.Output.WriteLine();
        }

        return result;
    }
}
