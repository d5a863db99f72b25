using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HssDevice.UsbIp;

/// <summary>
/// A USB/IP server (usbip_protocol.rst, version 0x0111) exporting one emulated device as bus ID 1-1: the server
/// side of what `usbip attach` and the kernel's vhci-hcd speak. Every connection is accepted at once and may stay
/// silent as long as it likes; one connection at a time may hold the device imported (others get "busy").
/// An import is a device attach; its end (the client closing, or a new operation on the same stream) is a detach,
/// which the device engine sees as its link going down. Disposing unplugs: every connection is closed.
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

    public UsbIpServer(EmulatedUsbIpDevice device, UsbIpLimits? limits = null, ILogger? logger = null)
    {
        _device = device ?? throw new ArgumentNullException(nameof(device));
        Limits = limits ?? new UsbIpLimits();
        _logger = logger ?? NullLogger.Instance;
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
            listener.Listen(8);
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

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener!.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            client.NoDelay = true;
            var connection = new UsbIpConnection(this, client, _device, _logger);
            lock (_lock)
            {
                if (_stop.IsCancellationRequested)
                {
                    client.Dispose();
                    return;
                }

                _connections.Add(connection);
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
