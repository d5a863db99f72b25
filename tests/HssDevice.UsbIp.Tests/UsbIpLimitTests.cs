using System;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Usb;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.UsbIp.Tests;

/// <summary>
/// The server's bounds against clients that misbehave (docs/security.md, "hss emulate --usbip"): OUT data held for
/// URBs, connections at once (a newcomer evicts the oldest idle one, never the importer), and a deadline for a new
/// connection's first request.
/// </summary>
public sealed class UsbIpLimitTests
{
    private const int OneMiB = 1024 * 1024;

    private readonly ITestOutputHelper _output;

    public UsbIpLimitTests(ITestOutputHelper output)
    {
        _output = output;
    }

    private static async Task<UsbIpTestClient> ImportAndConfigureAsync(EmulatedBoardDevice device)
    {
        var client = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        await client.ImportAsync();
        Assert.Equal(0, (await client.ControlAsync(0x00, 9, 1, 0, 0)).Status);
        return client;
    }

    /// <summary>The emulated pipe takes one transfer whatever its size when it is empty: the first OUT URB completes
    /// at once. After it, nothing the device does not read leaves: every later OUT URB stays in flight.</summary>
    private static async Task FillThePipeAsync(UsbIpTestClient client)
    {
        await client.SendAsync(UsbIpTestClient.Submit(1, 0, 1, 4096, outData: new byte[4096]));
        UrbReply done = await client.ReceiveUrbReplyAsync(false);
        Assert.Equal((3u, 1u, 0), (done.Command, done.SeqNum, done.Status));
    }

    [Fact]
    public async Task OutDataBeyondTheBound_ClosesTheConnection()
    {
        await using var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full,
            limits: new UsbIpLimits { MaxOutBytesInFlight = 4 * OneMiB });
        await using UsbIpTestClient client = await ImportAndConfigureAsync(device);
        await FillThePipeAsync(client);
        // The device reads none of it: every URB stays in flight.
        for (uint seq = 10; seq < 14; seq++)
        {
            await client.SendAsync(UsbIpTestClient.Submit(seq, 0, 1, OneMiB, outData: new byte[OneMiB]));
        }

        Assert.True(await client.NothingArrivesAsync(TimeSpan.FromMilliseconds(200)), "4 MiB in flight is within the bound");
        await client.SendAsync(UsbIpTestClient.Submit(14, 0, 1, OneMiB, outData: new byte[OneMiB]));
        Assert.True(await client.ClosedByServerAsync());
        Assert.True(device.Log.HasWarning("over the limit of " + 4 * OneMiB), device.Log.ToString());
        Assert.True(device.Server.PeakOutBytesInFlight <= 4 * OneMiB);
    }

    [Fact]
    public async Task UrbsUnlinkedAndResubmitted_HoldAtMostTheBound()
    {
        // Before: an unlinked URB kept its data until its endpoint's worker reached it in the queue, behind a URB the
        // device never read; 128 URBs of 1 MiB unlinked and resubmitted reached 581 MiB.
        await using var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full);
        await using UsbIpTestClient client = await ImportAndConfigureAsync(device);
        await FillThePipeAsync(client);
        long bound = device.Server.Limits.MaxOutBytesInFlight;
        int perRound = (int)(bound / OneMiB);
        long heapBefore = GC.GetTotalMemory(true);
        long heapPeak = heapBefore;
        uint seq = 100;
        for (int round = 0; round < 8; round++)
        {
            uint first = seq;
            for (int i = 0; i < perRound; i++)
            {
                await client.SendAsync(UsbIpTestClient.Submit(seq++, 0, 1, OneMiB, outData: new byte[OneMiB]));
            }

            for (uint target = first, end = seq; target < end; target++)
            {
                await client.SendAsync(UsbIpTestClient.Unlink(seq++, target));
            }

            for (int i = 0; i < perRound; i++)
            {
                UrbReply reply = await client.ReceiveUrbReplyAsync(false);
                Assert.Equal(4u, reply.Command); // RET_UNLINK: the connection is still served
            }

            heapPeak = Math.Max(heapPeak, GC.GetTotalMemory(false));
        }

        _output.WriteLine($"8 rounds of {perRound} URBs of 1 MiB submitted and unlinked: OUT data in flight peaked at " +
            $"{device.Server.PeakOutBytesInFlight / OneMiB} MiB (bound {bound / OneMiB} MiB); managed heap {heapBefore / OneMiB} -> peak {heapPeak / OneMiB} MiB");
        Assert.True(device.Server.PeakOutBytesInFlight <= bound);
        Assert.Equal(1, device.Server.Connections);
    }

    [Fact]
    public async Task WhenFull_ANewcomerEvictsTheOldestIdleConnection_NeverTheImporter()
    {
        await using var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full,
            limits: new UsbIpLimits { MaxConnections = 3, FirstOperationTimeout = TimeSpan.FromMinutes(1) });
        await using UsbIpTestClient importer = await ImportAndConfigureAsync(device);
        await using UsbIpTestClient idle1 = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        await Task.Delay(50);
        await using UsbIpTestClient idle2 = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        await WaitUntilAsync(() => device.Server.Connections == 3);

        await using UsbIpTestClient newcomer = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        Assert.True(await idle1.ClosedByServerAsync(), "the oldest idle connection was not evicted");
        Assert.Equal(1, device.Server.EvictedConnections);
        await newcomer.SendAsync(UsbIpTestClient.OpRequest(0x8005));
        Assert.Equal(0x0005, (await newcomer.ReceiveAsync(12))[3]);

        // More newcomers: idle2 and the newcomer go in turn, the importer stays and is served.
        await using UsbIpTestClient another = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        await using UsbIpTestClient yetAnother = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        Assert.True(await idle2.ClosedByServerAsync());
        Assert.Equal(1, (await importer.ControlAsync(0x80, 8, 0, 0, 1)).Data.Single()); // GET_CONFIGURATION
        Assert.True(device.Log.HasWarning("closing the oldest"), device.Log.ToString());
    }

    [Fact]
    public async Task ASilentConnectionIsClosedAtTheFirstRequestDeadline()
    {
        await using var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full,
            limits: new UsbIpLimits { FirstOperationTimeout = TimeSpan.FromMilliseconds(300) });
        await using UsbIpTestClient silent = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        Assert.True(await silent.ClosedByServerAsync());
        Assert.True(device.Log.HasWarning("no request within"), device.Log.ToString());

        // One that speaks at once is served, and may then rest (the deadline is for the first request only).
        await using UsbIpTestClient prompt = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        await prompt.SendAsync(UsbIpTestClient.OpRequest(0x8005));
        await prompt.ReceiveAsync(UsbIpWire.DevlistReply(device.Device.Info).Length);
        Assert.True(await prompt.NothingArrivesAsync(TimeSpan.FromMilliseconds(600)), "a client that spoke was closed while resting");
    }

    [Fact]
    public async Task ConnectionChurn_LogsAtMostTheRate_AndSaysHowMuchItHeldBack()
    {
        const int rate = 10;
        await using var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full,
            limits: new UsbIpLimits { LogMessagesPerSecond = rate, MaxConnections = 2 });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        int connections = 0;
        while (watch.Elapsed < TimeSpan.FromSeconds(1.5))
        {
            await using UsbIpTestClient churn = await UsbIpTestClient.ConnectAsync(device.EndPoint);
            connections++;
        }

        await Task.Delay(TimeSpan.FromSeconds(1.3)); // the last window's count is reported
        int lines = device.Log.Lines.Count(l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Information);
        _output.WriteLine($"{connections} connections in 1.5 s: {lines} log lines, {device.Server.SuppressedLogMessages} held back");
        Assert.True(connections > 3 * rate, $"only {connections} connections");
        double windows = Math.Ceiling(watch.Elapsed.TotalSeconds) + 1;
        Assert.True(lines <= windows * (rate + 1) + 1, $"{lines} lines");
        Assert.True(device.Server.SuppressedLogMessages > 0);
        Assert.True(device.Log.HasWarning("log messages held back"), device.Log.ToString());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(UsbIpTestClient.ReplyTimeout);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
