using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace HssDevice.Tool.Tests;

/// <summary>`hss demo` end to end in-process: loopback servers, emulated device, host, real sockets on 127.0.0.1 and ::1.</summary>
public class DemoTests
{
    [Theory]
    [InlineData("--speed", "full")]
    [InlineData("--speed", "high")]
    [InlineData("--reference", "--speed", "full")]
    [InlineData("--reference", "--speed", "high")]
    [InlineData("--timing", "--speed", "full")]
    public async Task Demo_EveryStepMatches_ExitsZero(params string[] options)
    {
        var run = await ToolRun.OfAsync(["demo", "--bytes", "65536", .. options]);
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Equal("", run.Error);
        Assert.Contains("all 6 steps matched", run.Output);
        foreach (string step in new[] { "http-v4", "tcp-echo-v4", "udp-echo-v4", "http-v6", "tcp-echo-v6", "udp-echo-v6" })
        {
            Assert.Contains($"{step}: ok", run.Output);
        }

        Assert.Contains("| TCP echo of 64 KiB with Adler-32 (IPv6, [::1]:", run.Output);
        Assert.Contains("0 protocol errors", run.Output);
    }

    [Theory]
    [InlineData("http", "http-v4", "500 Internal Server Error")]
    [InlineData("tcpecho", "tcp-echo-v4", "adler32 sent")]
    [InlineData("udpecho", "udp-echo-v4", "0 of 4 datagrams echoed intact")]
    public async Task Demo_AServerAnswersWrongly_ExitsThreeNamingTheStep(string fault, string failingStep, string detail)
    {
        var run = await ToolRun.OfAsync("demo", "--bytes", "4096", "--datagrams", "4", "--fault", fault);
        Assert.Equal(ExitCodes.StepFailed, run.ExitCode);
        Assert.Contains($"error: step {failingStep} failed: ", run.Error);
        Assert.Contains(detail, run.Error);
        Assert.Contains("2 of 6 steps failed", run.Output);
        Assert.Contains($"{failingStep}: FAILED", run.Output);
    }

    [Fact]
    public async Task DemoServe_PrintsEndpointsThatServe_AndStopsWhenCancelled()
    {
        var output = new SignalWriter();
        var error = new SignalWriter();
        using var stop = new CancellationTokenSource();
        Task<int> serving = Program.RunAsync(["demo", "--serve", "--http-port", "0", "--tcp-port", "0", "--udp-port", "0"], output, error, stop.Token);
        string line = await output.LineStartingWith("tcp-echo  127.0.0.1:");
        await output.LineStartingWith("serving until Ctrl+C");
        var endPoint = System.Net.IPEndPoint.Parse(line.Substring("tcp-echo  ".Length));

        using (var client = new TcpClient(AddressFamily.InterNetwork))
        {
            await client.ConnectAsync(endPoint);
            NetworkStream stream = client.GetStream();
            await stream.WriteAsync("hello"u8.ToArray());
            byte[] echo = new byte[5];
            await stream.ReadExactlyAsync(echo);
            Assert.Equal("hello"u8.ToArray(), echo);
        }

        stop.Cancel();
        Assert.Equal(0, await serving.WaitAsync(System.TimeSpan.FromSeconds(60)));
        Assert.Contains("http      [::1]:", output.ToString());
    }

    [Fact]
    public async Task Demo_BadOptions_AreUsageErrors()
    {
        Assert.Equal(ExitCodes.Usage, (await ToolRun.OfAsync("demo", "--speed", "super")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await ToolRun.OfAsync("demo", "--bytes", "0")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await ToolRun.OfAsync("demo", "--serve", "--http-port", "70000")).ExitCode);
    }
}
