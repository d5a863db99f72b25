using HssDevice.Host;
using HssDevice.Host.Links;
using HssDevice.Host.Usb.UsbStream;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HssDevice.Host.Usb.LibUsb;

/// <summary>
/// Finds HSS devices and attaches each to the host engine with its own <see cref="UsbHostLink"/> (so its own socket
/// table): at start, on every hot-plug wake-up, and by polling (hot-plug events need udevd, which containers and
/// the test guest lack). A device that leaves ends its connection only; when it comes back, or when its connection
/// ended while it stayed, the next scan attaches it again. A failure to open is logged once per device and retried.
/// </summary>
public sealed class UsbDeviceMonitor
{
    private readonly HssHost _host;
    private readonly Func<IReadOnlyList<UsbDeviceCandidate>> _scan;
    private readonly Func<UsbDeviceMatch, IUsbTransfers> _open;
    private readonly UsbDeviceFilter? _filter;
    private readonly UsbHostLinkOptions _linkOptions;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;
    private readonly Func<UsbDeviceMatch, HssHostSettings?> _settingsFor;
    private readonly object _lock = new();
    private readonly Dictionary<string, DeviceConnection> _attached = new();
    private readonly Dictionary<string, string> _reported = new();

    public UsbDeviceMonitor(HssHost host, Func<IReadOnlyList<UsbDeviceCandidate>> scan, Func<UsbDeviceMatch, IUsbTransfers> open,
        UsbDeviceFilter? filter = null, UsbHostLinkOptions? linkOptions = null, ILoggerFactory? loggers = null,
        Func<UsbDeviceMatch, HssHostSettings?>? settingsFor = null)
    {
        _settingsFor = settingsFor ?? (_ => null);
        _host = host;
        _scan = scan;
        _open = open;
        _filter = filter;
        _linkOptions = linkOptions ?? new UsbHostLinkOptions();
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _log = _loggers.CreateLogger<UsbDeviceMonitor>();
    }

    /// <summary>Raised (on the scanning thread) for each device attached.</summary>
    public event Action<DeviceConnection>? Attached;

    /// <summary>Optional decorator of each device's link before it is attached (`hss host --usb --pcap`: the capture).</summary>
    public Func<IHostLink, UsbDeviceMatch, IHostLink>? WrapLink { get; set; }

    /// <summary>Raised when a matching device cannot be used, with the reason (once per device and reason).</summary>
    public event Action<UsbDeviceCandidate, string>? Failed;

    /// <summary>Devices whose connection is running, by bus-address key.</summary>
    public IReadOnlyCollection<string> AttachedKeys
    {
        get { lock (_lock) { return _attached.Keys.ToArray(); } }
    }

    /// <summary>Scans until cancelled: every <paramref name="pollInterval"/>, or at once when <paramref name="wake"/> is released.</summary>
    public async Task RunAsync(TimeSpan pollInterval, SemaphoreSlim? wake, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                ScanOnce();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // sysfs changing under the scan: the next one sees the truth; the monitor must not stop.
                _log.LogWarning("USB scan failed: {Error}", e.Message);
            }

            if (wake != null)
            {
                await wake.WaitAsync(pollInterval, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await Task.Delay(pollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One scan: attaches every HSS device not attached yet; returns how many it attached.</summary>
    public int ScanOnce()
    {
        IReadOnlyList<UsbDeviceCandidate> devices = _scan();
        var present = new HashSet<string>(devices.Select(d => d.Key));
        lock (_lock)
        {
            foreach (string gone in _reported.Keys.Where(k => !present.Contains(k)).ToList())
            {
                _reported.Remove(gone);
            }
        }

        int attached = 0;
        foreach (UsbDeviceCandidate device in devices)
        {
            lock (_lock)
            {
                if (_attached.ContainsKey(device.Key))
                {
                    continue;
                }
            }

            UsbDeviceMatch match = HssUsbDeviceMatcher.Match(device, _filter);
            if (!match.IsHss)
            {
                // Without a filter most devices are not HSS: say so only for the device the user named.
                if (_filter != null && _filter.Matches(device.VendorId, device.ProductId))
                {
                    Report(device, $"{device}: matches --device {_filter} but has no HSS interface: {match.WhyNot}");
                }

                continue;
            }

            if (TryAttach(match))
            {
                attached++;
            }
        }

        return attached;
    }

    private bool TryAttach(UsbDeviceMatch match)
    {
        UsbDeviceCandidate device = match.Device;
        IUsbTransfers io;
        try
        {
            io = _open(match);
        }
        catch (UsbHostException e)
        {
            Report(device, e.Message);
            return false;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Anything else (an old libusb without an entry point, an OS error) is reported, never fatal to the scan.
            Report(device, $"{device}: cannot open: {e.GetType().Name}: {e.Message}");
            return false;
        }

        IHostLink link = match.Stream != null
            ? new UsbStreamHostLink(io, match.Stream, _loggers.CreateLogger<UsbStreamHostLink>())
            : new UsbHostLink(io, match.Interface!, _linkOptions, _loggers.CreateLogger<UsbHostLink>());
        link = WrapLink?.Invoke(link, match) ?? link;
        DeviceConnection connection;
        lock (_lock)
        {
            _reported.Remove(device.Key);
            connection = _host.Attach(link, "usb " + device.SysName, _settingsFor(match));
            _attached[device.Key] = connection;
        }

        _ = connection.Completion.ContinueWith(_ =>
        {
            lock (_lock)
            {
                if (_attached.TryGetValue(device.Key, out DeviceConnection? current) && current == connection)
                {
                    _attached.Remove(device.Key);
                }
            }
        }, TaskScheduler.Default);
        Attached?.Invoke(connection);
        return true;
    }

    private void Report(UsbDeviceCandidate device, string message)
    {
        lock (_lock)
        {
            if (_reported.TryGetValue(device.Key, out string? last) && last == message)
            {
                return;
            }

            _reported[device.Key] = message;
        }

        _log.LogError("{Message}", message);
        Failed?.Invoke(device, message);
    }
}
