using HssDevice.Host;
using HssDevice.Host.Usb.LibUsb;
using HssDevice.Usb.Boards;
using Xunit;

namespace HssDevice.Usb.Tests.LibUsb;

/// <summary>Hot-plug handling of `hss host --usb`: several devices, each its own connection; unplug, replug, failures.</summary>
public sealed class UsbDeviceMonitorTests : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly HssHost _host = new();
    private readonly List<UsbDeviceCandidate> _bus = new();
    private readonly Dictionary<string, FakeUsbTransfers> _opened = new();
    private readonly List<string> _failures = new();
    private readonly byte[] _vendorDescriptors;
    private readonly byte[] _cdcDescriptors;
    private Func<UsbDeviceMatch, IUsbTransfers>? _open;

    public UsbDeviceMonitorTests()
    {
        string board = BoardCatalog.Names.First();
        var vendor = BoardDescriptorCases.Bundle(board, HssUsbProfile.Vendor, UsbSpeed.Full);
        var cdc = BoardDescriptorCases.Bundle(board, HssUsbProfile.Cdc, UsbSpeed.Full);
        _vendorDescriptors = vendor.Device.Concat(vendor.Configuration).ToArray();
        _cdcDescriptors = cdc.Device.Concat(cdc.Configuration).ToArray();
    }

    [Fact]
    public async Task Two_devices_get_two_connections_and_one_unplugged_leaves_the_other_running()
    {
        var monitor = Monitor();
        _bus.Add(new UsbDeviceCandidate("1-1", 1, 2, _vendorDescriptors));
        _bus.Add(new UsbDeviceCandidate("1-2", 1, 3, _cdcDescriptors));

        Assert.Equal(2, monitor.ScanOnce());
        Assert.Equal(0, monitor.ScanOnce());
        Assert.Equal(2, _host.Devices.Count);
        DeviceConnection first = _host.Devices.Single(d => d.Name == "usb 1-1");
        DeviceConnection second = _host.Devices.Single(d => d.Name == "usb 1-2");
        Assert.Contains("cdc", second.Link.Description);

        _bus.RemoveAt(0);
        _opened["1-2"].Fail(0x81, UsbTransferStatus.NoDevice);
        await first.Completion.WaitAsync(Wait);

        // Keys are bus-address: 1-1 sits at address 2, 1-2 at address 3.
        await WaitUntil(() => monitor.AttachedKeys.SequenceEqual(new[] { "1-3" }));
        Assert.False(second.Completion.IsCompleted);
        Assert.Equal(1, _opened["1-2"].Disposed);
        Assert.Equal(0, _opened["1-3"].Disposed);
    }

    [Fact]
    public async Task A_replugged_device_is_attached_again_and_one_whose_connection_ended_while_present_too()
    {
        var monitor = Monitor();
        _bus.Add(new UsbDeviceCandidate("1-1", 1, 2, _vendorDescriptors));
        Assert.Equal(1, monitor.ScanOnce());
        DeviceConnection before = _host.Devices.Single();

        _bus.Clear();
        _opened["1-2"].Fail(0x81, UsbTransferStatus.NoDevice);
        await before.Completion.WaitAsync(Wait);
        await WaitUntil(() => monitor.AttachedKeys.Count == 0);
        Assert.Equal(0, monitor.ScanOnce());

        _bus.Add(new UsbDeviceCandidate("1-1", 1, 5, _vendorDescriptors));
        Assert.Equal(1, monitor.ScanOnce());
        DeviceConnection after = _host.Devices.Single();
        Assert.NotSame(before, after);

        await after.DisposeAsync();
        await WaitUntil(() => monitor.AttachedKeys.Count == 0);
        Assert.Equal(1, monitor.ScanOnce());
    }

    [Fact]
    public void A_device_that_cannot_be_opened_is_reported_once_while_it_stays_and_again_when_replugged()
    {
        _open = match => throw new UsbPermissionException(match.Device.DevicePath, match.Device.VendorId, match.Device.ProductId);
        var monitor = Monitor();
        _bus.Add(new UsbDeviceCandidate("1-1", 1, 2, _vendorDescriptors));

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(0, monitor.ScanOnce());
        }

        Assert.Single(_failures);
        Assert.Contains("/dev/bus/usb/001/002", _failures[0]);
        Assert.Contains("60-hss.rules", _failures[0]);

        _bus.Clear();
        monitor.ScanOnce();
        _bus.Add(new UsbDeviceCandidate("1-1", 1, 2, _vendorDescriptors));
        monitor.ScanOnce();
        Assert.Equal(2, _failures.Count);
    }

    [Fact]
    public void Any_failure_to_open_is_reported_and_the_next_device_is_still_attached()
    {
        _open = match => match.Device.SysName == "1-1" ? throw new EntryPointNotFoundException("libusb_wrap_sys_device") : Open(match);
        var monitor = Monitor();
        _bus.Add(new UsbDeviceCandidate("1-1", 1, 2, _vendorDescriptors));
        _bus.Add(new UsbDeviceCandidate("1-2", 1, 3, _vendorDescriptors));

        Assert.Equal(1, monitor.ScanOnce());
        Assert.Single(_failures);
        Assert.Contains("EntryPointNotFoundException: libusb_wrap_sys_device", _failures[0]);
    }

    [Fact]
    public void Other_devices_are_ignored_silently_unless_named_by_the_filter()
    {
        byte[] notHss = (byte[])_vendorDescriptors.Clone();
        notHss[18 + 9 + 5] = 0x03; // the interface becomes HID
        _bus.Add(new UsbDeviceCandidate("1-1", 1, 2, notHss));

        Assert.Equal(0, Monitor().ScanOnce());
        Assert.Empty(_failures);

        var named = new UsbDeviceFilter(_bus[0].VendorId, _bus[0].ProductId);
        Assert.Equal(0, Monitor(named).ScanOnce());
        Assert.Single(_failures);
        Assert.Contains("no HSS interface", _failures[0]);
        Assert.Empty(_opened);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private UsbDeviceMonitor Monitor(UsbDeviceFilter? filter = null)
    {
        var monitor = new UsbDeviceMonitor(_host, () => _bus.ToList(), match => (_open ?? Open)(match), filter);
        monitor.Failed += (_, message) => _failures.Add(message);
        return monitor;
    }

    private IUsbTransfers Open(UsbDeviceMatch match)
    {
        var device = new FakeUsbTransfers();
        _opened[match.Device.Key] = device;
        return device;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
