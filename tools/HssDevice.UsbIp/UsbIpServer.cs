using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HssDevice.UsbIp;

/// <summary>
/// A USB/IP server (usbip_protocol.rst, version 0x0111) exporting one emulated device as bus ID 1-1: the server
/// side of what `usbip attach` and the kernel's vhci-hcd speak. Every connection is accepted at once and may stay
/// silent as long as it likes; one connection at a time may hold the device imported (others get "busy").
/// An import is a device attach; its end (the client closing, or a new operation on the same stream) is a detach,
/// which the device engine sees as its link going down. Disposing unplugs: every connection is closed.
/// Against clients that misbehave (docs/security.md, "hss emulate --usbip"): at most <see cref="UsbIpLimits.MaxConnections"/>
/// connections (a newcomer evicts the oldest one not holding the import), a first request within
/// <see cref="UsbIpLimits.FirstOperationTimeout"/>, descriptors kept below the process's limit, accept errors
/// survived with a growing pause, and a log rate.
/// </summary>
public sealed class UsbIpServer : IAsyncDisposable
{
    private readonly EmulatedUsbIpDevice _device;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _lock = new();
    private readonly HashSet<UsbIpConnection> _connections = new();
    private Socket? _listener;
    private Task? _acceptLoop;
    private UsbIpConnection? _importer;
    private int _imports;
    private long _refused;
    private long _evicted;
    private long _acceptErrors;
    private long _peakOutBytes;
    private readonly long? _descriptorLimit;
    private readonly LogBudget _logBudget;

    public UsbIpServer(EmulatedUsbIpDevice device, UsbIpLimits? limits = null, ILogger? logger = null)
    {
        _device = device ?? throw new ArgumentNullException(nameof(device));
        Limits = limits ?? new UsbIpLimits();
        ILogger raw = logger ?? NullLogger.Instance;
        // Every line a client can cause goes through one budget: a connection flood cannot flood the log.
        _logBudget = new LogBudget(Limits.LogMessagesPerSecond, TimeSpan.FromSeconds(1), held =>
            raw.LogWarning("usbip: {Count} log messages held back (more than {Max} per second); {Total} so far", held, Limits.LogMessagesPerSecond, _logBudget!.HeldTotal));
        _logger = new RateLimitedLogger(raw, null, _logBudget);
        _descriptorLimit = HssDevice.Host.ProcessDescriptors.OpenFileLimit();
    }

    /// <summary>Connections closed at once: over <see cref="UsbIpLimits.MaxConnections"/> with none to evict, or
    /// too few descriptors left.</summary>
    public long RefusedConnections => Interlocked.Read(ref _refused);

    /// <summary>Connections closed to make room for a newcomer (the oldest not holding the import).</summary>
    public long EvictedConnections => Interlocked.Read(ref _evicted);

    /// <summary>Accepts that failed (out of descriptors, a connection reset before it was taken); each was survived.</summary>
    public long AcceptErrors => Interlocked.Read(ref _acceptErrors);

    /// <summary>Log messages held back by the log rate.</summary>
    public long SuppressedLogMessages => _logBudget.HeldTotal;

    /// <summary>Connections open now.</summary>
    public int Connections
    {
        get { lock (_lock) { return _connections.Count; } }
    }

    /// <summary>The most OUT data one connection held at once (bounded by <see cref="UsbIpLimits.MaxOutBytesInFlight"/>).</summary>
    public long PeakOutBytesInFlight => Interlocked.Read(ref _peakOutBytes);

    internal void NoteOutBytes(long held)
    {
        long peak;
        while (held > (peak = Interlocked.Read(ref _peakOutBytes)) && Interlocked.CompareExchange(ref _peakOutBytes, held, peak) != peak)
        {
        }
    }

    public UsbIpLimits Limits { get; }

    public EmulatedUsbIpDevice Device => _device;

    /// <summary>Where the server listens (the port the OS chose when asked for 0).</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>Imports served so far (each is one attach of the device).</summary>
    public int Imports => Volatile.Read(ref _imports);

    /// <summary>Raised with the import number when a client's import succeeded (the device is attached).</summary>
    public event Action<int>? Attached;

    /// <summary>Raised with the import number when that import ended (the device is detached).</summary>
    public event Action<int>? Detached;

    /// <summary>Raised when the host selects configuration 1, as a real device's "configured" event.</summary>
    public event Action? Configured;

    public IPEndPoint Start(IPEndPoint endPoint)
    {
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(endPoint);
            listener.Listen(64);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _acceptLoop = Task.Run(AcceptLoopAsync);
        _logger.LogInformation("usbip: exporting {BusId} ({Vendor:x4}:{Product:x4}) on {EndPoint}",
            _device.Info.BusId, _device.Info.VendorId, _device.Info.ProductId, LocalEndPoint);
        return LocalEndPoint;
    }

    /// <summary>Longest pause after repeated accept errors.</summary>
    public static readonly TimeSpan MaxAcceptBackoff = TimeSpan.FromSeconds(2);

    private async Task AcceptLoopAsync()
    {
        TimeSpan backoff = TimeSpan.Zero;
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener!.AcceptAsync(_stop.Token).ConfigureAwait(false);
                backoff = TimeSpan.Zero;
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // Out of descriptors (EMFILE), or a connection reset before it was taken: never the end of the server.
                // The pause lets connections end and give their descriptors back; the backlog keeps the newcomers.
                Interlocked.Increment(ref _acceptErrors);
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(20) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxAcceptBackoff.Ticks));
                _logger.LogWarning("usbip: accepting a connection failed ({Error}, {Count} so far); retrying in {Backoff} ms",
                    e.SocketErrorCode, AcceptErrors, backoff.TotalMilliseconds);
                try
                {
                    await Task.Delay(backoff, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            if (!HasDescriptorHeadroom(out int open))
            {
                client.Dispose();
                Interlocked.Increment(ref _refused);
                _logger.LogWarning("usbip: refused a connection: {Open} descriptors open, the open-file limit is {Limit} and {Reserved} are kept for the runtime",
                    open, _descriptorLimit, Limits.ReservedDescriptors);
                continue;
            }

            UsbIpConnection connection;
            UsbIpConnection? evicted = null;
            try
            {
                client.NoDelay = true;
                connection = new UsbIpConnection(this, client, _device, _logger);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or System.IO.IOException)
            {
                client.Dispose(); // gone before it could be served
                continue;
            }

            lock (_lock)
            {
                if (_stop.IsCancellationRequested)
                {
                    client.Dispose();
                    return;
                }

                if (_connections.Count >= Limits.MaxConnections)
                {
                    evicted = OldestIdleLocked();
                    if (evicted == null)
                    {
                        client.Dispose();
                        Interlocked.Increment(ref _refused);
                        continue;
                    }

                    _connections.Remove(evicted);
                }

                _connections.Add(connection);
            }

            if (evicted != null)
            {
                Interlocked.Increment(ref _evicted);
                _logger.LogWarning("usbip: {Max} connections open: closing the oldest that does not hold the device ({Evicted} so far)",
                    Limits.MaxConnections, EvictedConnections);
                _ = evicted.CloseAsync();
            }

            _ = Task.Run(async () =>
            {
                try
                {
                    await connection.ServeAsync(_stop.Token).ConfigureAwait(false);
                }
                finally
                {
                    lock (_lock)
                    {
                        _connections.Remove(connection);
                    }
                }
            });
        }
    }

    /// <summary>The connection open longest that does not hold the import.</summary>
    private UsbIpConnection? OldestIdleLocked()
    {
        UsbIpConnection? oldest = null;
        foreach (UsbIpConnection candidate in _connections)
        {
            if (candidate != _importer && (oldest == null || candidate.ConnectedAt < oldest.ConnectedAt))
            {
                oldest = candidate;
            }
        }

        return oldest;
    }

    /// <summary>False when the process is within <see cref="UsbIpLimits.ReservedDescriptors"/> of its open-file limit
    /// (Linux; elsewhere always true).</summary>
    private bool HasDescriptorHeadroom(out int open)
    {
        open = 0;
        if (_descriptorLimit == null)
        {
            return true;
        }

        int? now = HssDevice.Host.ProcessDescriptors.OpenNow();
        open = now ?? 0;
        return now == null || now.Value + Limits.ReservedDescriptors < _descriptorLimit.Value;
    }

    /// <summary>Gives the device to <paramref name="connection"/>; false when another connection holds it.</summary>
    internal bool TryImport(UsbIpConnection connection, out int importNumber)
    {
        lock (_lock)
        {
            if (_importer != null && _importer != connection)
            {
                importNumber = 0;
                return false;
            }

            _importer = connection;
            importNumber = ++_imports;
            return true;
        }
    }

    internal void ReleaseImport(UsbIpConnection connection)
    {
        lock (_lock)
        {
            if (_importer == connection)
            {
                _importer = null;
            }
        }
    }

    internal void RaiseAttached(int importNumber) => Attached?.Invoke(importNumber);

    internal void RaiseDetached(int importNumber) => Detached?.Invoke(importNumber);

    internal void RaiseConfigured() => Configured?.Invoke();

    /// <summary>
    /// Unplugs without stopping: closes every connection (the kernel sees the device leave) and keeps listening, so
    /// the device can be attached again (a re-enumeration, as when stock firmware restarts its USB device).
    /// </summary>
    public async Task UnplugAsync()
    {
        UsbIpConnection[] connections;
        lock (_lock)
        {
            connections = new UsbIpConnection[_connections.Count];
            _connections.CopyTo(connections);
        }

        foreach (UsbIpConnection connection in connections)
        {
            await connection.CloseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Unplugs: stops listening and closes every connection (the kernel sees the device leave).</summary>
    public async ValueTask DisposeAsync()
    {
        UsbIpConnection[] connections;
        lock (_lock)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            _stop.Cancel();
            connections = new UsbIpConnection[_connections.Count];
            _connections.CopyTo(connections);
        }

        _listener?.Dispose();
        foreach (UsbIpConnection connection in connections)
        {
            await connection.CloseAsync().ConfigureAwait(false);
        }

        if (_acceptLoop != null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }
    }
}
