using System;
using System.Diagnostics;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using HssDevice.LinuxGuest;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.UsbHost.Tests;

/// <summary>
/// `hss host --usb` finds devices through libusb's own enumeration, not only sysfs: while a board device is attached
/// in the guest (vhci-hcd, a long TCP echo keeps it there), `hss host --usb --list` started after the attach lists
/// it as found by libusb and as an HSS device. The guest has no udevd, so a device that arrives after a host
/// started reaches that host through the sysfs fallback instead (the other RealKernel tests run that way).
/// </summary>
[Collection(GuestHostCollection.Name)]
public sealed class RealKernelLibUsbDiscoveryTests(GuestHostFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task RealKernel_hss_host_usb_list_finds_the_attached_board_through_libusb()
    {
        // 4 MiB of TCP echo: the device stays attached for about a minute under TCG (8 MiB took 142 s) while the list runs.
        Task<(int ExitCode, string Output, TimeSpan Steps, GuestResult Gone)> emulate = fixture.RunEmulatorAsync(
            new[] { "--tcp-echo", "127.0.0.1:7007", "--bytes", "4194304" }, GuestHostFixture.BoardDevice, TimeSpan.FromMinutes(8));

        string line = "";
        string listed = "";
        var deadline = Stopwatch.StartNew();
        while (line.Length == 0 && !emulate.IsCompleted && deadline.Elapsed < TimeSpan.FromMinutes(4))
        {
            GuestResult list = await fixture.Guest.RunAsync($"cd /tmp && {GuestHostFixture.Hss} host --usb --list 2>&1", TimeSpan.FromMinutes(2));
            listed = list.Output;
            line = Regex.Match(listed, "^\\S+ " + Regex.Escape(GuestHostFixture.BoardDevice) + " via .*$", RegexOptions.Multiline).Value;
            if (line.Length == 0)
            {
                await Task.Delay(200);
            }
        }

        var run = await emulate;
        output.WriteLine($"--- hss host --usb --list in the guest\n{listed}\n--- hss emulate (exit {run.ExitCode})\n{run.Output}");
        Assert.True(line.Length > 0, $"the board {GuestHostFixture.BoardDevice} was never listed while attached:\n{listed}");
        Assert.Contains(" via libusb: HSS ", line);
        Assert.Equal(0, run.ExitCode);
    }
}
