using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host.Emulation;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace HssDevice.Host.Tests;

/// <summary>
/// A connection's Completion means "the device is gone" from the moment the connection exists. Before, HssHost
/// published a connection (in Devices) before starting it, and Completion was an already completed task until then:
/// a reader of Devices, or a continuation attached in that window, saw a new device as gone (issue 16; it made
/// HostileDeviceTests.HugeLength_NoAllocationByIt_LinkReset flaky).
/// </summary>
public class DeviceLifecycleTests
{
    [Fact]
    public async Task ACreatedButNotStartedConnectionIsNotComplete_AndDisposingItCompletesIt()
    {
        await using var host = new HssHost();
        var usb = new EmulatedUsbLink(UsbLinkOptions.FullSpeed);
        var connection = new DeviceConnection("not-started", usb.HostEnd, host.Settings, NullLogger.Instance, host);
        Assert.False(connection.Completion.IsCompleted);
        await connection.DisposeAsync().AsTask().WaitAsync(RawDevice.Patience);
        Assert.True(connection.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task NoDeviceInDevicesIsEverSeenAsGoneWhileItsLinkIsUp()
    {
        await using var host = new HssHost(new HssHostSettings { MaxDevices = 400 });
        using var stop = new CancellationTokenSource();
        int seenGone = 0;
        Task watcher = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                seenGone += host.Devices.Count(d => d.Completion.IsCompleted);
            }
        });
        var links = new EmulatedUsbLink[400];
        for (int i = 0; i < links.Length; i++)
        {
            links[i] = new EmulatedUsbLink(UsbLinkOptions.FullSpeed);
            host.Attach(links[i].HostEnd, "device" + i, host.Settings with { FirstPacketTimeout = Timeout.InfiniteTimeSpan });
        }

        stop.Cancel();
        await watcher;
        Assert.Equal(0, seenGone);
        Assert.Equal(400, host.Devices.Count);
    }
}
