using System;
using System.IO;
using System.Linq;
using System.Text;
using HssDevice.Tool.Commands;
using Xunit;

namespace HssDevice.Tool.Tests;

/// <summary>Long dumps: @FILE and stdin are read by `hss decode` itself, with no token limit (issue 8: a dump of more
/// than 100,000 words failed with System.CommandLine's response files).</summary>
public class DecodeLongInputTests
{
    private const int Packets = 16_667; // 12 words each: 200,004 words

    private static string Dump()
    {
        var text = new StringBuilder("# 200,004 words: CLOSE packets, one per line\n");
        for (int i = 0; i < Packets; i++)
        {
            text.Append(Examples.Close).Append('\n');
        }

        return text.ToString();
    }

    [Fact]
    public void AtFileWith200000WordsDecodesEveryPacket()
    {
        string path = Path.Combine(Path.GetTempPath(), "hss-decode-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(path, Dump());
        try
        {
            var run = ToolRun.Of("decode", "--json", "@" + path);
            Assert.True(run.ExitCode == 0, run.Error.Length > 500 ? run.Error.Substring(0, 500) : run.Error);
            Assert.Equal(Packets, run.Packets().Length);
            Assert.All(run.Packets().Take(3), p => Assert.Equal("CLOSE", p.GetProperty("opcode").GetString()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void StdinWith200000WordsDecodesEveryPacket()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = DecodeCommand.Run(["-"], json: true, 65535, output, error, new StringReader(Dump()));
        Assert.True(exit == 0, error.ToString());
        Assert.Equal(Packets, new ToolRun(exit, output.ToString(), error.ToString()).Packets().Length);
    }

    [Fact]
    public void AMissingFileIsAUsageError()
    {
        var run = ToolRun.Of("decode", "@/nonexistent/hss-dump.txt");
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: cannot read /nonexistent/hss-dump.txt", run.Error);
    }

    [Fact]
    public void ErrorsCountTheWordsOfTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), "hss-decode-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(path, "# comment\n06 00 07 00\n01 00 00 zz\n");
        try
        {
            var run = ToolRun.Of("decode", "@" + path);
            Assert.Equal(2, run.ExitCode);
            Assert.StartsWith("error at offset 0 of argument 8:", run.Error);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
