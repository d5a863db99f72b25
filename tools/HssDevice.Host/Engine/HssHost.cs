using System;
using System.Collections.Generic;
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
/// </summary>
public sealed class HssHost : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _log;
    private readonly object _lock = new();
    private readonly List<DeviceConnection> _devices = new();
    private int _nextDevice;

    public HssHost(HssHostSettings? settings = null, ILoggerFactory? loggerFactory = null)
    {
        Settings = settings ?? new HssHostSettings();
        Settings.Validate();
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _log = _loggerFactory.CreateLogger<HssHost>();
    }

    public HssHostSettings Settings { get; }

    /// <summary>Devices attached and not yet gone.</summary>
    public IReadOnlyList<DeviceConnection> Devices
    {
        get { lock (_lock) { return _devices.ToArray(); } }
    }

    /// <summary>Attaches a device over its link and starts serving it; settings default to the host's.</summary>
    public DeviceConnection Attach(IHostLink link, string? name = null, HssHostSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(link);
        settings ??= Settings;
        settings.Validate();
        name ??= "device" + Interlocked.Increment(ref _nextDevice);
        var device = new DeviceConnection(name, link, settings, _loggerFactory.CreateLogger<DeviceConnection>());
        lock (_lock)
        {
            _devices.Add(device);
        }

        device.Start();
        _ = device.Completion.ContinueWith(_ =>
        {
            lock (_lock)
            {
                _devices.Remove(device);
            }
        }, TaskScheduler.Default);
        return device;
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
