using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Tool.Servers;
using Xunit;

namespace HssDevice.Tool.Tests;

/// <summary>`hss host --listen` and `hss emulate --connect` in-process on two tasks, over a loopback TCP connection.</summary>
public class HostEmulateTests
{
    [Fact]
    public async Task EmulateThroughHost_EveryTargetMatches_AndHostOnceExitsWhenTheDeviceLeaves()
    {
        await using var servers = await LoopbackServers.StartAsync(ServerPorts.OsChosen);
        var hostOutput = new SignalWriter();
        Task<int> host = Program.RunAsync(["host", "--listen", "127.0.0.1:0", "--allow-loopback", "--once", "--log-level", "Warning"], hostOutput, new SignalWriter());
        string listening = (await hostOutput.LineStartingWith("listening on ")).Substring("listening on ".Length);

        var v4 = AddressFamily.InterNetwork;
        var v6 = AddressFamily.InterNetworkV6;
        var run = await ToolRun.OfAsync("emulate", "--connect", listening,
            "--http", servers.Http(v4).ToString(), "--http", servers.Http(v6).ToString(),
            "--tcp-echo", servers.TcpEcho(v4).ToString(), "--tcp-echo", servers.TcpEcho(v6).ToString(),
            "--udp-echo", servers.UdpEcho(v4).ToString(), "--udp-echo", servers.UdpEcho(v6).ToString(),
            "--bytes", "65536", "--datagrams", "8");

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains("all 6 steps matched", run.Output);
        Assert.Contains("tcp-echo-v6: ok", run.Output);
        Assert.Equal(0, await host.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task Emulate_AStepFails_ExitsThree()
    {
        await using var servers = await LoopbackServers.StartAsync(ServerPorts.OsChosen, ServerFault.TcpEcho);
        var hostOutput = new SignalWriter();
        Task<int> host = Program.RunAsync(["host", "--listen", "127.0.0.1:0", "--allow-loopback", "--once", "--log-level", "None"], hostOutput, new SignalWriter());
        string listening = (await hostOutput.LineStartingWith("listening on ")).Substring("listening on ".Length);

        var run = await ToolRun.OfAsync("emulate", "--connect", listening,
            "--http", servers.Http(AddressFamily.InterNetwork).ToString(),
            "--tcp-echo", servers.TcpEcho(AddressFamily.InterNetwork).ToString(), "--bytes", "4096");

        Assert.Equal(ExitCodes.StepFailed, run.ExitCode);
        Assert.Contains("http-v4: ok", run.Output);
        Assert.Contains("error: step tcp-echo-v4 failed: adler32", run.Error);
        Assert.Equal(0, await host.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task Emulate_NoHostListening_ExitsFour()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var endPoint = (IPEndPoint)closed.LocalEndpoint;
        closed.Stop();

        var run = await ToolRun.OfAsync("emulate", "--connect", endPoint.ToString(), "--http", "127.0.0.1:1");
        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        Assert.Contains($"error: cannot connect to the host at {endPoint}", run.Error);
    }

    [Fact]
    public async Task Host_PortTaken_ExitsFour()
    {
        var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            var run = await ToolRun.OfAsync("host", "--listen", taken.LocalEndpoint.ToString()!, "--log-level", "None");
            Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
            Assert.Contains("error: cannot listen on", run.Error);
        }
        finally
        {
            taken.Stop();
        }
    }

    [Fact]
    public async Task Host_StopsWhenCancelled()
    {
        var output = new SignalWriter();
        using var stop = new CancellationTokenSource();
        Task<int> host = Program.RunAsync(["host", "--listen", "[::1]:0", "--log-level", "None"], output, new SignalWriter(), stop.Token);
        Assert.StartsWith("listening on [::1]:", await output.LineStartingWith("listening on "));
        stop.Cancel();
        Assert.Equal(0, await host.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Theory]
    [InlineData("host")]
    [InlineData("host", "--listen", "127.0.0.1")]
    [InlineData("host", "--listen", "::1:7000")]
    [InlineData("host", "--listen", "localhost:7000")]
    [InlineData("host", "--listen", "127.0.0.1:0", "--list")]
    [InlineData("host", "--list")]
    [InlineData("emulate")]
    [InlineData("emulate", "--connect", "127.0.0.1:7000", "--tcp-echo", "nowhere")]
    [InlineData("emulate", "--connect", "127.0.0.1:7000", "--bytes", "0")]
    [InlineData("emulate", "--connect", "127.0.0.1:7000", "--native")]
    public async Task BadCommandLines_AreUsageErrors(params string[] args)
    {
        var run = await ToolRun.OfAsync(args);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
    }
}
