using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using HssDevice.Sockets;
using HssDevice.Engine;
using HssDevice.Host.Usb.Boards;
using HssDevice.LinuxGuest;
using HssDevice.NativeUsbIp;
using HssDevice.Tool.Display;
using HssDevice.Tool.Samples;
using HssDevice.Transport.NativeUsb;
using HssDevice.Usb;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.UsbHost.Tests;

/// <summary>
/// The native USB function (C core + USB/IP port) recovers on a real kernel: after a detach and a re-attach, and
/// after the kernel resets the device (usbreset, USBDEVFS_RESET) in the middle of a TCP echo, the link comes up
/// again and the sample steps pass through `hss host --usb` in the guest. The device runs in this process (server,
/// NativeUsbLink, engine) so that one device lives through both events.
/// </summary>
[Collection(GuestHostCollection.Name)]
public sealed class RealKernelNativeRecoveryTests(GuestHostFixture fixture, ITestOutputHelper output)
{
    private const string VidPid = GuestHostFixture.BoardDevice;

    [Fact]
    public async Task RealKernel_Native_device_recovers_from_a_detach_reattach_and_a_bus_reset_mid_transfer()
    {
        LinuxGuest.LinuxGuest guest = fixture.Guest;
        string script = RealKernelNativeUsbHostTests.Script;
        BoardSettings board = BoardDirectory.Load(Path.Combine(RepositoryRoot.Path, "boards"), "esp32-s3").ToDeviceSettings();
        byte[] blob = UsbDescriptorBlob.Build(new UsbDescriptorBuilder(board, HssUsbProfile.Vendor));
        var log = new StringWriter();
        using var server = NativeUsbIpServer.Start(new IPEndPoint(IPAddress.Loopback, 0), highSpeed: false);
        Assert.Equal(NativeUsbStatus.Ok, server.Function.Open(blob, 16, 64 * 1024, 64 * 1024));
        var engine = new HssEngine(new NativeUsbLink(server.Function), new HssEngineSettings());
        try
        {
            engine.Start();
            await guest.UseUsbIpServerAsync(server.LocalEndPoint);
            int attached = Attaches(await fixture.ReadAsync(GuestHostFixture.HostLog));
            await guest.RunCheckedAsync($"{script} attach && {script} wait-device {VidPid} 60");
            attached = await HostAttachesAsync(attached);

            // A detach and a re-attach: the device's link goes down once, comes up again, and works.
            await guest.RunCheckedAsync($"{script} detach && {script} wait-gone {VidPid} 30 && {script} attach && {script} wait-device {VidPid} 60");
            attached = await HostAttachesAsync(attached);
            await WaitLinkUpAsync(server);
            NativeUsbIpCounters afterReattach = server.Counters;
            Assert.True(afterReattach.Imports == 2 && afterReattach.Detaches >= 1, $"imports {afterReattach.Imports}, detaches {afterReattach.Detaches}");
            await AssertStepsPassAsync(engine, log, "after the re-attach",
                SampleSteps.HttpGet(HssEndPoint.Parse("127.0.0.1:8080")),
                SampleSteps.UdpEcho(HssEndPoint.Parse("127.0.0.1:7007"), 4));

            // A bus reset while a TCP echo is moving data: that step may fail (its socket dies with the link), the
            // device must come back configured and serve the next steps.
            uint urbsBefore = server.Counters.Urbs;
            Task<IReadOnlyList<StepOutcome>> busy = Task.Run(() => StepDisplay.RunAsync(
                new[] { SampleSteps.TcpEcho(HssEndPoint.Parse("127.0.0.1:7007"), 4 * 1024 * 1024) }, engine, log));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (server.Counters.Urbs < urbsBefore + 200 && !busy.IsCompleted && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            Assert.False(busy.IsCompleted, "the 4 MiB echo ended before the reset:\n" + log);
            await guest.RunCheckedAsync($"usbreset {VidPid}");
            IReadOnlyList<StepOutcome> duringReset = await busy.WaitAsync(TimeSpan.FromMinutes(3));
            await guest.RunCheckedAsync($"{script} wait-device {VidPid} 60");
            await WaitLinkUpAsync(server);
            Assert.True(server.Counters.BusResets >= 1, "the port did not see the kernel's reset as a bus reset");
            await Task.Delay(TimeSpan.FromSeconds(2)); // the host notices its transfers failed and reopens the device
            await AssertStepsPassAsync(engine, log, "after the bus reset",
                SampleSteps.TcpEcho(HssEndPoint.Parse("127.0.0.1:7007"), 65536),
                SampleSteps.UdpEcho(HssEndPoint.Parse("[::1]:7007"), 4));
            output.WriteLine($"echo during the reset: {(duringReset[0].Ok ? "completed" : "failed: " + duringReset[0].Detail)}");

            await guest.RunCheckedAsync($"{script} detach && {script} wait-gone {VidPid} 30");
            NativeUsbIpCounters end = server.Counters;
            Assert.Equal(0u, end.ProtocolErrors);
            output.WriteLine($"counters: {end}\n--- device\n{log}\n--- guest {GuestHostFixture.HostLog}\n{await fixture.ReadAsync(GuestHostFixture.HostLog)}");
        }
        finally
        {
            // The reset makes `hss host` log an error (it saw the device mid-reset): the other tests of this guest
            // read its whole log, so they get a fresh host, warmed up by one more attach of this device.
            await RestartHostAsync(engine, log);
            server.Function.Close();
            engine.Dispose();
        }
    }

    private async Task RestartHostAsync(HssEngine engine, StringWriter log)
    {
        LinuxGuest.LinuxGuest guest = fixture.Guest;
        string script = RealKernelNativeUsbHostTests.Script;
        await guest.RunAsync($"{script} detach; {script} wait-gone {VidPid} 30");
        await guest.RunCheckedAsync(
            "for p in /proc/[0-9]*; do [ ${p#/proc/} = $$ ] && continue; " +
            "case \"$(tr '\\0' ' ' < $p/cmdline 2>/dev/null)\" in *hss.dll\\ host\\ --usb*) kill ${p#/proc/};; esac; done; " +
            $"sleep 1; cd /tmp && setsid {GuestHostFixture.Hss} host --usb --allow-loopback >{GuestHostFixture.HostLog} 2>&1 </dev/null &");
        GuestResult watching = await guest.RunAsync(
            $"i=0; while [ $i -lt 1800 ]; do grep -q 'watching USB for HSS devices' {GuestHostFixture.HostLog} && exit 0; sleep 0.1; i=$((i+1)); done; exit 1",
            TimeSpan.FromMinutes(4));
        Assert.True(watching.ExitCode == 0, "hss host did not start again in the guest");
        await guest.RunCheckedAsync($"{script} attach && {script} wait-device {VidPid} 60");
        await HostAttachesAsync(0);
        await StepDisplay.RunAsync(new[] { SampleSteps.UdpEcho(HssEndPoint.Parse("127.0.0.1:7007"), 2) }, engine, log).WaitAsync(TimeSpan.FromMinutes(2));
        await guest.RunCheckedAsync($"{script} detach && {script} wait-gone {VidPid} 30");
    }

    private static async Task AssertStepsPassAsync(HssEngine engine, StringWriter log, string when, params SampleStep[] steps)
    {
        IReadOnlyList<StepOutcome> outcomes = await StepDisplay.RunAsync(steps, engine, log).WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(outcomes.All(o => o.Ok), $"steps {when} failed:\n{log}");
    }

    private static async Task WaitLinkUpAsync(NativeUsbIpServer server)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (server.Function.LinkState() != 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the host did not configure the device again within 30 s");
            await Task.Delay(100);
        }
    }

    private static int Attaches(string hostLog) => Regex.Matches(hostLog, Regex.Escape("attached usb ")).Count;

    /// <summary>Waits until `hss host` in the guest logged one more attach than <paramref name="seen"/>; returns the count.</summary>
    private async Task<int> HostAttachesAsync(int seen)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            string hostLog = await fixture.ReadAsync(GuestHostFixture.HostLog);
            int count = Attaches(hostLog);
            if (count > seen)
            {
                return count;
            }

            Assert.True(DateTime.UtcNow < deadline, "hss host did not attach the device again:\n" + hostLog);
            await Task.Delay(250);
        }
    }
}
