using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host.Links;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HssDevice.Host;

/// <summary>
/// The HSS host: runs the sockets of every attached device on this computer's network stack (docs/protocol.md).
/// <code>
/// await using var host = new HssHost(new HssHostSettings(), loggerFactory);
/// DeviceConnection device = host.Attach(link);   // an IHostLink: EmulatedUsbLink.HostEnd, StreamHostLink, ...
/// await device.Completion;                       // ends when the device goes away
/// </code>
/// Host-wide limits (docs/security.md) come from the settings the host was made with: at most
/// <see cref="HssHostSettings.MaxDevices"/> devices (a newcomer evicts the oldest device that has not sent a whole
/// packet yet, if any), at most <see cref="HssHostSettings.MaxDevicesPerAddress"/> from one remote address,
/// <see cref="HssHostSettings.MaxHostBufferBytes"/> buffered bytes and the descriptors below the process's limit,
/// both shared fairly (each device has a floor of its own), and a host-wide log rate.
/// </summary>
public sealed class HssHost : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _log;
    private readonly object _lock = new();
    private readonly List<DeviceConnection> _devices = new();
    private readonly Dictionary<string, int> _perSource = new();
    private readonly List<IPEndPoint> _ownListeners = new();
    private readonly LogBudget _logBudget;
    private int _nextDevice;
    private long _refusedDevices;
    private long _evictedDevices;
    private readonly long? _descriptorLimit;

    public HssHost(HssHostSettings? settings = null, ILoggerFactory? loggerFactory = null)
    {
        Settings = settings ?? new HssHostSettings();
        Settings.Validate();
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        ILogger raw = _loggerFactory.CreateLogger<HssHost>();
        _logBudget = new LogBudget(Settings.LogMessagesPerSecond, RateLimitedLogger.Window, held =>
            raw.LogWarning("host: {Count} log messages held back (more than {Max} per second over all devices and listeners, {Limit}); {Total} so far",
                held, Settings.LogMessagesPerSecond, HostLimitNames.LogRate, SuppressedLogMessages));
        _log = new RateLimitedLogger(raw, null, _logBudget);
        BufferPool = new FairSharePool(Settings.MaxHostBufferBytes, Settings.MaxDevices, Settings.ReservedBufferBytesPerDevice);
        _descriptorLimit = ProcessDescriptors.OpenFileLimit();
        DescriptorPool = CreateDescriptorPool(Settings, out string descriptors);
        _log.LogDebug("file descriptors for devices: {Descriptors}", descriptors);
        DescriptorsDescription = descriptors;
    }

    public HssHostSettings Settings { get; }

    /// <summary>Devices attached and not yet gone.</summary>
    public IReadOnlyList<DeviceConnection> Devices
    {
        get { lock (_lock) { return _devices.ToArray(); } }
    }

    /// <summary>Devices refused: <see cref="HssHostSettings.MaxDevices"/> were attached and none could be evicted, or
    /// their address had <see cref="HssHostSettings.MaxDevicesPerAddress"/>.</summary>
    public long RefusedDevices => Interlocked.Read(ref _refusedDevices);

    /// <summary>Devices disconnected to make room for a newcomer: attached, but without a whole packet yet.</summary>
    public long EvictedDevices => Interlocked.Read(ref _evictedDevices);

    /// <summary>Log messages held back by the host-wide log rate (<see cref="HssHostSettings.LogMessagesPerSecond"/>).</summary>
    public long SuppressedLogMessages => _logBudget.HeldTotal;

    /// <summary>Device-to-host bytes buffered over all devices (charged at least 64 per item).</summary>
    public long BufferedBytes => BufferPool.Used;

    /// <summary>Descriptors device sockets hold now (counted by the host, for the reserve).</summary>
    public long DeviceDescriptors => DescriptorPool.Used;

    /// <summary>How the descriptor budget was set ("limit 256, 38 open at start, 64 reserved: 122 for device sockets, 1 each").</summary>
    public string DescriptorsDescription { get; }

    internal FairSharePool BufferPool { get; }

    internal FairSharePool DescriptorPool { get; }

    /// <summary>The host-wide log budget, shared by every device's logger.</summary>
    internal LogBudget LogBudget => _logBudget;

    /// <summary>The host's own HSS listeners: the destination policy denies them to devices, always.</summary>
    public IReadOnlyCollection<IPEndPoint> OwnListeners
    {
        get { lock (_lock) { return _ownListeners.ToArray(); } }
    }

    /// <summary>Registers an address the host listens on for devices (HssTcpListener and `hss host` do).</summary>
    public void AddOwnListener(IPEndPoint endPoint)
    {
        lock (_lock)
        {
            _ownListeners.Add(endPoint);
        }
    }

    /// <summary>
    /// False when the process is within <see cref="HssHostSettings.ReservedDescriptors"/> of its open-file limit
    /// (counted now, on Linux; elsewhere always true). Listeners ask before taking on a connection: the count covers
    /// what the host's own budget does not (the runtime's files, other listeners), so the reserve stays the runtime's.
    /// </summary>
    public bool HasDescriptorHeadroom(out int open)
    {
        open = 0;
        if (_descriptorLimit == null)
        {
            return true;
        }

        int? now = ProcessDescriptors.OpenNow();
        open = now ?? 0;
        return now == null || now.Value + Settings.ReservedDescriptors < _descriptorLimit.Value;
    }

    /// <summary>A listener refused a connection for want of descriptors: counted and logged (under the log rate).</summary>
    public void RefuseForDescriptors(string link, int open)
    {
        Interlocked.Increment(ref _refusedDevices);
        _log.LogWarning("limit {Limit} reached: refusing {Link} ({Open} descriptors open, the open-file limit is {Max}; {Refused} refused so far)",
            HostLimitNames.Descriptors, link, open, _descriptorLimit, RefusedDevices);
    }

    /// <summary>A logger for lines an outside party can cause (accept errors, refusals): under the host-wide log rate.</summary>
    public ILogger LimitLog(ILogger log) => new RateLimitedLogger(log, null, _logBudget);

    /// <summary>Attaches a device over its link and starts serving it; settings default to the host's. Throws
    /// <see cref="InvalidOperationException"/> when <see cref="HssHostSettings.MaxDevices"/> are attached.</summary>
    public DeviceConnection Attach(IHostLink link, string? name = null, HssHostSettings? settings = null) =>
        TryAttach(link, out DeviceConnection? device, name, settings)
            ? device!
            : throw new InvalidOperationException($"the host serves at most {Settings.MaxDevices} devices ({HostLimitNames.Devices})");

    /// <summary>As <see cref="Attach"/>, but false (the link untouched) when the device limit is reached.</summary>
    public bool TryAttach(IHostLink link, out DeviceConnection? device, string? name = null, HssHostSettings? settings = null) =>
        TryAttach(link, null, out device, out _, name, settings);

    /// <summary>
    /// Attaches a device that connected from `source` (null: a local link, such as USB). Refused (false, the link
    /// untouched, `refusedBy` the limit's name) when the source already has <see cref="HssHostSettings.MaxDevicesPerAddress"/>
    /// devices, or when <see cref="HssHostSettings.MaxDevices"/> are attached and each of them has sent a whole packet.
    /// Otherwise, when full, the device attached longest without a whole packet is evicted to make room: a slot costs
    /// an attacker a connection that speaks the protocol, not one that merely stays open.
    /// </summary>
    public bool TryAttach(IHostLink link, IPAddress? source, out DeviceConnection? device, out string? refusedBy, string? name = null, HssHostSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(link);
        settings ??= Settings;
        settings.Validate();
        string? sourceKey = source == null ? null : SourceKey(source);
        DeviceConnection? evicted = null;
        lock (_lock)
        {
            refusedBy = null;
            if (sourceKey != null && _perSource.TryGetValue(sourceKey, out int fromSource) && fromSource >= Settings.MaxDevicesPerAddress)
            {
                refusedBy = HostLimitNames.DevicesPerAddress;
            }
            else if (_devices.Count >= Settings.MaxDevices)
            {
                evicted = LeastUsefulLocked();
                if (evicted == null)
                {
                    refusedBy = HostLimitNames.Devices;
                }
                else
                {
                    RemoveLocked(evicted);
                }
            }

            if (refusedBy != null)
            {
                device = null;
                Interlocked.Increment(ref _refusedDevices);
            }
            else
            {
                name ??= "device" + Interlocked.Increment(ref _nextDevice);
                device = new DeviceConnection(name, link, settings, _loggerFactory.CreateLogger<DeviceConnection>(), this, sourceKey);
                _devices.Add(device);
                if (sourceKey != null)
                {
                    _perSource[sourceKey] = _perSource.GetValueOrDefault(sourceKey) + 1;
                }
            }
        }

        if (refusedBy != null)
        {
            _log.LogWarning("limit {Limit} reached: refusing {Link} ({What}; {Refused} refused so far, counted in RefusedDevices)", refusedBy, link.Description,
                refusedBy == HostLimitNames.Devices ? $"{Settings.MaxDevices} devices attached, each has sent a whole packet" : $"{Settings.MaxDevicesPerAddress} devices from {sourceKey}",
                RefusedDevices);
            return false;
        }

        if (evicted != null)
        {
            Interlocked.Increment(ref _evictedDevices);
            _log.LogWarning("limit {Limit} reached: evicting {Victim} (attached {Age:F1} s ago, no whole packet yet) to make room for {Link} ({Evicted} evicted so far)",
                HostLimitNames.Devices, evicted.Name, evicted.AttachedFor.TotalSeconds, link.Description, EvictedDevices);
            evicted.Evict("limit " + HostLimitNames.Devices + ": evicted for a newcomer (no whole packet yet)");
        }

        DeviceConnection attached = device!;
        _ = attached.Completion.ContinueWith(_ =>
        {
            lock (_lock)
            {
                RemoveLocked(attached);
            }
        }, TaskScheduler.Default);
        attached.Start();
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (DeviceConnection device in Devices)
        {
            await device.DisposeAsync().ConfigureAwait(false);
        }

        _log.LogDebug("host stopped");
    }

    /// <summary>Logs a host-level line under the host-wide log rate.</summary>
    internal ILogger Log => _log;

    /// <summary>The device to evict for a newcomer: of those without a whole packet yet, one that has sent nothing at all
    /// if any, else one with part of a packet; the one attached longest. A device whose bytes wait unread counts as
    /// having sent some: a burst of queued connections accepted at once must not evict a device whose first packet is
    /// already here but not yet read.</summary>
    private DeviceConnection? LeastUsefulLocked()
    {
        DeviceConnection? silent = null;
        DeviceConnection? partial = null;
        foreach (DeviceConnection candidate in _devices)
        {
            if (candidate.HasCompletedPacket || candidate.IsStopping)
            {
                continue;
            }

            if (!candidate.HasSentBytes)
            {
                silent = silent == null || candidate.AttachedAt < silent.AttachedAt ? candidate : silent;
            }
            else
            {
                partial = partial == null || candidate.AttachedAt < partial.AttachedAt ? candidate : partial;
            }
        }

        return silent ?? partial;
    }

    private void RemoveLocked(DeviceConnection device)
    {
        if (_devices.Remove(device) && device.SourceKey != null && _perSource.TryGetValue(device.SourceKey, out int count))
        {
            if (count <= 1)
            {
                _perSource.Remove(device.SourceKey);
            }
            else
            {
                _perSource[device.SourceKey] = count - 1;
            }
        }
    }

    /// <summary>One remote party: an IPv4 address, or an IPv6 address's /64 (IPv4-mapped addresses count as IPv4).</summary>
    internal static string SourceKey(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        byte[] bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>Device sockets get what the process's open-file limit leaves after the descriptors open at start, the
    /// reserve and one per device connection; each device has a floor of them (half split evenly).</summary>
    private static FairSharePool CreateDescriptorPool(HssHostSettings settings, out string description)
    {
        long? limit = ProcessDescriptors.OpenFileLimit();
        int? open = ProcessDescriptors.OpenNow();
        if (limit == null || open == null || limit > int.MaxValue)
        {
            description = "open-file limit unknown or unlimited: no descriptor budget";
            return new FairSharePool(long.MaxValue / 2, settings.MaxDevices, 0);
        }

        long total = Math.Max(0, limit.Value - open.Value - settings.ReservedDescriptors - settings.MaxDevices);
        var pool = new FairSharePool(total, settings.MaxDevices, total / (2L * settings.MaxDevices));
        description = $"open-file limit {limit}, {open} open at start, {settings.ReservedDescriptors} reserved, {settings.MaxDevices} for device connections: " +
            $"{total} for device sockets, {pool.Floor} of them each device's own";
        return pool;
    }
}
