using System.IO;
using System.Text.Json;
using HssDevice.Tool;

namespace HssDevice.Tool.Tests;

/// <summary>One in-process run of `hss` with its exit code and captured output.</summary>
public sealed record ToolRun(int ExitCode, string Output, string Error)
{
    public static ToolRun Of(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = Program.Run(args, output, error);
        return new ToolRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs the way Main does (RunAsync): the commands that run sockets are async.</summary>
    public static async System.Threading.Tasks.Task<ToolRun> OfAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = await Program.RunAsync(args, output, error);
        return new ToolRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>The packets of a --json run.</summary>
    public JsonElement[] Packets()
    {
        using var document = JsonDocument.Parse(Output);
        Xunit.Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);
        var packets = new JsonElement[document.RootElement.GetArrayLength()];
        for (int i = 0; i < packets.Length; i++)
        {
            packets[i] = document.RootElement[i].Clone();
        }

        return packets;
    }
}
