using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using HssDevice.LinuxGuest;
using HssDevice.Usb;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.UsbIp.Tests.RealKernel;

/// <summary>
/// A real Linux 6.1 kernel (vhci-hcd in QEMU) enumerates the emulated device of each board, profile and speed:
/// its own view (lsusb -v, and the raw descriptors it read, in sysfs) must equal the board's descriptors, its log
/// must hold no complaint about them, and no class driver may bind.
/// </summary>
[Collection(RealKernelCollection.Name)]
public sealed class RealKernelEnumerationTests(LinuxGuestFixture fixture, ITestOutputHelper output)
{

    /// <summary>Kernel log lines that would mean the kernel disliked a descriptor or the device misbehaved.</summary>
    private static readonly Regex Complaint = new(
        @"invalid|bogus|duplicate|overflow|exceeds|too (short|long|large|many)|skipping|not supported|error|fail|can't|unable|unknown|warn|stall|reset",
        RegexOptions.IgnoreCase | RegexOptions.Compiled);

    public static TheoryData<string, string, string, bool> Cases => new()
    {
        { "esp32-s3", "vendor", "full", false },
        { "esp32-s3", "cdc", "full", false },
        { "stm32f769i-discovery", "vendor", "full", false },
        { "stm32f769i-discovery", "vendor", "high", false },
        { "stm32f769i-discovery", "cdc", "full", false },
        { "stm32f769i-discovery", "cdc", "high", false },
        { "stm32f769i-discovery", "vendor", "high", true }, // --reference: VID 0x2FE0
    };

    private static string Script => GuestScript.Path;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RealKernel_enumerates_the_board_as_its_descriptors_say(string board, string profile, string speed, bool reference)
    {
        LinuxGuest.LinuxGuest guest = fixture.Guest;
        var watch = Stopwatch.StartNew();
        await using var device = new EmulatedBoardDevice(board, profile == "cdc" ? HssUsbProfile.Cdc : HssUsbProfile.Vendor,
            speed == "high" ? UsbSpeed.High : UsbSpeed.Full, reference);
        await guest.UseUsbIpServerAsync(device.EndPoint);
        // One guest command (each one costs a round trip and process starts under TCG), its parts between markers.
        string all = await guest.RunCheckedAsync(
            $"dmesg -C && {Script} attach && s=$({Script} wait-device {device.VidPid} 60) && " +
            $"echo @@lsusb && lsusb -v -d {device.VidPid} && echo @@raw && od -An -v -tx1 $s/descriptors && " +
            "echo @@drivers && for i in $s/*:1.*; do echo \"$(basename $i) $(basename \"$(readlink $i/driver)\" 2>/dev/null)\"; done && " +
            "echo @@speed && cat $s/speed && echo @@modules && cut -d' ' -f1 /proc/modules && echo @@dmesg && dmesg && " +
            $"{Script} detach >/dev/null && {Script} wait-gone {device.VidPid} 30");
        string Part(string name) => Regex.Match(all, $"@@{name}\n(.*?)(?=\n@@|$)", RegexOptions.Singleline).Groups[1].Value;
        string lsusb = Part("lsusb"), raw = Part("raw"), drivers = Part("drivers"), speedSeen = Part("speed").Trim(), dmesg = Part("dmesg");
        output.WriteLine($"{device}: {watch.Elapsed.TotalSeconds:0.0} s in the guest\n{dmesg}");

        // The raw bytes the kernel read: device descriptor then the whole configuration, exactly the builder's.
        byte[] expected = device.Descriptors.BuildDeviceDescriptor().Concat(device.Descriptors.BuildConfiguration(device.Speed)).ToArray();
        byte[] seen = Regex.Matches(raw, "[0-9a-f]{2}").Select(m => Convert.ToByte(m.Value, 16)).ToArray();
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(seen));
        Assert.Equal(speed == "high" ? "480" : "12", speedSeen);

        LsusbView view = LsusbView.Parse(lsusb);
        Assert.Equal($"0x{device.Board.EffectiveVendorId:x4}", view.DeviceFields["idVendor"]);
        Assert.Equal($"0x{device.Board.ProductId:x4}", view.DeviceFields["idProduct"]);
        Assert.Equal("2.10", view.DeviceFields["bcdUSB"]);
        Assert.Equal(device.Board.Manufacturer, view.DeviceStrings["iManufacturer"]);
        Assert.Equal(device.Board.Product, view.DeviceStrings["iProduct"]);
        AssertInterfacesMatch(device, view);

        string[] complaints = dmesg.Split('\n').Where(l => Complaint.IsMatch(l)).ToArray();
        Assert.True(complaints.Length == 0, "kernel complaints:\n" + string.Join('\n', complaints));
        Assert.Contains($"idVendor={device.Board.EffectiveVendorId:x4}, idProduct={device.Board.ProductId:x4}", dmesg);
        // No class driver claims an HSS interface (vendor subclass 0xAB; CDC subclass 0xAB keeps cdc_acm away), and
        // the drivers that could are loaded (guest-agent.sh), so that this means something.
        string modules = Part("modules");
        foreach (string driver in new[] { "cdc_acm", "cdc_ether", "cdc_ncm" })
        {
            Assert.Contains(driver, modules.Split('\n'));
        }

        foreach (string line in drivers.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.True(line.Trim().Split(' ').Length == 1, $"a driver bound an interface: {line}");
        }
    }

    private static void AssertInterfacesMatch(EmulatedBoardDevice device, LsusbView view)
    {
        List<(int Number, int Class, int Subclass, int Protocol, int StringIndex, List<(int Address, int Type, int MaxPacket, int Interval)> Endpoints)> expected =
            ConfigurationWalk.Interfaces(device.Descriptors.BuildConfiguration(device.Speed));
        Assert.Equal(expected.Count, view.Interfaces.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var want = expected[i];
            LsusbInterface got = view.Interfaces[i];
            Assert.Equal((want.Number, want.Class, want.Subclass, want.Protocol), (got.Number, got.Class, got.Subclass, got.Protocol));
            string wantString = want.StringIndex == 0 ? "" : device.Descriptors.StringText(want.StringIndex);
            Assert.Equal(wantString, got.InterfaceString);
            Assert.Equal(want.Endpoints.Count, got.Endpoints.Count);
            for (int e = 0; e < want.Endpoints.Count; e++)
            {
                var we = want.Endpoints[e];
                LsusbEndpoint ge = got.Endpoints[e];
                string type = we.Type switch { 2 => "Bulk", 3 => "Interrupt", _ => "?" };
                Assert.Equal((we.Address, type, we.MaxPacket, we.Interval), (ge.Address, ge.TransferType, ge.MaxPacketSize, ge.Interval));
            }
        }
    }
}
