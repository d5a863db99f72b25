using System;
using System.Collections.Generic;
using System.Net;
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
/// <see cref="HssHostSettings.MaxDevices"/> devices, <see cref="HssHostSettings.MaxHostBufferBytes"/> buffered bytes.
/// </summary>
public sealed class HssHost : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _log;
    private readonly object _lock = new();
    private readonly List<DeviceConnection> _devices = new();
    private readonly List<IPEndPoint> _ownListeners = new();
    private int _nextDevice;
    private long _refusedDevices;

    public HssHost(HssHostSettings? settings = null, ILoggerFactory? loggerFactory = null)
    {
        Settings = settings ?? new HssHostSettings();
        Settings.Validate();
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _log = _loggerFactory.CreateLogger<HssHost>();
        BufferBudget = new BufferBudget(Settings.MaxHostBufferBytes, int.MaxValue, HostLimitNames.HostBufferBytes, HostLimitNames.HostBufferBytes);
    }

    public HssHostSettings Settings { get; }

    /// <summary>Devices attached and not yet gone.</summary>
    public IReadOnlyList<DeviceConnection> Devices
    {
        get { lock (_lock) { return _devices.ToArray(); } }
    }

    /// <summary>Devices refused because <see cref="HssHostSettings.MaxDevices"/> were attached.</summary>
    public long RefusedDevices => Interlocked.Read(ref _refusedDevices);

    /// <summary>Device-to-host bytes buffered over all devices (charged at least 64 per item).</summary>
    public long BufferedBytes => BufferBudget.Bytes;

    internal BufferBudget BufferBudget { get; }

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

    /// <summary>Attaches a device over its link and starts serving it; settings default to the host's. Throws
    /// <see cref="InvalidOperationException"/> when <see cref="HssHostSettings.MaxDevices"/> are attached.</summary>
    public DeviceConnection Attach(IHostLink link, string? name = null, HssHostSettings? settings = null) =>
        TryAttach(link, out DeviceConnection? device, name, settings)
            ? device!
            : throw new InvalidOperationException($"the host serves at most {Settings.MaxDevices} devices ({HostLimitNames.Devices})");

    /// <summary>As <see cref="Attach"/>, but false (the link untouched) when the device limit is reached.</summary>
    public bool TryAttach(IHostLink link, out DeviceConnection? device, string? name = null, HssHostSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(link);
        settings ??= Settings;
        settings.Validate();
        lock (_lock)
        {
            if (_devices.Count >= Settings.MaxDevices)
            {
                device = null;
                if (Interlocked.Increment(ref _refusedDevices) == 1)
                {
                    _log.LogWarning("limit {Limit} reached: {Max} devices attached; refusing {Link} (logged once; counted in RefusedDevices)",
                        HostLimitNames.Devices, Settings.MaxDevices, link.Description);
                }

                return false;
            }

            name ??= "device" + Interlocked.Increment(ref _nextDevice);
            device = new DeviceConnection(name, link, settings, _loggerFactory.CreateLogger<DeviceConnection>(), this);
            _devices.Add(device);
        }

        DeviceConnection attached = device;
        attached.Start();
        _ = attached.Completion.ContinueWith(_ =>
        {
            lock (_lock)
            {
                _devices.Remove(attached);
            }
        }, TaskScheduler.Default);
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
}
