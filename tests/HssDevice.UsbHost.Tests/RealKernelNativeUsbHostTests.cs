using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using HssDevice.LinuxGuest;
using HssDevice.Tool;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.UsbHost.Tests;

/// <summary>
/// The native USB function (the C core of firmware/native behind its USB/IP port, libhss_native.so) on a real Linux
/// kernel: `hss emulate --usbip --native` serves the sample device through it, the guest's kernel enumerates it
/// (the bytes it read equal `hss descriptors`, no complaint in its log, no class driver bound) and `hss host --usb`
/// in the guest runs every sample step through it, for both boards, both profiles and the reference identity.
/// Shares the guest (and its running host) of the other tests of this project.
/// </summary>
[Collection(GuestHostCollection.Name)]
public sealed class RealKernelNativeUsbHostTests(GuestHostFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan StepsLimit = TimeSpan.FromMinutes(6);

    /// <summary>Kernel log lines that would mean the kernel disliked a descriptor or the device misbehaved.</summary>
    internal static readonly Regex Complaint = new(
        @"invalid|bogus|duplicate|overflow|exceeds|too (short|long|large|many)|skipping|not supported|error|fail|can't|unable|unknown|warn|stall|reset|timeout",
        RegexOptions.IgnoreCase | RegexOptions.Compiled);

    internal static string Script => "sh " + Path.Combine(RepositoryRoot.LinuxUsbTools, "guest-usbip.sh");

    [Theory]
    [InlineData("esp32-s3", "vendor")]
    [InlineData("esp32-s3", "cdc")]
    [InlineData("stm32f769i-discovery", "vendor")]
    [InlineData("stm32f769i-discovery", "cdc")]
    public Task RealKernel_Native_device_enumerates_as_hss_descriptors_says_and_runs_the_sample_steps(string board, string profile) =>
        RunAsync(new[] { "--board", board, "--profile", profile }, GuestHostFixture.BoardDevice);

    [Fact]
    public Task RealKernel_Native_device_with_the_reference_identity_runs_the_sample_steps() =>
        RunAsync(new[] { "--board", "stm32f769i-discovery", "--reference" }, GuestHostFixture.ReferenceDevice);

    private async Task RunAsync(string[] deviceOptions, string vidPid)
    {
        (byte[] expected, string[] strings) = await DescriptorsAsync(deviceOptions);
        // The host's log is shared by every test of the guest (and its warm-up): only what this run adds is checked.
        string hostLogBefore = await fixture.ReadAsync(GuestHostFixture.HostLog);
        int attachedBefore = Count(hostLogBefore, "attached usb ");
        var args = new List<string> { "emulate", "--usbip", "127.0.0.1:0", "--native" };
        args.AddRange(deviceOptions);
        foreach (string family in new[] { "127.0.0.1", "[::1]" })
        {
            args.AddRange(new[] { "--http", family + ":8080", "--tcp-echo", family + ":7007", "--udp-echo", family + ":7007" });
        }

        // 256 KiB per TCP echo (the C# emulation's tests send 1 MiB): five runs stay within a few minutes under TCG.
        args.AddRange(new[] { "--bytes", "262144", "--datagrams", "16" });
        var emulated = new LineCollector();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Task<int> emulate = Program.RunAsync(args.ToArray(), emulated, emulated);
        string serving = await emulated.LineStartingWith("hss emulate: board ", TimeSpan.FromSeconds(30));
        Assert.Contains("native C core", serving);
        await fixture.Guest.UseUsbIpServerAsync(IPEndPoint.Parse(Regex.Match(serving, @" on ([0-9.]+:[0-9]+),").Groups[1].Value));

        // While the steps run: what the kernel read and bound when it configured the device, and its log so far.
        string seen = await fixture.Guest.RunCheckedAsync(
            $"dmesg -C && {Script} attach && s=$({Script} wait-device {vidPid} 60) && " +
            "echo @@raw && od -An -v -tx1 $s/descriptors && " +
            "echo @@strings && for f in manufacturer product serial; do cat $s/$f 2>/dev/null || echo; done && " +
            "echo @@drivers && for i in $s/*:1.*; do echo \"$(basename $i) $(basename \"$(readlink $i/driver)\" 2>/dev/null)\"; done && " +
            "echo @@modules && cut -d' ' -f1 /proc/modules && echo @@dmesg && dmesg");
        int exitCode = await emulate.WaitAsync(StepsLimit);
        TimeSpan steps = watch.Elapsed;
        GuestResult gone = await fixture.Guest.RunAsync($"{Script} wait-gone {vidPid} 30");
        string laterLog = await fixture.Guest.RunCheckedAsync("dmesg");
        string hostLog = await WaitForLogAsync(l => Count(l, "attached usb ") > attachedBefore && Count(l, "detached (") >= Count(l, "attached usb "));
        string Part(string name) => Regex.Match(seen, $"@@{name}\n(.*?)(?=\n@@|$)", RegexOptions.Singleline).Groups[1].Value;
        output.WriteLine($"{string.Join(' ', deviceOptions)}: {steps.TotalSeconds:0.0} s from starting the emulator to its exit\n" +
            $"--- hss emulate --native\n{emulated}--- guest kernel log\n{laterLog}\n--- guest {GuestHostFixture.HostLog}\n{hostLog}");

        // Every byte the kernel read (device descriptor, then the whole configuration) is `hss descriptors`'.
        byte[] raw = Regex.Matches(Part("raw"), "[0-9a-f]{2}").Select(m => Convert.ToByte(m.Value, 16)).ToArray();
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(raw));
        // The strings as the kernel read them at enumeration (its log): sysfs is gone once the steps end, which
        // can come before the read above.
        string[] kernelStrings = new[] { "Manufacturer", "Product", "SerialNumber" }
            .Select(k => Regex.Match(laterLog, $@"usb \S+: {k}: (.*)").Groups[1].Value.TrimEnd()).ToArray();
        Assert.Equal(strings, kernelStrings);

        // No class driver: an interface is free or claimed by `hss host` through usbfs. The drivers that could claim
        // one are loaded (guest-agent.sh), so that this means something.
        foreach (string driver in new[] { "cdc_acm", "cdc_ether", "cdc_ncm" })
        {
            Assert.Contains(driver, Part("modules").Split('\n'));
        }

        foreach (string line in Part("drivers").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = line.Trim().Split(' ');
            Assert.True(parts.Length == 1 || parts[1] == "usbfs", $"a class driver bound an interface: {line}");
        }

        string[] complaints = (Part("dmesg") + "\n" + laterLog).Split('\n').Where(l => Complaint.IsMatch(l)).ToArray();
        Assert.True(complaints.Length == 0, "kernel complaints:\n" + string.Join('\n', complaints));

        Assert.True(exitCode == ExitCodes.Success, $"hss emulate --native exited {exitCode}:\n{emulated}\n{hostLog}");
        Assert.Contains("all 6 steps matched", emulated.ToString());
        foreach (string step in new[] { "http-v4", "http-v6", "tcp-echo-v4", "tcp-echo-v6", "udp-echo-v4", "udp-echo-v6" })
        {
            Assert.Contains($"{step}: ok", emulated.ToString());
        }

        Assert.True(gone.ExitCode == 0, "the device did not leave the guest: " + gone.Output);
        Assert.Equal(attachedBefore + 1, Count(hostLog, "attached usb "));
        string added = hostLog.Length >= hostLogBefore.Length ? hostLog[hostLogBefore.Length..] : hostLog;
        Assert.DoesNotContain("error:", added);
    }

    /// <summary>`hss descriptors --hex` for these options: the device descriptor and configuration concatenated
    /// (what sysfs's descriptors file holds), and the text of strings 1, 2, 3 ("" when the board has none).</summary>
    internal static async Task<(byte[] Raw, string[] Strings)> DescriptorsAsync(string[] deviceOptions)
    {
        var args = new List<string> { "descriptors", "--hex" };
        for (int i = 0; i < deviceOptions.Length; i++)
        {
            if (deviceOptions[i] is "--board" or "--profile" or "--speed")
            {
                args.Add(deviceOptions[i]);
                args.Add(deviceOptions[++i]);
            }
        }

        bool reference = deviceOptions.Contains("--reference");
        if (reference)
        {
            // The reference identity is the board's with VID 0x2FE0 and the vendor interface: `hss descriptors`
            // has no option for it, so its bytes come from the same builder here.
            return ReferenceDescriptors(args);
        }

        var text = new StringWriter();
        int exit = await Program.RunAsync(args.ToArray(), text, text);
        Assert.True(exit == ExitCodes.Success, "hss descriptors failed: " + text);
        byte[] Block(string name) => Regex.Matches(
                Regex.Match(text.ToString(), $"^{Regex.Escape(name)} \\(\\d+ bytes\\):\n((?:  .*\n)+)", RegexOptions.Multiline).Groups[1].Value,
                "[0-9a-f]{2}")
            .Select(m => Convert.ToByte(m.Value, 16)).ToArray();
        byte[] device = Block("device");
        byte[] configuration = Block("configuration");
        Assert.Equal(18, device.Length);
        Assert.True(configuration.Length >= 9, "no configuration in:\n" + text);
        string[] strings = new string[3];
        for (int i = 0; i < 3; i++)
        {
            byte index = device[14 + i];
            byte[] s = index == 0 ? Array.Empty<byte>() : Block($"string {index}");
            strings[i] = s.Length > 2 ? System.Text.Encoding.Unicode.GetString(s, 2, s.Length - 2) : "";
        }

        return (device.Concat(configuration).ToArray(), strings);
    }

    private static (byte[] Raw, string[] Strings) ReferenceDescriptors(List<string> args)
    {
        string board = args[args.IndexOf("--board") + 1];
        var settings = HssDevice.Host.Usb.Boards.BoardDirectory.Load(Path.Combine(RepositoryRoot.Path, "boards"), board).ToDeviceSettings();
        settings.ReferenceIdentity = true;
        var builder = new HssDevice.Usb.UsbDescriptorBuilder(settings, HssDevice.Usb.HssUsbProfile.Vendor);
        byte[] device = builder.BuildDeviceDescriptor();
        string[] strings = new string[3];
        for (int i = 0; i < 3; i++)
        {
            byte[]? s = device[14 + i] == 0 ? null : builder.BuildString(device[14 + i]);
            strings[i] = s != null && s.Length > 2 ? System.Text.Encoding.Unicode.GetString(s, 2, s.Length - 2) : "";
        }

        return (device.Concat(builder.BuildConfiguration(settings.Speed)).ToArray(), strings);
    }

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
