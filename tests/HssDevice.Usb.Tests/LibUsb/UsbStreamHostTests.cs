using HssDevice.Host.Usb.LibUsb;
using HssDevice.Host.Usb.UsbStream;
using HssDevice.Usb.Boards;
using HssDevice.UsbIp.StockUsbStream;
using Xunit;

namespace HssDevice.Usb.Tests.LibUsb;

/// <summary>`hss host --usb` and stock firmware's UsbStream: found by VID:PID, interface class and product string; single-pipe transfers.</summary>
public class UsbStreamHostTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly FakeUsbTransfers _device = new();

    private static UsbDeviceCandidate Kit(bool withInterface, string? product = "HSS SLSTK3701A")
    {
        var stock = new StockUsbStreamDescriptors(BoardCatalog.Create("slstk3701a"), withInterface);
        return new UsbDeviceCandidate("1-1", 1, 2, stock.DeviceDescriptor.Concat(stock.Configuration(UsbSpeed.Full)).ToArray()) { Product = product };
    }

    [Fact]
    public void The_kit_is_found_with_its_bulk_pair_read_from_the_descriptor()
    {
        UsbDeviceMatch match = HssUsbDeviceMatcher.Match(Kit(true), null);
        Assert.True(match.IsHss, match.WhyNot);
        Assert.Null(match.Interface);
        UsbStreamInterfaceMatch stream = match.Stream!;
        Assert.Equal(("slstk3701a", (byte)0, (byte)0x81, (byte)0x01, 64, 64),
            (stream.Board, stream.Interface, stream.BulkIn.Address, stream.BulkOut.Address, stream.BulkIn.PacketBytes, stream.BulkOut.PacketBytes));
        Assert.Equal(new byte[] { 0 }, match.InterfacesToClaim);
        Assert.True(HssUsbDeviceMatcher.Match(Kit(true), UsbDeviceFilter.Parse("10c4:8dad")).IsHss);
    }

    [Theory]
    [InlineData("Another app", "another application's UsbStream")]
    [InlineData(null, "another application's UsbStream")]
    public void Another_applications_UsbStream_is_told_apart_by_its_product_string(string? product, string why)
    {
        UsbDeviceMatch match = HssUsbDeviceMatcher.Match(Kit(true, product), null);
        Assert.False(match.IsHss);
        Assert.Contains(why, match.WhyNot);
    }

    [Fact]
    public void The_first_enumeration_without_the_interface_is_not_hss_yet()
    {
        UsbDeviceMatch match = HssUsbDeviceMatcher.Match(Kit(false), null);
        Assert.False(match.IsHss);
        Assert.Contains("no interface 0xFF/0xFF/0xFF", match.WhyNot);
    }

    [Fact]
    public async Task A_read_is_always_pending_one_packet_per_transfer()
    {
        var link = Link();
        var read = link.ReadDataAsync(new byte[100], CancellationToken.None).AsTask();
        Assert.Equal(UsbStreamHostLink.InTransfers, _device.PendingIn(0x81));
        _device.Complete(0x81, Enumerable.Repeat((byte)5, 64).ToArray());
        Assert.Equal(64, await read.WaitAsync(Wait));
        Assert.Equal(UsbStreamHostLink.InTransfers, _device.PendingIn(0x81));
        Assert.All(_device.PendingBuffers(0x81), b => Assert.Equal(64, b.Length));
        await link.DisposeAsync();
    }

    [Theory]
    [InlineData(64, true)]
    [InlineData(128, true)]
    [InlineData(65, false)]
    [InlineData(12, false)]
    public async Task A_write_ending_on_a_packet_boundary_ends_with_a_zero_length_packet(int length, bool zlp)
    {
        var link = Link();
        await link.WriteDataAsync(new byte[length], CancellationToken.None);
        await link.WriteCommandAsync(new byte[length], CancellationToken.None);
        Assert.False(link.HasCommandPipe);
        Assert.All(_device.Written, w => Assert.Equal(((byte)0x01, UsbPipeType.Bulk, zlp), (w.Endpoint, w.Type, w.ZeroLengthPacket)));
        Assert.Equal(2, _device.Written.Count);
        await link.DisposeAsync();
    }

    [Fact]
    public async Task A_failed_in_transfer_is_link_down()
    {
        var link = Link();
        var read = link.ReadDataAsync(new byte[64], CancellationToken.None).AsTask();
        _device.Fail(0x81, UsbTransferStatus.NoDevice);
        Assert.Equal(0, await read.WaitAsync(Wait));
        Assert.Contains("NoDevice", link.DownReason);
        await link.DisposeAsync();
    }

    private UsbStreamHostLink Link() => new(_device, HssUsbDeviceMatcher.Match(Kit(true), null).Stream!);
}
