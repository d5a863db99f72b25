using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using HssDevice.LinuxGuest;
using HssDevice.Usb;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.UsbIp.Tests.RealKernel;

/// <summary>
/// Attach/detach cycles, unplug and bad input as the real kernel (vhci-hcd and the usbip tool in the guest) drives
/// them, and `hss emulate --usbip` itself as a process.
/// </summary>
[Collection(RealKernelCollection.Name)]
public sealed class RealKernelAttachTests(LinuxGuestFixture fixture, ITestOutputHelper output)
{
    private static string Script => GuestScript.Path;

    [Fact]
    public async Task RealKernel_attach_detach_cycles_then_an_unplug_by_the_server()
    {
        LinuxGuest.LinuxGuest guest = fixture.Guest;
        var watch = Stopwatch.StartNew();
        var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full);
        try
        {
            await guest.UseUsbIpServerAsync(device.EndPoint);
            for (int cycle = 1; cycle <= 3; cycle++)
            {
                await guest.RunCheckedAsync($"{Script} attach && {Script} wait-device {device.VidPid} 60");
                Assert.Contains(device.VidPid, await guest.RunCheckedAsync($"lsusb -d {device.VidPid}"));
                await guest.RunCheckedAsync($"{Script} detach && {Script} wait-gone {device.VidPid} 30");
                Assert.Equal(cycle, device.Server.Imports);
            }

            // The fourth attach ends when the server unplugs: the guest reads end of stream and the kernel detaches.
            await guest.RunCheckedAsync($"{Script} attach && {Script} wait-device {device.VidPid} 60");
            int connections = guest.UsbIpStreamConnections;
            await device.DisposeAsync();
            await guest.RunCheckedAsync($"{Script} wait-gone {device.VidPid} 30");
            Assert.Equal(4, device.Server.Imports);
            Assert.Contains("vhci_hcd: connection closed", await guest.RunCheckedAsync("dmesg"));
            await guest.WaitUsbIpReconnectAsync(connections);
            output.WriteLine($"4 attaches, 3 detaches and an unplug: {watch.Elapsed.TotalSeconds:0.0} s\n{device.Log}");
        }
        finally
        {
            await device.DisposeAsync();
        }
    }

    [Fact]
    public async Task RealKernel_bad_input_is_refused_and_the_device_attaches_after_it()
    {
        LinuxGuest.LinuxGuest guest = fixture.Guest;
        await using var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Cdc, UsbSpeed.Full);
        await guest.UseUsbIpServerAsync(device.EndPoint);

        // An unknown bus ID: usbip attach fails, the server says why and keeps serving.
        GuestResult unknown = await guest.RunAsync($"{Script} attach 9-9");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.True(device.Log.HasWarning("unknown bus ID '9-9'"), device.Log.ToString());

        // Garbage on the USB/IP port: the server closes the connection (the guest's stream ends, QEMU reconnects).
        int connections = guest.UsbIpStreamConnections;
        await guest.RunAsync("printf 'GARBAGE-NOT-USBIP' | socat -t 5 - TCP:127.0.0.1:3240");
        await guest.WaitUsbIpReconnectAsync(connections);
        Assert.True(device.Log.HasWarning("expected an operation request"), device.Log.ToString());

        await guest.RunCheckedAsync($"{Script} attach && {Script} wait-device {device.VidPid} 60");
        await guest.RunCheckedAsync($"{Script} detach && {Script} wait-gone {device.VidPid} 30");
        Assert.Equal(1, device.Server.Imports);
        output.WriteLine(device.Log.ToString());
    }

    [Fact]
    public async Task RealKernel_hss_emulate_usbip_waits_for_the_guest_serves_it_and_unplugs_with_the_steps_exit_code()
    {
        LinuxGuest.LinuxGuest guest = fixture.Guest;
        string hss = Path.Combine(AppContext.BaseDirectory, "hss.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // One step no host will ever answer (no HSS host driver in the guest): it fails once its OPEN times out.
        foreach (string arg in new[] { hss, "emulate", "--usbip", "127.0.0.1:0", "--board", "stm32f769i-discovery", "--profile", "cdc",
            "--speed", "high", "--http", "127.0.0.1:9", "--log-level", "Information" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var listening = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            lock (stdout)
            {
                stdout.AppendLine(e.Data);
            }

            Match m = Regex.Match(e.Data ?? "", @"bus ID 1-1 on (\S+),");
            if (m.Success)
            {
                listening.TrySetResult(IPEndPoint.Parse(m.Groups[1].Value));
            }
        };
        process.ErrorDataReceived += (_, e) => { lock (stderr) { stderr.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            IPEndPoint endPoint = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await guest.UseUsbIpServerAsync(endPoint);
            await guest.RunCheckedAsync($"{Script} attach && {Script} wait-device 1209:0001 60");
            string speed = await guest.RunCheckedAsync($"cat $({Script} sysfs 1209:0001)/speed");
            Assert.Equal("480", speed.Trim());
            // The step fails (nobody answers its OPEN); then hss emulate unplugs and exits with 3.
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
            await guest.RunCheckedAsync($"{Script} wait-gone 1209:0001 30");
            process.WaitForExit();
            string outText, errText;
            lock (stdout)
            {
                outText = stdout.ToString();
            }

            lock (stderr)
            {
                errText = stderr.ToString();
            }

            output.WriteLine(outText + errText);
            Assert.Contains("configured by the host", outText);
            Assert.Equal(3, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
