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

    public static TheoryData<string, string, string> Cases => new()
    {
        { "esp32-s3", "vendor", "full" },
        { "esp32-s3", "cdc", "full" },
        { "stm32f769i-discovery", "vendor", "full" },
        { "stm32f769i-discovery", "vendor", "high" },
        { "stm32f769i-discovery", "cdc", "full" },
        { "stm32f769i-discovery", "cdc", "high" },
    };

    private static string Script => GuestScript.Path;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RealKernel_enumerates_the_board_as_its_descriptors_say(string board, string profile, string speed)
    {
        LinuxGuest.LinuxGuest guest = fixture.Guest;
        var watch = Stopwatch.StartNew();
        await using var device = new EmulatedBoardDevice(board, profile == "cdc" ? HssUsbProfile.Cdc : HssUsbProfile.Vendor,
            speed == "high" ? UsbSpeed.High : UsbSpeed.Full);
        await guest.UseUsbIpServerAsync(device.EndPoint);
        await guest.RunCheckedAsync("dmesg -C");
        await guest.RunCheckedAsync($"{Script} attach");
        string sysfs = (await guest.RunCheckedAsync($"{Script} wait-device {device.VidPid} 60")).Trim();
        string lsusb = await guest.RunCheckedAsync($"lsusb -v -d {device.VidPid}");
        string raw = await guest.RunCheckedAsync($"od -An -v -tx1 {sysfs}/descriptors");
        string drivers = await guest.RunCheckedAsync($"for i in {sysfs}/*:1.*; do echo \"$(basename $i) $(basename $(readlink $i/driver) 2>/dev/null)\"; done");
        string speedSeen = (await guest.RunCheckedAsync($"cat {sysfs}/speed")).Trim();
        string dmesg = await guest.RunCheckedAsync("dmesg");
        await guest.RunCheckedAsync($"{Script} detach && {Script} wait-gone {device.VidPid} 30");
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
        // No class driver claims an HSS interface (vendor subclass 0xAB; CDC subclass 0xAB keeps cdc_acm away).
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
