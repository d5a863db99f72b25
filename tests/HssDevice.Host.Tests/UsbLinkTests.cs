using System;
using System.Collections.Concurrent;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host.Emulation;
using HssDevice.Wire;
using Xunit;

namespace HssDevice.Host.Tests;

/// <summary>The emulated USB link on its own: packets, transfers, ZLPs, packing, chunked delivery, link down.</summary>
public class UsbLinkTests
{
    [Theory]
    [InlineData(130, 64, true, new[] { 64, 64, 2 })]
    [InlineData(128, 64, true, new[] { 64, 64, 0 })]
    [InlineData(128, 64, false, new[] { 64, 64 })]
    [InlineData(1000, 512, true, new[] { 512, 488 })]
    [InlineData(1024, 512, true, new[] { 512, 512, 0 })]
    [InlineData(1024, 512, false, new[] { 512, 512 })]
    [InlineData(12, 64, true, new[] { 12 })]
    public void TransfersSplitAtMaxPacketSize(int length, int maxPacketSize, bool zlp, int[] expected) =>
        Assert.Equal(expected, UsbPacketizer.PacketSizes(length, maxPacketSize, zlp));

    [Theory]
    [InlineData(UsbSpeed.FullSpeed, 1_216_000)]
    [InlineData(UsbSpeed.HighSpeed, 53_248_000)]
    public void CeilingsMatchTheIssue(UsbSpeed speed, long ceiling) =>
        Assert.Equal(ceiling, UsbSpeedFacts.BulkCeilingBytesPerSecond(speed));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ZeroLengthPacketEndsAFullSizedTransferExceptInReferenceMode(bool reference)
    {
        UsbLinkOptions options = reference ? UsbLinkOptions.ReferenceCompatible(UsbSpeed.FullSpeed) : UsbLinkOptions.FullSpeed;
        var link = new EmulatedUsbLink(options);
        var traces = new ConcurrentQueue<UsbTransferTrace>();
        link.TransferSent += traces.Enqueue;

        await link.HostEnd.WriteDataAsync(Packet(128 - HssLayout.HeaderSize, 1), CancellationToken.None);
        await link.HostEnd.WriteDataAsync(Packet(10, 2), CancellationToken.None);
        Assert.True(traces.TryDequeue(out UsbTransferTrace? first));
        Assert.Equal(reference ? new[] { 64, 64 } : new[] { 64, 64, 0 }, first!.PacketSizes);
        Assert.Equal(reference ? 0 : 1, link.HostToDeviceDataStatistics.ZeroLengthPackets);

        // Without a ZLP the device cannot see where the first transfer ends: one read runs on into the next.
        byte[] buffer = new byte[1024];
        int read = link.DeviceEnd.ReadData(buffer, 0, buffer.Length);
        Assert.Equal(reference ? 128 + 22 : 128, read);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PackingPutsSeveralPacketsInOneTransferOrOnePerTransfer(bool pack)
    {
        var link = new EmulatedUsbLink(new UsbLinkOptions { PackDataPackets = pack });
        byte[] a = Packet(20, 1), b = Packet(30, 2), c = Packet(5, 3);
        byte[] three = new byte[a.Length + b.Length + c.Length];
        a.CopyTo(three, 0);
        b.CopyTo(three, a.Length);
        c.CopyTo(three, a.Length + b.Length);
        await link.HostEnd.WriteDataAsync(three, CancellationToken.None);

        Assert.Equal(pack ? 1 : 3, link.HostToDeviceDataStatistics.Transfers);
        byte[] buffer = new byte[1024];
        if (pack)
        {
            Assert.Equal(three.Length, link.DeviceEnd.ReadData(buffer, 0, buffer.Length));
        }
        else
        {
            Assert.Equal(a.Length, link.DeviceEnd.ReadData(buffer, 0, buffer.Length));
            Assert.Equal(b.Length, link.DeviceEnd.ReadData(buffer, 0, buffer.Length));
            Assert.Equal(c.Length, link.DeviceEnd.ReadData(buffer, 0, buffer.Length));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(64)]
    public void ReadsDeliverChunksAndNeverCrossATransfer(int chunk)
    {
        var link = new EmulatedUsbLink(UsbLinkOptions.HighSpeed);
        byte[] first = Packet(88, 1), second = Packet(40, 2);
        link.DeviceEnd.WriteData(first, 0, first.Length);
        link.DeviceEnd.WriteData(second, 0, second.Length);

        Assert.Equal(first, ReadTransfer(link, first.Length, chunk));
        Assert.Equal(second, ReadTransfer(link, second.Length, chunk));
    }

    [Fact]
    public async Task CommandPipeCarriesOneWholePacketPerTransfer()
    {
        var link = new EmulatedUsbLink();
        byte[] close = new byte[HssLayout.HeaderSize];
        PacketWriter.WriteClose(close, 0, 1, 2);
        await link.HostEnd.WriteCommandAsync(close, CancellationToken.None);
        await link.HostEnd.WriteCommandAsync(close, CancellationToken.None);
        byte[] buffer = new byte[64];
        Assert.Equal(12, link.DeviceEnd.ReadCommand(buffer, 0, buffer.Length));
        Assert.Equal(12, link.DeviceEnd.ReadCommand(buffer, 0, buffer.Length));
        Assert.Throws<ArgumentException>(() => link.DeviceEnd.WriteCommand(new byte[65], 0, 65));
    }

    [Fact]
    public async Task HostLeavingIsLinkDownOnceForTheDevice()
    {
        var link = new EmulatedUsbLink();
        Task<int> blocked = Task.Run(() => link.DeviceEnd.ReadData(new byte[64], 0, 64));
        await link.HostEnd.DisposeAsync();
        Assert.Equal(0, await blocked.WaitAsync(RawDevice.Patience));
        Assert.Throws<IOException>(() => link.DeviceEnd.WriteData(new byte[12], 0, 12));

        // Later reads wait (for the link to come back) until the device closes its end.
        // A thread of its own, so the read is surely waiting before the device closes (a later read would throw).
        var waiting = new TaskCompletionSource<int>();
        var reading = new ManualResetEventSlim();
        new Thread(() =>
        {
            reading.Set();
            waiting.SetResult(link.DeviceEnd.ReadData(new byte[64], 0, 64));
        }) { IsBackground = true }.Start();
        Assert.True(reading.Wait(RawDevice.Patience));
        Assert.NotSame(waiting.Task, await Task.WhenAny(waiting.Task, Task.Delay(200)));
        link.DeviceEnd.Close();
        Assert.Equal(0, await waiting.Task.WaitAsync(RawDevice.Patience));
        Assert.Throws<ObjectDisposedException>(() => link.DeviceEnd.ReadData(new byte[64], 0, 64));
    }

    [Fact]
    public async Task DeviceClosingEndsTheHostsReads()
    {
        var link = new EmulatedUsbLink();
        ValueTask<int> data = link.HostEnd.ReadDataAsync(new byte[64], CancellationToken.None);
        link.DeviceEnd.Close();
        Assert.Equal(0, await data.AsTask().WaitAsync(RawDevice.Patience));
        Assert.Equal(0, await link.HostEnd.ReadCommandAsync(new byte[64], CancellationToken.None));
    }

    [Fact]
    public async Task ResetDropsWhatIsInFlightAndTheLinkGoesOn()
    {
        var link = new EmulatedUsbLink();
        byte[] stale = Packet(10, 1), fresh = Packet(4, 2);
        await link.HostEnd.WriteDataAsync(stale, CancellationToken.None);
        await link.HostEnd.ResetAsync(CancellationToken.None);
        await link.HostEnd.WriteDataAsync(fresh, CancellationToken.None);
        byte[] buffer = new byte[64];
        Assert.Equal(0, link.DeviceEnd.ReadData(buffer, 0, buffer.Length));
        Assert.Equal(fresh.Length, link.DeviceEnd.ReadData(buffer, 0, buffer.Length));
        Assert.Equal(fresh, buffer[..fresh.Length]);
    }

    [Fact]
    public async Task AWriterBlocksWhileTheReaderDoesNotRead()
    {
        var link = new EmulatedUsbLink(new UsbLinkOptions { PipeCapacityBytes = 100 });
        await link.HostEnd.WriteDataAsync(Packet(80, 1), CancellationToken.None);
        Task second = link.HostEnd.WriteDataAsync(Packet(80, 2), CancellationToken.None).AsTask();
        Assert.NotSame(second, await Task.WhenAny(second, Task.Delay(100)));
        link.DeviceEnd.ReadData(new byte[200], 0, 200);
        await second.WaitAsync(RawDevice.Patience);
    }

    [Fact]
    public async Task TimingModelStillDeliversEverything()
    {
        var link = new EmulatedUsbLink(new UsbLinkOptions { Timing = true, Speed = UsbSpeed.HighSpeed });
        byte[] packet = Packet(4000, 9);
        for (int i = 0; i < 10; i++)
        {
            await link.HostEnd.WriteDataAsync(packet, CancellationToken.None);
        }

        byte[] buffer = new byte[8192];
        int total = 0;
        while (total < 10 * packet.Length)
        {
            total += link.DeviceEnd.ReadData(buffer, 0, buffer.Length);
        }

        Assert.Equal(10 * packet.Length, total);
        Assert.Equal(10 * 8, link.HostToDeviceDataStatistics.Packets);
    }

    private static byte[] ReadTransfer(EmulatedUsbLink link, int length, int chunk)
    {
        byte[] got = new byte[length + 100];
        int total = 0;
        while (total < length)
        {
            int n = link.HostEnd.ReadDataAsync(got.AsMemory(total, chunk), CancellationToken.None).AsTask().GetAwaiter().GetResult();
            Assert.InRange(n, 1, chunk);
            total += n;
        }

        Assert.Equal(length, total);
        return got[..length];
    }

    /// <summary>A TRANSMIT packet with a payload of `payload` bytes of the value `fill`.</summary>
    private static byte[] Packet(int payload, byte fill)
    {
        byte[] packet = new byte[HssLayout.HeaderSize + payload];
        PacketWriter.WriteTransmitHeader(packet, 0, fill, fill, payload);
        Array.Fill(packet, fill, HssLayout.HeaderSize, payload);
        return packet;
    }
}
