using HssDevice.Host.Usb.LibUsb;
using HssDevice.Host.Usb.Parsing;
using Xunit;

namespace HssDevice.Usb.Tests.LibUsb;

/// <summary>The libusb link's transfer bookkeeping against a fake device: queues, order, partial reads, ZLPs, errors.</summary>
public class UsbHostLinkTests
{
    private const byte BulkIn = 0x81;
    private const byte BulkOut = 0x01;
    private const byte InterruptIn = 0x82;
    private const byte InterruptOut = 0x02;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly FakeUsbTransfers _device = new();

    [Fact]
    public async Task The_first_read_queues_every_in_transfer_and_reads_never_queue_more()
    {
        var link = Link(new UsbHostLinkOptions { BulkInTransfers = 3, CommandInTransfers = 2 });
        var read = link.ReadDataAsync(new byte[100], CancellationToken.None).AsTask();

        Assert.Equal(3, _device.PendingIn(BulkIn));
        Assert.Equal(2, _device.PendingIn(InterruptIn));
        for (int i = 0; i < 20; i++)
        {
            _device.Complete(BulkIn, new byte[] { (byte)i });
            Assert.Equal(1, await read.WaitAsync(Wait));
            Assert.Equal(3, _device.PendingIn(BulkIn));
            read = link.ReadDataAsync(new byte[100], CancellationToken.None).AsTask();
        }

        await link.DisposeAsync();
    }

    [Fact]
    public async Task Transfers_are_read_in_order_in_pieces_and_a_buffer_goes_back_only_when_emptied()
    {
        var link = Link(new UsbHostLinkOptions { BulkInTransfers = 2 });
        var first = link.ReadDataAsync(new byte[3], CancellationToken.None).AsTask();
        _device.Complete(BulkIn, new byte[] { 1, 2, 3, 4, 5, 6, 7 });
        _device.Complete(BulkIn, new byte[] { 8, 9 });

        var seen = new List<byte>();
        byte[] piece = new byte[3];
        int n = await first.WaitAsync(Wait);
        seen.AddRange(new byte[] { 1, 2, 3 }.Take(n));
        Assert.Equal(0, _device.PendingIn(BulkIn)); // both transfers done, the first not yet emptied
        while (seen.Count < 9)
        {
            n = await link.ReadDataAsync(piece, CancellationToken.None).AsTask().WaitAsync(Wait);
            seen.AddRange(piece.Take(n));
        }

        Assert.Equal(Enumerable.Range(1, 9).Select(i => (byte)i), seen);
        Assert.Equal(2, _device.PendingIn(BulkIn));
        await link.DisposeAsync();
    }

    [Fact]
    public async Task A_zero_length_transfer_is_skipped_and_resubmitted()
    {
        var link = Link();
        var read = link.ReadDataAsync(new byte[64], CancellationToken.None).AsTask();
        _device.Complete(BulkIn, Array.Empty<byte>());
        _device.Complete(BulkIn, new byte[] { 42 });

        Assert.Equal(1, await read.WaitAsync(Wait));
        Assert.Equal(4, _device.PendingIn(BulkIn));
        await link.DisposeAsync();
    }

    [Fact]
    public async Task Each_interrupt_transfer_is_one_command()
    {
        var link = Link();
        byte[] command = new byte[64];
        var read = link.ReadCommandAsync(command, CancellationToken.None).AsTask();
        _device.Complete(InterruptIn, Enumerable.Repeat((byte)7, 16).ToArray());
        _device.Complete(InterruptIn, Enumerable.Repeat((byte)9, 12).ToArray());

        Assert.Equal(16, await read.WaitAsync(Wait));
        Assert.Equal(12, await link.ReadCommandAsync(command, CancellationToken.None).AsTask().WaitAsync(Wait));
        Assert.Equal(9, command[0]);
        await link.DisposeAsync();
    }

    [Fact]
    public async Task The_device_unplugged_mid_transfer_is_a_link_down_that_names_it()
    {
        var link = Link();
        var read = link.ReadDataAsync(new byte[64], CancellationToken.None).AsTask();
        _device.Fail(BulkIn, UsbTransferStatus.NoDevice);

        Assert.Equal(0, await read.WaitAsync(Wait));
        Assert.Contains("unplugged", link.DownReason);
        Assert.Equal(0, await link.ReadDataAsync(new byte[64], CancellationToken.None).AsTask().WaitAsync(Wait));
        await link.DisposeAsync();
        Assert.Equal(1, _device.Disposed);
    }

    [Theory]
    [InlineData(64, true)]
    [InlineData(128, true)]
    [InlineData(65, false)]
    [InlineData(12, false)]
    public async Task A_bulk_write_of_whole_packets_ends_with_a_zero_length_packet(int length, bool zlp)
    {
        var link = Link();
        await link.WriteDataAsync(new byte[length], CancellationToken.None);
        await link.WriteCommandAsync(new byte[64], CancellationToken.None);

        Assert.Equal((BulkOut, UsbPipeType.Bulk, zlp), (_device.Written[0].Endpoint, _device.Written[0].Type, _device.Written[0].ZeroLengthPacket));
        Assert.Equal((InterruptOut, UsbPipeType.Interrupt, false), (_device.Written[1].Endpoint, _device.Written[1].Type, _device.Written[1].ZeroLengthPacket));
        await link.DisposeAsync();
    }

    [Fact]
    public async Task Zero_length_packets_can_be_turned_off()
    {
        var link = Link(new UsbHostLinkOptions { ZeroLengthPackets = false });
        await link.WriteDataAsync(new byte[64], CancellationToken.None);
        Assert.False(_device.Written[0].ZeroLengthPacket);
        await link.DisposeAsync();
    }

    [Fact]
    public async Task A_failed_write_throws_a_link_down_with_the_status()
    {
        var link = Link();
        _device.OutStatus = UsbTransferStatus.NoDevice;

        var e = await Assert.ThrowsAsync<UsbLinkDownException>(() => link.WriteDataAsync(new byte[10], CancellationToken.None).AsTask());

        Assert.Equal(UsbTransferStatus.NoDevice, e.Status);
        Assert.Contains("device gone", e.Message);
        await link.DisposeAsync();
    }

    [Fact]
    public async Task Disposal_cancels_every_transfer_ends_a_waiting_read_and_closes_the_device_once()
    {
        var link = Link();
        var read = link.ReadDataAsync(new byte[64], CancellationToken.None).AsTask();
        await link.DisposeAsync();
        await link.DisposeAsync();

        Assert.Equal(0, await read.WaitAsync(Wait));
        Assert.Equal(0, _device.PendingIn(BulkIn));
        Assert.Equal(1, _device.Disposed);
        Assert.Equal(0, _device.Resets);
    }

    [Fact]
    public async Task Lost_framing_resets_the_device_and_ends_the_link()
    {
        var link = Link();
        _ = link.ReadDataAsync(new byte[64], CancellationToken.None).AsTask();

        Assert.False(await link.ResetAsync(CancellationToken.None));
        Assert.Equal(1, _device.Resets);
        Assert.Equal(1, _device.Disposed);
    }

    private UsbHostLink Link(UsbHostLinkOptions? options = null) =>
        new(_device, new HssInterfaceMatch(HssProfile.Vendor, 0, 0,
            new EndpointInfo(0, BulkIn, 0x02, 64, 0), new EndpointInfo(0, BulkOut, 0x02, 64, 0),
            new EndpointInfo(0, InterruptIn, 0x03, 64, 1), new EndpointInfo(0, InterruptOut, 0x03, 64, 1)), options);
}
