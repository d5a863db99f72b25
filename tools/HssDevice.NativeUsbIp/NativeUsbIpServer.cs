using System;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HssDevice.NativeUsbIp;

/// <summary>What the C server counted (hss_usbip_counters_t).</summary>
public readonly record struct NativeUsbIpCounters(uint Imports, uint Detaches, uint BusResets, uint Connections, uint ProtocolErrors, uint Urbs);

/// <summary>
/// A USB/IP server of libhss_native.so (firmware/native/ports/usbip): it listens at once, and serves the device once
/// <see cref="Function"/> is opened with a descriptor blob. Each import (`usbip attach`) is a bus reset of the C core,
/// its end a disconnect. Dispose unplugs the device, stops the server's thread and frees the core; do it after the
/// last user of <see cref="Function"/> (the engine) is done.
/// </summary>
public sealed class NativeUsbIpServer : IDisposable
{
    private readonly ILogger _logger;

    // Kept alive as long as the C server may call them.
    private readonly NativeMethods.WakeCallback _wake;
    private readonly NativeMethods.LogCallback _log;
    private IntPtr _server;
    private int _inFlight;
    private int _disposed;

    private NativeUsbIpServer(IntPtr server, IPEndPoint endPoint, ILogger logger)
    {
        _server = server;
        _logger = logger;
        LocalEndPoint = endPoint;
        Function = new PInvokeUsbFunction(this);
        _wake = Function.OnWake;
        _log = OnLog;
        NativeMethods.SetLog(server, Marshal.GetFunctionPointerForDelegate(_log));
        NativeMethods.SetWake(server, Marshal.GetFunctionPointerForDelegate(_wake));
    }

    /// <summary>Where the server listens (the port the OS chose when asked for 0).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The core's API through this server: the INativeUsbFunction a NativeUsbLink drives.</summary>
    public PInvokeUsbFunction Function { get; }

    /// <summary>Starts listening; throws SocketException when the address cannot be listened on.</summary>
    public static NativeUsbIpServer Start(IPEndPoint listen, bool highSpeed, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(listen);
        int result = NativeMethods.Start(listen.Address.ToString(), (ushort)listen.Port, highSpeed ? 1 : 0, out IntPtr server);
        if (result != 0)
        {
            int errno = -result;
            System.Net.Sockets.SocketError error = errno switch
            {
                98 => System.Net.Sockets.SocketError.AddressAlreadyInUse,
                99 => System.Net.Sockets.SocketError.AddressNotAvailable,
                13 => System.Net.Sockets.SocketError.AccessDenied,
                22 => System.Net.Sockets.SocketError.InvalidArgument,
                _ => System.Net.Sockets.SocketError.SocketError,
            };
            throw new SocketException((int)error, $"the native USB/IP server cannot listen on {listen}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        var endPoint = new IPEndPoint(listen.Address, NativeMethods.BoundPort(server));
        return new NativeUsbIpServer(server, endPoint, logger ?? NullLogger.Instance);
    }

    public NativeUsbIpCounters Counters
    {
        get
        {
            IntPtr server = Enter();
            try
            {
                if (server == IntPtr.Zero)
                {
                    return default;
                }

                NativeMethods.GetCounters(server, out NativeMethods.Counters c);
                return new NativeUsbIpCounters(c.Imports, c.Detaches, c.BusResets, c.Connections, c.ProtocolErrors, c.Urbs);
            }
            finally
            {
                Exit();
            }
        }
    }

    /// <summary>The server for one call, or zero once disposed; pair with <see cref="Exit"/>.</summary>
    internal IntPtr Enter()
    {
        Interlocked.Increment(ref _inFlight);
        if (Volatile.Read(ref _disposed) != 0)
        {
            return IntPtr.Zero;
        }

        return _server;
    }

    internal void Exit() => Interlocked.Decrement(ref _inFlight);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Calls that started before the flag finish first: the C server is freed only when none is inside it.
        var spin = new SpinWait();
        while (Volatile.Read(ref _inFlight) != 0)
        {
            spin.SpinOnce();
        }

        IntPtr server = _server;
        _server = IntPtr.Zero;
        NativeMethods.Stop(server);
        GC.KeepAlive(_wake);
        GC.KeepAlive(_log);
    }

    private void OnLog(int level, IntPtr message)
    {
        string text = Marshal.PtrToStringUTF8(message) ?? "";
        LogLevel logLevel = level switch { 0 => LogLevel.Debug, 1 => LogLevel.Information, _ => LogLevel.Warning };
        _logger.Log(logLevel, "native usbip: {Message}", text);
    }
}
