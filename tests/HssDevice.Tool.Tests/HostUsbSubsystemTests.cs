using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host;
using HssDevice.Tool.Commands;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace HssDevice.Tool.Tests;

/// <summary>
/// `hss host --usb` where USB devices cannot appear (issue 16: it waited in silence), with an injected sysfs root:
/// it says what is missing, keeps watching, and says when a host controller appears.
/// </summary>
public sealed class HostUsbSubsystemTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hss-sysfs-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task NoUsbSubsystem_SaysSo_ThenSeesTheControllerAppear()
    {
        string devices = Path.Combine(_root, "bus", "usb", "devices");
        var output = new SignalWriter();
        var error = new SignalWriter();
        using var stop = new CancellationTokenSource();
        Task<int> host = HostCommand.RunUsbAsync(null, new HssHostSettings(), settingsChosen: false, once: false, NullLoggerFactory.Instance,
            output, error, stop.Token, devices);

        string first = await ErrorOrExit(error.LineStartingWith("waiting: "), host, output, error);
        Assert.Contains($"no USB subsystem: {devices} does not exist", first);

        Directory.CreateDirectory(devices);
        string second = await ErrorOrExit(error.LineStartingWith("waiting: no USB host controller"), host, output, error);
        Assert.Contains("has no root hub", second);

        Directory.CreateDirectory(Path.Combine(devices, "usb1"));
        await ErrorOrExit(output.LineStartingWith("USB is there now"), host, output, error);

        stop.Cancel();
        Assert.Equal(ExitCodes.Success, await host.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Missing_IsNull_WhenARootHubIsThere()
    {
        string devices = Path.Combine(_root, "devices");
        Directory.CreateDirectory(Path.Combine(devices, "usb2"));
        Directory.CreateDirectory(Path.Combine(devices, "2-1"));
        Assert.Null(UsbSubsystem.Missing(devices));
    }

    /// <summary>The line, or a failure with what the host printed when it ended first (e.g. libusb-1.0 missing: exit 4).</summary>
    private static async Task<string> ErrorOrExit(Task<string> line, Task<int> host, SignalWriter output, SignalWriter error)
    {
        Task first = await Task.WhenAny(line, host, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(first == line, first == host
            ? $"hss host --usb ended with {host.Result}: {output}{error}"
            : $"no such line within 30 s; stdout: {output} stderr: {error}");
        return await line;
    }
}
