using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace HssDevice.Tool.Tests;

/// <summary>
/// The three-process example (`hss demo --serve`, `hss host --listen`, `hss emulate --connect`) as docs/tool.md,
/// `hss demo --help` and `hss host --help` write it, run in-process with the documented options. Only the ports
/// change (the OS chooses them) and the device's targets name the servers' ports; everything else is taken from
/// the text, so an example that cannot work (issue 16: the host without --allow-loopback answered every step
/// EDENIED) fails here.
/// </summary>
public class DocumentedExampleTests
{
    /// <summary>The three command lines of one place that documents the example.</summary>
    public sealed record Example(string Where, string[] Serve, string[] Host, string[] Emulate);

    public static TheoryData<string> Places() => new() { "docs/tool.md", "hss demo --help", "hss host --help" };

    [Theory]
    [MemberData(nameof(Places))]
    public async Task DocumentedThreeProcessExample_EveryStepMatches(string where)
    {
        Example example = Find(where);
        var run = await RunAsync(example);
        Assert.True(run.ExitCode == 0, $"{where}: `hss {string.Join(' ', example.Host)}` then `hss {string.Join(' ', example.Emulate)}`: " + run.Output + run.Error);
        Assert.Contains("all 3 steps matched", run.Output);
    }

    /// <summary>The same without --allow-loopback fails: the test above can fail for the reason it guards against.</summary>
    [Fact]
    public async Task WithoutAllowLoopback_TheStepsAreDenied()
    {
        Example example = Find("docs/tool.md");
        Assert.Contains("--allow-loopback", example.Host);
        var run = await RunAsync(example with { Host = example.Host.Where(a => a != "--allow-loopback").ToArray() });
        Assert.Equal(ExitCodes.StepFailed, run.ExitCode);
        Assert.Contains("EDENIED", run.Output + run.Error);
    }

    private static Example Find(string where)
    {
        string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (where)
        {
            case "docs/tool.md":
            {
                string text = File.ReadAllText(Path.Combine(RepositoryFolder(), "docs", "tool.md"));
                var lines = Regex.Matches(text, @"dotnet run --project tools/hss -- (.+?)\s+# terminal ([123])").ToDictionary(m => m.Groups[2].Value, m => m.Groups[1].Value);
                Assert.True(lines.Count == 3, "docs/tool.md: the three-terminal example (lines ending # terminal 1, 2, 3) not found");
                return new Example(where, Words(lines["1"]), Words(lines["2"]), Words(lines["3"]));
            }

            case "hss demo --help":
            {
                string help = ToolRun.Of("demo", "--help").Output;
                Match m = Regex.Match(help, @"hss (demo --serve)\s+\(then: hss (host [^)]+?) and hss (emulate [^)]+)\)");
                Assert.True(m.Success, "hss demo --help: the example `hss demo --serve (then: hss host ... and hss emulate ...)` not found");
                return new Example(where, Words(m.Groups[1].Value), Words(m.Groups[2].Value), Words(m.Groups[3].Value));
            }

            case "hss host --help":
            {
                string help = ToolRun.Of("host", "--help").Output;
                Match m = Regex.Match(help, @"Example \(three terminals[^\n]*\n\s*hss (demo[^\n]*)\n\s*hss (host[^\n]*)\n\s*hss (emulate[^\n]*)\n");
                Assert.True(m.Success, "hss host --help: the three-terminal example not found");
                return new Example(where, Words(m.Groups[1].Value), Words(m.Groups[2].Value), Words(m.Groups[3].Value));
            }

            default:
                throw new ArgumentException(where);
        }
    }

    private static async Task<ToolRun> RunAsync(Example example)
    {
        using var stop = new CancellationTokenSource();
        // Terminal 1: the servers, on ports the OS chooses instead of the board application's.
        var serveOutput = new SignalWriter();
        Task<int> serve = Program.RunAsync([.. example.Serve, "--http-port", "0", "--tcp-port", "0", "--udp-port", "0"], serveOutput, new SignalWriter(), stop.Token);
        await serveOutput.LineStartingWith("serving until Ctrl+C").WaitAsync(TimeSpan.FromSeconds(30));
        var served = new Dictionary<string, string>();
        foreach (string line in serveOutput.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[1].StartsWith("127.0.0.1:", StringComparison.Ordinal))
            {
                served[parts[0]] = parts[1];
            }
        }

        try
        {
            // Terminal 2: the host, as documented, on a port the OS chooses; --once so that it ends with the device.
            var hostOutput = new SignalWriter();
            Task<int> host = Program.RunAsync([.. example.Host.Select(OsChosenPort), "--once", "--log-level", "Warning"], hostOutput, new SignalWriter());
            string listening = (await hostOutput.LineStartingWith("listening on ").WaitAsync(TimeSpan.FromSeconds(30))).Substring("listening on ".Length).Trim();

            // Terminal 3: the device, connecting where the host listens, its targets the servers' ports.
            string[] emulate = example.Emulate.Select(a => a == Documented ? listening : a).ToArray();
            Assert.Contains(listening, emulate);
            ToolRun run = await ToolRun.OfAsync([.. emulate, "--http", served["http"], "--tcp-echo", served["tcp-echo"], "--udp-echo", served["udp-echo"],
                "--bytes", "4096", "--datagrams", "2"]);
            await host.WaitAsync(TimeSpan.FromSeconds(60));
            return run;
        }
        finally
        {
            stop.Cancel();
            await serve.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private const string Documented = "127.0.0.1:7000";

    private static string OsChosenPort(string arg) => arg == Documented ? "127.0.0.1:0" : arg;

    private static string RepositoryFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "nf.props")) && File.Exists(Path.Combine(dir.FullName, "docs", "tool.md")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("docs/tool.md not found above " + AppContext.BaseDirectory);
    }
}
