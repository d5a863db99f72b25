using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.Compat.Tests;

/// <summary>The README's device example is nanoFramework code that compiles against the current API: it is
/// compiled like a firmware file (nanoFramework's mscorlib, the facades, the firmware projects, all checks).</summary>
public class ReadmeExampleTests
{
    private const int MaxExampleLines = 16;

    private static readonly Regex CSharpBlock = new(@"```csharp\n(.*?)```", RegexOptions.Singleline | RegexOptions.CultureInvariant);

    private readonly ITestOutputHelper _output;

    public ReadmeExampleTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void The_device_example_in_the_README_compiles_for_nanoFramework()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")).Replace("\r\n", "\n");
        var block = CSharpBlock.Match(readme);
        Assert.True(block.Success, "README.md has no ```csharp block");
        string example = block.Groups[1].Value;
        Assert.Contains("new HssSocket(", example, StringComparison.Ordinal);
        int lines = example.TrimEnd('\n').Split('\n').Length;
        Assert.True(lines <= MaxExampleLines, $"the README's device example has {lines} lines; issue 7 asks for about 15");

        var findings = Planted.CompatFindings("firmware/ReadmeExample/Program.cs", AsProgram(example));
        foreach (var finding in findings)
        {
            _output.WriteLine(finding.ToString());
        }

        Assert.True(findings.Count == 0, "README example:\n" + string.Join("\n", findings.Take(20)));
    }

    /// <summary>The README shows the body of Main; the usings its first comment names are added here.</summary>
    private static string AsProgram(string body) =>
        "using System;\nusing System.Diagnostics;\nusing System.Text;\nusing System.Threading;\nusing HssDevice.App;\n"
        + "using HssDevice.Engine;\nusing HssDevice.Sockets;\nusing HssDevice.Transport.SinglePipe;\nusing HssDevice.Usb;\n\n"
        + "public static class Program\n{\n    public static void Main()\n    {\n" + body + "    }\n}\n";

    /// <summary>The wrapped example can fail too: a statement the API does not have is reported.</summary>
    [Fact]
    public void A_broken_body_of_main_is_reported()
    {
        Assert.NotEmpty(Planted.CompatFindings("firmware/ReadmeExample/Program.cs", AsProgram("HssNetwork.Frobnicate();\n")));
    }

    /// <summary>The test above can fail: a call the API does not have is reported.</summary>
    [Fact]
    public void A_broken_example_is_reported()
    {
        string broken = "public static class Program { public static void Main() { new HssDevice.Sockets.HssSocket().Frobnicate(); } }";
        Assert.NotEmpty(Planted.CompatFindings("firmware/ReadmeExample/Program.cs", broken));
    }
}
