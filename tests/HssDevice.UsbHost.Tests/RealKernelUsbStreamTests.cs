using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using HssDevice.Host.Usb.Boards;
using HssDevice.LinuxGuest;
using HssDevice.Tool;
using HssDevice.UsbIp.StockUsbStream;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.UsbHost.Tests;

/// <summary>
/// The stock-firmware board (boards/slstk3701a.json, link usbstream) through a real Linux kernel: `hss emulate --usbip
/// --board slstk3701a --enumerate-twice` plays stock nanoFramework firmware's UsbStream; the guest's kernel enumerates
/// it first without its interface, then with it, exactly as the board file and the firmware's sources say (raw
/// descriptors byte for byte, strings, no kernel complaint, no driver bound), and `hss host --usb` in the guest finds
/// it by VID:PID, interface class and product string and runs the sample steps over the single pipe.
/// </summary>
[Collection(GuestHostCollection.Name)]
public sealed class RealKernelUsbStreamTests(GuestHostFixture fixture, ITestOutputHelper output)
{
    private const string VidPid = "10c4:8dad";

    private static readonly Regex Complaint = new(
        @"invalid|bogus|duplicate|overflow|exceeds|too (short|long|large|many)|skipping|not supported|error|fail|can't|unable|unknown|warn|stall",
        RegexOptions.IgnoreCase | RegexOptions.Compiled);

    private static string Script => "sh " + Path.Combine(RepositoryRoot.LinuxUsbTools, "guest-usbip.sh");

    [Fact]
    public async Task RealKernel_UsbStream_kit_enumerates_twice_as_its_board_file_says_and_the_sample_steps_match()
    {
        var watch = Stopwatch.StartNew();
        LinuxGuest.LinuxGuest guest = fixture.Guest;
        var board = BoardDirectory.Load(Path.Combine(RepositoryRoot.Path, "boards"), "slstk3701a").ToDeviceSettings();
        int attachedBefore = Count(await fixture.ReadAsync(GuestHostFixture.HostLog), "attached usb ");

        var args = new List<string> { "emulate", "--usbip", "127.0.0.1:0", "--board", "slstk3701a", "--enumerate-twice", "--bytes", "65536", "--datagrams", "8" };
        foreach (string family in new[] { "127.0.0.1", "[::1]" })
        {
            args.AddRange(new[] { "--http", family + ":8080", "--tcp-echo", family + ":7007", "--udp-echo", family + ":7007" });
        }

        var emulated = new LineCollector();
        Task<int> emulate = HssDevice.Tool.Program.RunAsync(args.ToArray(), emulated, emulated);
        string serving = await emulated.LineStartingWith("hss emulate: board ", TimeSpan.FromSeconds(30));
        await guest.UseUsbIpServerAsync(System.Net.IPEndPoint.Parse(Regex.Match(serving, @" on ([0-9.]+:[0-9]+),").Groups[1].Value));

        // First enumeration: the firmware's configuration before the application created its UsbStream.
        int connections = guest.UsbIpStreamConnections;
        string first = await guest.RunCheckedAsync(
            $"dmesg -C && {Script} attach && s=$({Script} wait-device {VidPid} 60) && echo @@interfaces && cat $s/bNumInterfaces && " +
            $"echo @@raw && od -An -v -tx1 $s/descriptors && {Script} wait-gone {VidPid} 30");
        Assert.Equal("0", Part(first, "interfaces").Trim());
        var before = new StockUsbStreamDescriptors(board, withInterface: false);
        Assert.Equal(Convert.ToHexString(before.DeviceDescriptor.Concat(before.Configuration(HssDevice.Usb.UsbSpeed.Full)).ToArray()), Hex(Part(first, "raw")));

        // The emulator unplugged (a re-enumeration): QEMU reconnects, and the guest attaches the device again.
        await guest.WaitUsbIpReconnectAsync(connections);
        string all = await guest.RunCheckedAsync(
            $"{Script} attach && s=$({Script} wait-device {VidPid} 60) && echo @@raw && od -An -v -tx1 $s/descriptors && " +
            "echo @@strings && cat $s/manufacturer $s/product $s/serial $s/1-*:1.0/interface && echo @@speed && cat $s/speed && " +
            "echo @@drivers && for i in $s/*:1.*; do echo \"$(basename $i) $(basename \"$(readlink $i/driver)\" 2>/dev/null)\"; done && " +
            "echo @@dmesg && dmesg");
        var after = new StockUsbStreamDescriptors(board, withInterface: true);
        Assert.Equal(Convert.ToHexString(after.DeviceDescriptor.Concat(after.Configuration(HssDevice.Usb.UsbSpeed.Full)).ToArray()), Hex(Part(all, "raw")));
        Assert.Equal(new[] { board.Manufacturer, board.Product, StockUsbStreamDescriptors.EmulatedSerialNumber, board.Product },
            Part(all, "strings").Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("12", Part(all, "speed").Trim());
        foreach (string line in Part(all, "drivers").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // usbfs is the host's own claim through libusb; no kernel class driver may take the interface.
            string[] parts = line.Trim().Split(' ');
            Assert.True(parts.Length == 1 || parts[1] == "usbfs", $"a driver bound the UsbStream interface: {line}");
        }

        string dmesg = Part(all, "dmesg");
        string[] complaints = dmesg.Split('\n').Where(l => Complaint.IsMatch(l)).ToArray();
        Assert.True(complaints.Length == 0, "kernel complaints:\n" + string.Join('\n', complaints));
        Assert.Contains("idVendor=10c4, idProduct=8dad", dmesg);

        // The sample steps through `hss host --usb` in the guest, over the single pipe.
        int exitCode = await emulate.WaitAsync(TimeSpan.FromMinutes(5));
        GuestResult gone = await guest.RunAsync($"{Script} wait-gone {VidPid} 30");
        string log = await WaitForLogAsync(l => Count(l, "attached usb ") > attachedBefore && Count(l, "detached (") >= Count(l, "attached usb "));
        output.WriteLine($"{watch.Elapsed.TotalSeconds:0.0} s\n--- hss emulate\n{emulated}--- guest {GuestHostFixture.HostLog}\n{log}");

        Assert.True(exitCode == ExitCodes.Success, $"hss emulate exited {exitCode}:\n{emulated}\n{log}");
        Assert.Contains("all 6 steps matched", emulated.ToString());
        Assert.Contains("UsbStream rules: 0 refused reads", emulated.ToString());
        Assert.True(gone.ExitCode == 0, "the device did not leave the guest: " + gone.Output);
        Assert.Equal(attachedBefore + 1, Count(log, "attached usb "));
        Assert.Contains("usbstream single-pipe (slstk3701a)", log);
        Assert.DoesNotContain("error:", log);
    }

    private static string Part(string all, string name) => Regex.Match(all, $"@@{name}\n(.*?)(?=\n@@|$)", RegexOptions.Singleline).Groups[1].Value;

    private static string Hex(string od) => string.Concat(Regex.Matches(od, "[0-9a-f]{2}").Select(m => m.Value.ToUpperInvariant()));

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
