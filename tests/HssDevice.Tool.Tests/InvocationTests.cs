using System.IO;
using System.Threading.Tasks;
using Xunit;

namespace HssDevice.Tool.Tests;

/// <summary>The ways in: RunAsync (what Main uses) and @FILE arguments.</summary>
public class InvocationTests
{
    [Fact]
    public async Task RunAsync_WritesToTheGivenWriters()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = await Program.RunAsync(["decode", "--json", Examples.Close], output, error);
        Assert.Equal(0, exitCode);
        Assert.Equal("", error.ToString());
        Assert.Contains("\"opcode\": \"CLOSE\"", output.ToString());
    }

    [Fact]
    public void ResponseFile_SuppliesTheHex()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "# OPEN then CLOSE\n" + Examples.Open + "\n" + Examples.Close + "\n");
            var run = ToolRun.Of("decode", "@" + path);
            Assert.Equal(0, run.ExitCode);
            var blocks = TextBlock.Parse(run.Output);
            Assert.Equal(2, blocks.Length);
            Assert.Equal("CLOSE", blocks[1].Fields["opcode"]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
