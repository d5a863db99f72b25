using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using HssDevice.LinuxGuest;
using HssDevice.Tool;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.UsbHost.Tests;

/// <summary>
/// End to end through a real Linux kernel: `hss emulate --usbip` on this machine serves the board's device, the
/// guest's kernel attaches it (vhci-hcd), `hss host --usb` in the guest drives it through libusb and usbfs, and the
/// sample steps reach the guest's loopback servers: HTTP GET, TCP echo of 1 MiB with Adler-32, UDP echo, IPv4 and
/// IPv6. Passes only if every step matched and the host saw the device attach and detach.
/// </summary>
[Collection(GuestHostCollection.Name)]
public sealed class RealKernelUsbHostTests(GuestHostFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan StepsLimit = TimeSpan.FromMinutes(6);

    private static string Script => "sh " + System.IO.Path.Combine(RepositoryRoot.LinuxUsbTools, "guest-usbip.sh");

    [Theory]
    [InlineData("vendor")]
    [InlineData("cdc")]
    public Task RealKernel_sample_steps_match_through_hss_host_usb(string profile) =>
        RunStepsAsync(new[] { "--profile", profile }, GuestHostFixture.BoardDevice);

    [Fact]
    public Task RealKernel_sample_steps_match_through_hss_host_usb_with_reference_device_settings() =>
        RunStepsAsync(new[] { "--reference" }, GuestHostFixture.ReferenceDevice);

    private async Task RunStepsAsync(string[] deviceOptions, string vidPid)
    {
        int attachedBefore = Count(await fixture.ReadAsync(GuestHostFixture.HostLog), "attached usb ");
        var args = new List<string>(deviceOptions);
        foreach (string family in new[] { "127.0.0.1", "[::1]" })
        {
            args.AddRange(new[] { "--http", family + ":8080", "--tcp-echo", family + ":7007", "--udp-echo", family + ":7007" });
        }

        args.AddRange(new[] { "--bytes", "1048576", "--datagrams", "16" });
        (int exitCode, string emulated, TimeSpan steps, GuestResult gone) = await fixture.RunEmulatorAsync(args.ToArray(), vidPid, StepsLimit);
        string log = await WaitForLogAsync(l => Count(l, "attached usb ") > attachedBefore && Count(l, "detached (") >= Count(l, "attached usb "));
        output.WriteLine($"{string.Join(' ', deviceOptions)}: {steps.TotalSeconds:0.0} s from starting the emulator to its exit " +
            $"(guest booted in {fixture.BootTime.TotalSeconds:0.0} s, host warm after {fixture.ReadyTime.TotalSeconds:0.0} s)\n" +
            $"--- hss emulate\n{emulated}--- guest {GuestHostFixture.HostLog}\n{log}\n--- warm-up\n{fixture.WarmUp}");

        Assert.True(exitCode == ExitCodes.Success, $"hss emulate exited {exitCode}:\n{emulated}\n{log}");
        Assert.Contains("all 6 steps matched", emulated);
        foreach (string step in new[] { "http-v4", "http-v6", "tcp-echo-v4", "tcp-echo-v6", "udp-echo-v4", "udp-echo-v6" })
        {
            Assert.Contains($"{step}: ok", emulated);
        }

        Assert.DoesNotContain("still open", emulated);
        Assert.True(gone.ExitCode == 0, "the device did not leave the guest: " + gone.Output);
        Assert.Equal(attachedBefore + 1, Count(log, "attached usb "));
        Assert.Matches(new Regex(@"device usb \S+ detached \("), log);
        Assert.DoesNotContain("error:", log);
    }

    /// <summary>Reads the host's log until it shows what the test waits for (the detach is logged just after the kernel's).</summary>
    private async Task<string> WaitForLogAsync(Func<string, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            string log = await fixture.ReadAsync(GuestHostFixture.HostLog);
            if (done(log) || DateTime.UtcNow > deadline)
            {
                return log;
            }

            await Task.Delay(500);
        }
    }

    private static int Count(string text, string what) => Regex.Matches(text, Regex.Escape(what)).Count;
}
