using System;
using System.IO;
using System.Threading.Tasks;
using HssDevice.LinuxGuest;
using Xunit;

namespace HssDevice.UsbIp.Tests.RealKernel;

/// <summary>
/// A checkout under /tmp (or /root, /run, /var/tmp), where the guest mounts a tmpfs of its own: the guest mounts the
/// checkout back and runs its scripts from there; without that (run-guest.sh --keep ''), the boot fails with the
/// guest's one line saying it cannot see the checkout (issue 16: the only error was "the guest closed its command
/// port"). The rig's scripts are copied to a folder under /tmp as a clone there would hold them; these tests boot
/// guests of their own, in the RealKernel collection so that they do not run beside its guest.
/// </summary>
[Collection(RealKernelCollection.Name)]
public sealed class RealKernelCheckoutLocationTests : IDisposable
{
    private readonly string _clone = Path.Combine("/tmp", "hss-clone-" + Guid.NewGuid().ToString("N")[..12]);

    public RealKernelCheckoutLocationTests()
    {
        string tools = Path.Combine(_clone, "tools", "linux-usb");
        Directory.CreateDirectory(tools);
        foreach (string file in Directory.GetFiles(RepositoryRoot.LinuxUsbTools))
        {
            File.Copy(file, Path.Combine(tools, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(_clone, "marker.txt"), "seen from the guest\n");
    }

    private string CloneTools => Path.Combine(_clone, "tools", "linux-usb");

    public void Dispose() => Directory.Delete(_clone, recursive: true);

    [Fact]
    public async Task RealKernel_a_checkout_under_tmp_is_seen_by_the_guest()
    {
        await using LinuxGuest.LinuxGuest guest = await LinuxGuest.LinuxGuest.BootAsync(linuxUsbTools: CloneTools);
        Assert.Equal("seen from the guest", (await guest.RunCheckedAsync($"cat {_clone}/marker.txt")).Trim());
        // The guest's own /tmp is still its tmpfs, writable, beside the checkout.
        Assert.Equal("x", (await guest.RunCheckedAsync("echo x >/tmp/guest-writes-here && cat /tmp/guest-writes-here")).Trim());
        GuestResult usage = await guest.RunAsync($"sh {CloneTools}/guest-usbip.sh");
        Assert.Contains("guest-usbip.sh attach", usage.Output);
    }

    [Fact]
    public async Task RealKernel_a_guest_that_cannot_see_the_checkout_says_so_in_one_line()
    {
        var failure = await Assert.ThrowsAsync<LinuxGuestException>(async () =>
        {
            await using LinuxGuest.LinuxGuest guest = await LinuxGuest.LinuxGuest.BootAsync(linuxUsbTools: CloneTools, keep: "");
        });
        string first = failure.Message.Split('\n')[0];
        Assert.StartsWith("hss-guest: FAILED: the guest cannot see the checkout: ", first);
        Assert.Contains($"{CloneTools}/guest-agent.sh is hidden by the guest's tmpfs on /tmp", first);
    }
}
