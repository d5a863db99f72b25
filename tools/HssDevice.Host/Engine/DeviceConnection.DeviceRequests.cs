using System;
using System.Buffers;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Wire;
using Microsoft.Extensions.Logging;

namespace HssDevice.Host;

using SocketError = System.Net.Sockets.SocketError;

/// <summary>Requests from the device (docs/protocol.md sections 4 to 8): each gets exactly one ACK.</summary>
public sealed partial class DeviceConnection
{
    private void HandleOpen(HssPacket packet)
    {
        uint handle = packet.Handle;
        if (handle == 0 || !HssType.IsValidPair(packet.Family, packet.Protocol, packet.SocketType))
        {
            _log.LogWarning("device {Device}: OPEN {Handle:X8} {Family}/{Protocol}/{Type} is not a valid socket: EINVAL", Name, handle,
                HssFamily.NameOf(packet.Family), HssProtocol.NameOf(packet.Protocol), HssType.NameOf(packet.SocketType));
            SendAck(packet.MsgId, handle, HssOpcode.Open, HssError.InvalidArgument);
            return;
        }

        byte code = HssError.Success;
        HostSocket? socket = null;
        bool descriptorsOut = false;
        lock (_lock)
        {
            if (_sockets.ContainsKey(handle))
            {
                code = HssError.InvalidArgument;
            }
            else if (_sockets.Count >= _settings.MaxSocketsPerDevice)
            {
                code = HssError.HostError;
                Interlocked.Increment(ref Counters.socketLimitHits);
                ReportLimit(HostLimitNames.Sockets, $"{_settings.MaxSocketsPerDevice} sockets live; OPENs are answered EHOSTERR");
            }
            else if (_descriptors.TryTake(1) != FairSharePool.Refusal.None)
            {
                // The host's descriptors beyond its reserve are used up, and this device is past its own floor of them.
                code = HssError.HostError;
                Interlocked.Increment(ref Counters.socketLimitHits);
                descriptorsOut = true;
                ReportLimit(HostLimitNames.Descriptors, $"the host's file descriptors for device sockets are in use ({_host.DeviceDescriptors}; " +
                    $"this device holds {_descriptors.Held}, its own floor is {_host.DescriptorPool.Floor}); OPENs are answered EHOSTERR");
            }
            else
            {
                try
                {
                    socket = new HostSocket(handle, packet.Family, packet.Protocol, _settings.HostToDeviceWindow, _hostToDeviceBudget,
                        _settings.MaxQueuedItemsPerDevice, _settings.KernelBufferBytesPerSocket, () => _descriptors.Return(1));
                    _sockets.Add(handle, socket);
                }
                catch (SocketException e)
                {
                    _descriptors.Return(1);
                    code = SocketErrorMap.ForOpen(e.SocketErrorCode);
                    _log.LogWarning("device {Device}: OPEN {Handle:X8}: the OS refused the socket ({Error})", Name, handle, e.SocketErrorCode);
                }
            }
        }

        if (code == HssError.InvalidArgument)
        {
            _log.LogWarning("device {Device}: OPEN {Handle:X8}: the handle is already live: EINVAL", Name, handle);
        }
        else if (code == HssError.HostError && socket == null && descriptorsOut)
        {
            _log.LogWarning("device {Device}: OPEN {Handle:X8}: no file descriptor left for device sockets: EHOSTERR", Name, handle);
        }
        else if (code == HssError.HostError && socket == null)
        {
            _log.LogWarning("device {Device}: OPEN {Handle:X8}: limit of {Limit} sockets per device reached: EHOSTERR",
                Name, handle, _settings.MaxSocketsPerDevice);
        }

        if (socket != null)
        {
            Interlocked.Increment(ref Counters.socketsOpened);
            _log.LogDebug("device {Device}: opened {Socket}", Name, socket.Describe);
        }

        SendAck(packet.MsgId, handle, HssOpcode.Open, code);
    }

    private void HandleConnect(HssPacket packet)
    {
        if (!TryGetSocket(packet.SockId, out HostSocket socket))
        {
            SendAck(packet.MsgId, packet.SockId, HssOpcode.Connect, HssError.NoSocket);
            return;
        }

        if (packet.Family != socket.Family)
        {
            _log.LogWarning("device {Device}: CONNECT {Socket} to an {Family} address: EMISMATCH", Name, socket.Describe, HssFamily.NameOf(packet.Family));
            SendAck(packet.MsgId, packet.SockId, HssOpcode.Connect, HssError.Mismatch);
            return;
        }

        if (!socket.TryBeginConnect())
        {
            _log.LogWarning("device {Device}: CONNECT {Socket}: already connecting, connected or closing: EINVAL", Name, socket.Describe);
            SendAck(packet.MsgId, packet.SockId, HssOpcode.Connect, HssError.InvalidArgument);
            return;
        }

        byte[] address = packet.Address.AsSpan(0, packet.AddressLength).ToArray();
        IPAddress ip = packet.AddressLength == 16 ? new IPAddress(address, packet.ScopeId) : new IPAddress(address);
        var destination = new IPEndPoint(ip, packet.Port);
        if (!CheckDestination(socket, destination, packet.MsgId))
        {
            return;
        }

        // flowinfo is not applied: .NET has no per-connect flow label.
        Track(ConnectAsync(socket, destination, packet.MsgId), "CONNECT of " + socket.Describe);
    }

    private async Task ConnectAsync(HostSocket socket, IPEndPoint endPoint, ushort msgId)
    {
        byte code;
        try
        {
            if (socket.IsUdp)
            {
                // UDP CONNECT sets the peer: datagrams go to it and only its datagrams are delivered (section 5).
                await socket.Os.ConnectAsync(endPoint, socket.Lifetime).ConfigureAwait(false);
            }
            else
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(socket.Lifetime);
                timeout.CancelAfter(_settings.ConnectTimeout);
                await socket.Os.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
            }

            code = HssError.Success;
        }
        catch (OperationCanceledException) when (socket.Lifetime.IsCancellationRequested)
        {
            code = HssError.NoSocket;
        }
        catch (OperationCanceledException)
        {
            code = HssError.TimedOut;
        }
        catch (ObjectDisposedException)
        {
            code = HssError.NoSocket;
        }
        catch (SocketException e)
        {
            code = SocketErrorMap.ForConnect(e.SocketErrorCode);
            _log.LogDebug("device {Device}: CONNECT {Socket} to {EndPoint}: {Error}", Name, socket.Describe, endPoint, e.SocketErrorCode);
        }

        socket.EndConnect(code == HssError.Success);
        _log.LogInformation("device {Device}: CONNECT {Socket} to {EndPoint}: {Code}", Name, socket.Describe, endPoint, HssError.NameOf(code));
        SendAck(msgId, socket.Handle, HssOpcode.Connect, code);
        if (code == HssError.Success)
        {
            Track(PumpHostToDeviceAsync(socket), "receive pump of " + socket.Describe);
        }
    }

    private void HandleTransmit(HssPacket packet)
    {
        Interlocked.Increment(ref Counters.transmitsDeviceToHost);
        int length = (int)packet.PayloadLength;
        if (!TryGetSocket(packet.SockId, out HostSocket socket))
        {
            SendTransmitAck(packet.MsgId, packet.SockId, HssError.NoSocket, 0);
            return;
        }

        if (!socket.CanSend)
        {
            SendTransmitAck(packet.MsgId, packet.SockId, HssError.NotConnected, 0);
            return;
        }

        if (!ChargeDeviceToHost(length, "TRANSMIT of " + length + " bytes on " + socket.Describe))
        {
            SendTransmitAck(packet.MsgId, packet.SockId, HssError.HostError, 0);
            return;
        }

        byte[] payload = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        Array.Copy(packet.Buffer, packet.PayloadOffset, payload, 0, length);
        byte refused = QueueSend(socket, new SendItem(HssOpcode.Transmit, packet.MsgId, payload, length));
        if (refused != HssError.Success)
        {
            // Closed between the check and the write (or the socket's own bound).
            _deviceToHostBudget.Release(length);
            ArrayPool<byte>.Shared.Return(payload);
            SendTransmitAck(packet.MsgId, packet.SockId, refused, 0);
        }
    }

    private void HandleShutdown(HssPacket packet)
    {
        if (!TryGetSocket(packet.SockId, out HostSocket socket))
        {
            SendAck(packet.MsgId, packet.SockId, HssOpcode.Shutdown, HssError.NoSocket);
            return;
        }

        if (!socket.IsConnected)
        {
            SendAck(packet.MsgId, packet.SockId, HssOpcode.Shutdown, HssError.NotConnected);
            return;
        }

        if (!ChargeDeviceToHost(0, "SHUTDOWN of " + socket.Describe))
        {
            SendAck(packet.MsgId, packet.SockId, HssOpcode.Shutdown, HssError.HostError);
            return;
        }

        socket.MarkSendShutdown();
        // Behind every earlier TRANSMIT of the socket: FIN goes out after their bytes (section 8).
        byte refused = QueueSend(socket, new SendItem(HssOpcode.Shutdown, packet.MsgId, null, 0));
        if (refused != HssError.Success)
        {
            _deviceToHostBudget.Release(0);
            SendAck(packet.MsgId, packet.SockId, HssOpcode.Shutdown, refused);
        }
    }

    private void HandleClose(HssPacket packet)
    {
        HostSocket? socket;
        lock (_lock)
        {
            if (_sockets.Remove(packet.SockId, out socket))
            {
                // Outstanding host TRANSMITs of this socket will not be answered: forget them now.
                foreach (KeyValuePair<ushort, PendingHostRequest> entry in new List<KeyValuePair<ushort, PendingHostRequest>>(_pending))
                {
                    if (entry.Value.Socket == socket && entry.Value.Opcode == HssOpcode.Transmit)
                    {
                        _pending.Remove(entry.Key);
                    }
                }
            }
        }

        if (socket == null)
        {
            SendAck(packet.MsgId, packet.SockId, HssOpcode.Close, HssError.NoSocket);
            return;
        }

        socket.Dispose();
        _log.LogDebug("device {Device}: closed {Socket}", Name, socket.Describe);
        SendAck(packet.MsgId, packet.SockId, HssOpcode.Close, HssError.Success);
    }

    /// <summary>Queues device-to-host work behind the socket's earlier work. When no send is under way this thread
    /// writes it to the OS socket at once (and whatever queues meanwhile). Returns Success, or the code to answer when
    /// the socket refused it: ENOTCONN once closed, EHOSTERR at its bound (reported as a limit).</summary>
    private byte QueueSend(HostSocket socket, SendItem item)
    {
        switch (socket.QueueSend(item))
        {
            case SendQueueResult.Refused:
                return HssError.NotConnected;
            case SendQueueResult.Full:
                Interlocked.Increment(ref Counters.bufferLimitHits);
                ReportLimit(HostLimitNames.QueuedItems, $"{socket.QueuedSends} items queued for {socket.Describe}; refused with EHOSTERR");
                return HssError.HostError;
            case SendQueueResult.StartSending:
                Task pass = SendQueuedAsync(socket);
                if (!pass.IsCompletedSuccessfully)
                {
                    Track(pass, "send of " + socket.Describe);
                }

                return HssError.Success;
            default:
                return HssError.Success;
        }
    }

    /// <summary>One send pass: writes the device's data to the OS socket in order; ACKs each TRANSMIT once written
    /// (section 6). Runs until the socket's queue is empty; only one pass per socket at a time.</summary>
    private async Task SendQueuedAsync(HostSocket socket)
    {
        while (socket.TryTakeSend(out SendItem item))
        {
            if (item.Opcode == HssOpcode.Transmit)
            {
                byte code;
                try
                {
                    code = await WriteToOsSocketAsync(socket, item).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    // Unexpected: still answered, and the pass goes on, so later items are not stranded behind it.
                    _log.LogError(e, "device {Device}: send on {Socket} failed", Name, socket.Describe);
                    code = HssError.HostError;
                }

                SendTransmitAck(item.MsgId, socket.Handle, code, item.Length);
            }
            else
            {
                byte code = HssError.Success;
                _deviceToHostBudget.Release(0);
                try
                {
                    socket.Os.Shutdown(SocketShutdown.Send);
                }
                catch (ObjectDisposedException)
                {
                    code = HssError.NotConnected;
                }
                catch (SocketException e)
                {
                    code = e.SocketErrorCode == SocketError.NotConnected ? HssError.NotConnected : HssError.HostError;
                }

                SendAck(item.MsgId, socket.Handle, HssOpcode.Shutdown, code);
            }
        }
    }

    private async Task<byte> WriteToOsSocketAsync(HostSocket socket, SendItem item)
    {
        try
        {
            if (socket.IsDisposed)
            {
                return HssError.NotConnected;
            }

            ReadOnlyMemory<byte> data = item.Buffer.AsMemory(0, item.Length);
            if (socket.IsUdp)
            {
                await socket.Os.SendAsync(data, SocketFlags.None, socket.Lifetime).ConfigureAwait(false);
            }
            else
            {
                while (!data.IsEmpty)
                {
                    int sent = await socket.Os.SendAsync(data, SocketFlags.None, socket.Lifetime).ConfigureAwait(false);
                    data = data.Slice(sent);
                }
            }

            Interlocked.Add(ref Counters.bytesDeviceToHost, item.Length);
            NoteActivity();
            return HssError.Success;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            return HssError.NotConnected;
        }
        catch (SocketException e)
        {
            if (socket.IsUdp)
            {
                // An ICMP error from an earlier datagram: this one is lost, the socket stays usable.
                _log.LogDebug("device {Device}: UDP send on {Socket}: {Error}", Name, socket.Describe, e.SocketErrorCode);
                return HssError.HostError;
            }

            Track(FailSocketAsync(socket, "send failed: " + e.SocketErrorCode), "close of " + socket.Describe);
            return HssError.HostError;
        }
        finally
        {
            _deviceToHostBudget.Release(item.Length);
            ArrayPool<byte>.Shared.Return(item.Buffer!);
        }
    }

    /// <summary>Charges one device-to-host item (at least 64 bytes) to the device's and the host's budgets; over a
    /// bound it is refused, counted and reported.</summary>
    private bool ChargeDeviceToHost(int length, string what)
    {
        if (_deviceToHostBudget.TryCharge(length, out string? refusedBy))
        {
            return true;
        }

        Interlocked.Increment(ref Counters.bufferLimitHits);
        ReportLimit(refusedBy!, what + " refused with EHOSTERR: " + refusedBy + " reached");
        return false;
    }

    /// <summary>The destination policy's one evaluation (docs/security.md), for a CONNECT's destination and a
    /// datagram's source alike.</summary>
    private Policy.DestinationDecision EvaluateRemote(IPEndPoint remote) => _settings.Destinations.Evaluate(remote, _host.OwnListeners);

    /// <summary>The destination policy (docs/security.md): a denied CONNECT is answered EDENIED and logged.</summary>
    private bool CheckDestination(HostSocket socket, IPEndPoint destination, ushort msgId)
    {
        Policy.DestinationDecision decision = EvaluateRemote(destination);
        if (decision.IsAllowed)
        {
            return true;
        }

        Interlocked.Increment(ref Counters.deniedDestinations);
        _log.LogWarning("device {Device}: CONNECT {Socket} to {Destination} denied by the destination policy ({Rule}): EDENIED ({Code})",
            Name, socket.Describe, destination, decision.Rule, Policy.DestinationPolicy.DeniedCode);
        socket.EndConnect(false);
        SendAck(msgId, socket.Handle, HssOpcode.Connect, Policy.DestinationPolicy.DeniedCode);
        return false;
    }
}
