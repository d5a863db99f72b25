using Xunit;

namespace HssDevice.Tool.Tests;

public class HelpTests
{
    [Fact]
    public void RootHelp_SaysWhatHssIs_AndListsDecode()
    {
        var run = ToolRun.Of("--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Host Socket Sharing (HSS)", run.Output);
        Assert.Contains("decode <HEX>", run.Output);
    }

    [Fact]
    public void DecodeHelp_DocumentsInputExitCodesAndErrors()
    {
        var run = ToolRun.Of("decode", "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--json", run.Output);
        Assert.Contains("--max-data", run.Output);
        Assert.Contains("0x0102 is the bytes 01 02", run.Output);
        Assert.Contains("Exit codes:", run.Output);
        Assert.Contains("error at offset N: REASON (packet K ...)", run.Output);
    }

    [Theory]
    [InlineData("demo", "--serve", "Exit codes:")]
    [InlineData("host", "--listen", "listening on ADDR:PORT")]
    [InlineData("emulate", "--tcp-echo", "BoardTargets.cs")]
    [InlineData("bench", "--json", "ceilingFraction")]
    public void NewCommandHelp_DocumentsOptionsAndOutput(string command, string option, string note)
    {
        var root = ToolRun.Of("--help");
        Assert.Contains(command, root.Output);
        var run = ToolRun.Of(command, "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(option, run.Output);
        Assert.Contains(note, run.Output);
        Assert.DoesNotContain("--fault", run.Output);
    }
}
