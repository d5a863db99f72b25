using System;
using System.CommandLine;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Tool.Commands;

namespace HssDevice.Tool;

/// <summary>
/// Wires the commands of `hss`. Each command is a Command subclass in its own file under Commands/ (implementing
/// IHelpNotes for help longer than a description) and writes to parseResult.InvocationConfiguration.Output/Error,
/// so that Run and RunAsync can hand it the writers: tests invoke the tool in-process with captured output.
/// </summary>
public static class Program
{
    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out, Console.Error);

    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand(
            "hss: Host Socket Sharing (HSS), the USB protocol by which a device has its host open TCP/UDP sockets " +
            "for it and carries their data over USB.");
        root.Subcommands.Add(new DecodeCommand());
        root.Subcommands.Add(new DescriptorsCommand());
        root.Subcommands.Add(new DemoCommand());
        root.Subcommands.Add(new HostCommand());
        root.Subcommands.Add(new EmulateCommand());
        root.Subcommands.Add(new BenchCommand());
        root.Subcommands.Add(new FuzzCommand());
        root.Subcommands.Add(new SoakCommand());
        HelpWithNotesAction.AttachTo(root);
        return root;
    }

    public static int Run(string[] args, TextWriter output, TextWriter error) =>
        Parse(args).Invoke(Configure(output, error));

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        Parse(args).InvokeAsync(Configure(output, error), cancellationToken);

    /// <summary>
    /// A bad command line is answered with its error lines only (one per problem, each naming the option), not
    /// followed by the whole help, which buried them; `hss` alone still shows the help.
    /// </summary>
    public static ParseResult Parse(string[] args)
    {
        ParseResult result = CreateRootCommand().Parse(args, Parsing);
        if (args.Length > 0 && result.Action is System.CommandLine.Invocation.ParseErrorAction errorAction)
        {
            errorAction.ShowHelp = false;
        }

        return result;
    }

    /// <summary>No response files in the parser: their token limit broke `hss decode @FILE` for long dumps (issue 8).
    /// `hss decode` reads @FILE and stdin itself (Decoding/HexSource), without a limit.</summary>
    private static ParserConfiguration Parsing => new() { ResponseFileTokenReplacer = null };

    private static InvocationConfiguration Configure(TextWriter output, TextWriter error) =>
        new() { Output = output, Error = error };
}
