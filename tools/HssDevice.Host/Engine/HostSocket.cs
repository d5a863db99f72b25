using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Threading;
using HssDevice.Wire;

namespace HssDevice.Host;

/// <summary>
/// One device socket on the host: the device's handle, the OS socket, the queue of device-to-host work (TRANSMITs and
/// SHUTDOWN, written in order by one send pass at a time) and the host-to-device window.
/// </summary>
internal sealed class HostSocket
{
    private readonly object _gate = new();
    private readonly CancellationTokenSource _lifetime = new();
    private State _state = State.Open;
    private bool _sendShutdown;
    private bool _hostClosing;
    private bool _disposed;
    private volatile bool _deviceRefusesData;
    private readonly Queue<SendItem> _sends = new();
    private readonly int _maxQueuedSends;
    private bool _sending;
    private readonly int _kernelBufferBytes;
    private readonly Action? _onDisposed;

    /// <param name="kernelBufferBytes">SO_SNDBUF and SO_RCVBUF asked of the OS (Linux doubles them); 0 leaves the OS's
    /// autotuning, which lets one socket pin megabytes of kernel memory (docs/security.md).</param>
    /// <param name="onDisposed">Called once when the socket is disposed (gives back its descriptor).</param>
    public HostSocket(uint handle, ushort family, ushort protocol, int hostToDeviceWindow, ByteWindow deviceBudget, int maxQueuedItems,
        int kernelBufferBytes = 0, Action? onDisposed = null)
    {
        _kernelBufferBytes = kernelBufferBytes;
        _onDisposed = onDisposed;
        // Bounded too, though the device's BufferBudget (items over all its sockets) refuses work before this fills.
        _maxQueuedSends = maxQueuedItems;
        Handle = handle;
        Family = family;
        Protocol = protocol;
        Window = new ByteWindow(hostToDeviceWindow, deviceBudget);
        Os = CreateOsSocket();
    }

    private enum State
    {
        Open,
        Connecting,
        Connected,
    }

    public uint Handle { get; }

    public ushort Family { get; }

    public ushort Protocol { get; }

    public bool IsUdp => Protocol == HssProtocol.Udp;

    public Socket Os { get; private set; }

    public ByteWindow Window { get; }

    /// <summary>Device-to-host work queued behind the send under way.</summary>
    public int QueuedSends
    {
        get { lock (_gate) { return _sends.Count; } }
    }

    /// <summary>
    /// Queues device-to-host work, in the order the device sent it. <see cref="SendQueueResult.StartSending"/>: no send
    /// pass is under way, and the caller runs one now (taking items with <see cref="TryTakeSend"/>), so an idle socket's
    /// data goes to the OS socket without a hop to another task. Refused once the socket is disposed; Full at the bound.
    /// </summary>
    public SendQueueResult QueueSend(SendItem item)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return SendQueueResult.Refused;
            }

            if (_sends.Count >= _maxQueuedSends)
            {
                return SendQueueResult.Full;
            }

            _sends.Enqueue(item);
            if (_sending)
            {
                return SendQueueResult.Queued;
            }

            _sending = true;
            return SendQueueResult.StartSending;
        }
    }

    /// <summary>For the send pass: the next item, or false (and the pass is over) when none is queued.</summary>
    public bool TryTakeSend(out SendItem item)
    {
        lock (_gate)
        {
            if (_sends.TryDequeue(out item))
            {
                return true;
            }

            _sending = false;
            return false;
        }
    }

    /// <summary>Cancelled when the socket is closed (by either side) or the device goes away.</summary>
    public CancellationToken Lifetime => _lifetime.Token;

    public string Describe => $"{Handle:X8} {HssFamily.NameOf(Family)}/{HssProtocol.NameOf(Protocol)}";

    /// <summary>TRANSMITs are accepted: connected, send side not shut down, not closing.</summary>
    public bool CanSend
    {
        get { lock (_gate) { return _state == State.Connected && !_sendShutdown && !_hostClosing && !_disposed; } }
    }

    public bool IsConnected
    {
        get { lock (_gate) { return _state == State.Connected && !_disposed; } }
    }

    /// <summary>The device answered a TRANSMIT with an error: it takes no more data on this socket.</summary>
    public bool DeviceRefusesData => _deviceRefusesData;

    public void MarkDeviceRefusesData() => _deviceRefusesData = true;

    public bool TryBeginConnect()
    {
        lock (_gate)
        {
            if (_state != State.Open || _hostClosing || _disposed)
            {
                return false;
            }

            _state = State.Connecting;
            return true;
        }
    }

    public void EndConnect(bool connected)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _state = connected ? State.Connected : State.Open;
            if (!connected && !IsUdp)
            {
                // A TCP socket whose connect failed cannot connect again on every OS: give the device a fresh one.
                Os.Dispose();
                Os = CreateOsSocket();
            }
        }
    }

    /// <summary>Marks the device's SHUTDOWN; false when it came before (the answer is then the same).</summary>
    public bool MarkSendShutdown()
    {
        lock (_gate)
        {
            bool first = !_sendShutdown;
            _sendShutdown = true;
            return first;
        }
    }

    /// <summary>The host starts closing this socket towards the device (once).</summary>
    public bool TryBeginHostClose()
    {
        lock (_gate)
        {
            if (_hostClosing || _disposed)
            {
                return false;
            }

            _hostClosing = true;
            return true;
        }
    }

    /// <summary>Closes the OS socket and stops its loops; queued sends are then answered ENOTCONN, new ones refused.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _lifetime.Cancel();
        Window.Close();
        Os.Dispose();
        _onDisposed?.Invoke();
    }

    public bool IsDisposed
    {
        get { lock (_gate) { return _disposed; } }
    }

    private Socket CreateOsSocket()
    {
        AddressFamily family = Family == HssFamily.IPv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        var socket = IsUdp
            ? new Socket(family, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(family, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (family == AddressFamily.InterNetworkV6)
        {
            // The device chose IPv6: it reaches IPv6 peers only, as OPEN's family says.
            socket.DualMode = false;
        }

        if (_kernelBufferBytes > 0)
        {
            // Fixed sizes turn the OS's autotuning off: a peer that does not read (send side) or a device that does
            // not read (receive side) then pins at most twice this (Linux doubles it) in the kernel, per direction.
            try
            {
                socket.SendBufferSize = _kernelBufferBytes;
                socket.ReceiveBufferSize = _kernelBufferBytes;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        return socket;
    }
}

internal enum SendQueueResult
{
    /// <summary>The socket is closed.</summary>
    Refused,

    /// <summary>At the bound (the device's BufferBudget, with the same item limit over all sockets, refuses first).</summary>
    Full,
    Queued,
    StartSending,
}

/// <summary>Device-to-host work for one socket: a TRANSMIT's payload (a pooled buffer) or a SHUTDOWN.</summary>
internal readonly record struct SendItem(ushort Opcode, ushort MsgId, byte[]? Buffer, int Length);
