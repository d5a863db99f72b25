using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host.Emulation;
using HssDevice.Host.Links;
using HssDevice.Wire;
using Xunit;

namespace HssDevice.Host.Tests.Hostile;

/// <summary>The hostile-device suite runs alone: it measures the process's managed heap.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostileCollection
{
    public const string Name = "hostile devices";
}

/// <summary>
/// A host serving two devices: an attacker connected over TCP (single-pipe profile, raw bytes) to the host's
/// listener, and a well-behaved raw device on an emulated USB link whose service is checked after each attack.
/// Samples the managed heap while the attack runs, for the peak reported per attack.
/// </summary>
public sealed class HostileRig : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _peakHeap;
    private long _drained;

    private HostileRig(HssHostSettings settings)
    {
        Logs = new ListLoggerFactory();
        Host = new HssHost(settings.WithLoopbackAllowed(), Logs); // the good device's echo server is on loopback
        Listener = HssTcpListener.Start(Host, new IPEndPoint(IPAddress.Loopback, 0));
        var usb = new EmulatedUsbLink(UsbLinkOptions.FullSpeed);
        // The good device speaks only after the attack: no first-packet deadline for it.
        GoodConnection = Host.Attach(usb.HostEnd, "good-device", Host.Settings with { FirstPacketTimeout = Timeout.InfiniteTimeSpan });
        Good = new RawDevice(usb.DeviceEnd);
        Echo = new EchoServer("v4");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        BaselineHeap = GC.GetTotalMemory(true);
        _peakHeap = BaselineHeap;
        _sampler = SampleAsync();
    }

    public ListLoggerFactory Logs { get; }

    public HssHost Host { get; }

    public HssTcpListener Listener { get; }

    public DeviceConnection GoodConnection { get; }

    public RawDevice Good { get; }

    public EchoServer Echo { get; }

    public Socket? Attacker { get; private set; }

    public DeviceConnection? AttackerConnection { get; private set; }

    public long BaselineHeap { get; }

    public long PeakHeap => Interlocked.Read(ref _peakHeap);

    public long PeakGrowth => PeakHeap - BaselineHeap;

    /// <summary>Bytes the attacker has read and thrown away (when draining).</summary>
    public long Drained => Interlocked.Read(ref _drained);

    /// <param name="attackerReceiveBuffer">A small one makes the kernel hold few of the host's unread answers.</param>
    public static async Task<HostileRig> StartAsync(HssHostSettings? settings = null, int attackerReceiveBuffer = 0)
    {
        var rig = new HostileRig(settings ?? new HssHostSettings());
        await rig.ConnectAttackerAsync(attackerReceiveBuffer);
        return rig;
    }

    private async Task ConnectAttackerAsync(int receiveBuffer)
    {
        Attacker = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBuffer > 0)
        {
            Attacker.ReceiveBufferSize = receiveBuffer;
        }

        await Attacker.ConnectAsync(Listener.LocalEndPoint);
        await HostLimitsTests.WaitUntilAsync(() => Host.Devices.Any(d => d != GoodConnection));
        AttackerConnection = Host.Devices.First(d => d != GoodConnection);
    }

    /// <summary>The attacker reads everything the host sends and throws it away.</summary>
    public void DrainAttacker()
    {
        Socket attacker = Attacker!;
        _ = Task.Run(async () =>
        {
            byte[] buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    int n = await attacker.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    Interlocked.Add(ref _drained, n);
                }
            }
            catch (Exception)
            {
                // The host reset the attacker, or the test ended.
            }
        });
    }

    /// <summary>Sends packets as fast as the host takes them, for `time` or `maxPackets` (the host may stop reading:
    /// back-pressure). Returns the bytes sent.</summary>
    public async Task<long> FloodAsync(Func<int, byte[]> packet, TimeSpan time, int maxPackets = int.MaxValue, CancellationToken stop = default)
    {
        long sent = 0;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(time);
        var batch = new System.Collections.Generic.List<byte>(64 * 1024);
        int index = 0;
        try
        {
            while (index < maxPackets && !deadline.IsCancellationRequested)
            {
                batch.Clear();
                while (batch.Count < 32 * 1024 && index < maxPackets)
                {
                    batch.AddRange(packet(index++));
                }

                byte[] bytes = batch.ToArray();
                int offset = 0;
                while (offset < bytes.Length)
                {
                    offset += await Attacker!.SendAsync(bytes.AsMemory(offset), SocketFlags.None, deadline.Token);
                }

                sent += bytes.Length;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
            // The host reset the attacker's link.
        }

        return sent;
    }

    /// <summary>The well-behaved device still gets its service: a TCP round trip through the echo server.</summary>
    public async Task AssertGoodDeviceServedAsync(uint handle)
    {
        await Good.OpenConnectedAsync(handle, Echo.EndPoint);
        byte[] data = System.Security.Cryptography.RandomNumberGenerator.GetBytes(3000);
        for (int offset = 0; offset < data.Length; offset += 1000)
        {
            DevicePacket ack = await Good.ExpectAckAsync(Good.SendTransmit(handle, data[offset..(offset + 1000)]), HssOpcode.Transmit);
            Assert.Equal(1000, ack.Value);
        }

        Assert.Equal(data, await Good.ReceiveBytesAsync(handle, data.Length));
        Assert.Equal(HssError.Success, (await Good.ExpectAckAsync(Good.SendClose(handle), HssOpcode.Close)).Code);
        Assert.False(GoodConnection.Completion.IsCompleted);
    }

    public string Report(string attack) =>
        $"ATTACK {attack}: managed heap baseline {BaselineHeap / 1024} KiB, peak {PeakHeap / 1024} KiB (+{PeakGrowth / 1024} KiB); " +
        $"attacker limits hit: [{string.Join(", ", AttackerConnection?.Counters.LimitHits.Select(h => h.Key + " x" + h.Value) ?? Array.Empty<string>())}]; " +
        $"protocol errors {AttackerConnection?.Counters.ProtocolErrors}; attacker: {AttackerConnection?.StopReason ?? "still attached"}";

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _sampler.ContinueWith(_ => { }, TaskScheduler.Default);
        Attacker?.Dispose();
        await Listener.DisposeAsync();
        await Host.DisposeAsync();
        Good.Dispose();
        await Echo.DisposeAsync();
    }

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            long heap = GC.GetTotalMemory(false);
            if (heap > Interlocked.Read(ref _peakHeap))
            {
                Interlocked.Exchange(ref _peakHeap, heap);
            }

            try
            {
                await Task.Delay(5, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
