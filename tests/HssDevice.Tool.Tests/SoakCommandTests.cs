using System.Threading.Tasks;
using Xunit;

namespace HssDevice.Tool.Tests;

/// <summary>`hss soak` runs its sockets and reports streams, datagrams, memory and fds (the long run is by hand).</summary>
public class SoakCommandTests
{
    [Fact]
    public async Task AShortSoakChecksStreamsAndReportsMemoryAndFds()
    {
        var run = await ToolRun.OfAsync("soak", "--minutes", "0.05", "--tcp", "4", "--udp", "2");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains("heap MiB  working set MiB  fds", run.Output);
        Assert.Matches(@"soak: [1-9]\d* TCP streams and [1-9]\d* datagrams checked, .* 0 errors", run.Output);
    }
}
