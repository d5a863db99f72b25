using System;
using System.Buffers;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Wire;
using Microsoft.Extensions.Logging;

namespace HssDevice.Host;

using SocketError = System.Net.Sockets.SocketError;

/// <summary>
/// Requests from the host to the device: TRANSMITs of data read from OS sockets (within the window), SHUTDOWN on a
/// remote FIN, CLOSE on a reset or error (docs/protocol.md sections 6, 8), and the matching of the device's answers (9).
/// </summary>
public sealed partial class DeviceConnection
{
    private const int MaxUdpDatagram = 65535;

    private ushort AllocateMsgIdLocked() => _msgIds.Next(_pending.ContainsKey);

    /// <summary>Reads the OS socket into TRANSMITs while the window has room; ends at FIN (SHUTDOWN) or error (CLOSE).</summary>
    private async Task PumpHostToDeviceAsync(HostSocket socket)
    {
        CancellationToken lifetime = socket.Lifetime;
        int maxPayload = _settings.MaxHostTransmitPayload;
        // One byte more than the largest datagram the device takes, so that a larger one shows (and is dropped).
        byte[]? datagram = socket.IsUdp ? new byte[maxPayload + 1] : null;
        UdpPeer? peer = socket.IsUdp ? UdpPeer.Of(socket.Os, EvaluateRemote) : null;
        try
        {
            while (true)
            {
                await WaitForRequestRoomAsync(socket, lifetime).ConfigureAwait(false);
                if (datagram != null)
                {
                    int received = await peer!.ReceiveAsync(socket.Os, datagram, lifetime).ConfigureAwait(false);
                    if (received < 0)
                    {
                        // Not from the socket's peer, or from a source the destination policy denies: dropped.
                        Interlocked.Increment(ref Counters.strangerDatagrams);
                        ReportLimit(HostLimitNames.Destination, "a datagram on " + socket.Describe + " from " + peer.LastStranger + ", dropped");
                        continue;
                    }

                    if (received > maxPayload)
                    {
                        Interlocked.Increment(ref Counters.droppedDatagrams);
                        ReportLimit(HostLimitNames.DatagramSize, $"a datagram on {socket.Describe} over the device's TRANSMIT maximum {maxPayload} dropped");
                        continue;
                    }

                    // An empty datagram still takes a request and a byte of the window: it is not free.
                    int charge = Math.Max(received, 1);
                    await socket.Window.WaitForSpaceAsync(charge, lifetime).ConfigureAwait(false);
                    await _hostToDeviceBudget.ReserveAsync(charge, charge, lifetime).ConfigureAwait(false);
                    if (socket.DeviceRefusesData)
                    {
                        _hostToDeviceBudget.Release(charge);
                        return;
                    }

                    byte[] packet = ArrayPool<byte>.Shared.Rent(HssLayout.HeaderSize + Math.Max(received, 1));
                    Array.Copy(datagram, 0, packet, HssLayout.HeaderSize, received);
                    SendTransmit(socket, packet, received, charge);
                    continue;
                }

                // Like the device's coalescing (docs/protocol.md section 6): with bytes in flight, read only when a
                // whole TRANSMIT fits, so what the peer wrote meanwhile leaves as one TRANSMIT and one ACK instead of
                // one per write. With small writes the ACK rate (one per interrupt interval) was the limit.
                int space = await socket.Window.WaitForSpaceAsync(Math.Min(maxPayload, socket.Window.Limit), lifetime).ConfigureAwait(false);
                int take = Math.Clamp(space, 1, maxPayload);
                byte[] buffer = ArrayPool<byte>.Shared.Rent(HssLayout.HeaderSize + take);
                int read;
                try
                {
                    read = await socket.Os.ReceiveAsync(buffer.AsMemory(HssLayout.HeaderSize, take), SocketFlags.None, lifetime).ConfigureAwait(false);
                    if (read > 0)
                    {
                        // The device's budget is shared by its sockets: bytes read wait here (one buffer per socket)
                        // until it has room; an idle socket holds none of it.
                        await _hostToDeviceBudget.ReserveAsync(read, read, lifetime).ConfigureAwait(false);
                    }
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }

                if (read == 0 || socket.DeviceRefusesData)
                {
                    _hostToDeviceBudget.Release(read);
                    ArrayPool<byte>.Shared.Return(buffer);
                    if (read == 0 && !socket.DeviceRefusesData)
                    {
                        await RemoteFinishedAsync(socket).ConfigureAwait(false);
                    }

                    return;
                }

                SendTransmit(socket, buffer, read, read);
            }
        }
        catch (Exception e) when ((e is OperationCanceledException or ObjectDisposedException) && lifetime.IsCancellationRequested)
        {
            // Closed by the device or dropped with the link.
        }
        catch (SocketException e) when (socket.IsUdp && e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
        {
            // ICMP port unreachable for an earlier datagram: UDP carries on.
            Track(PumpHostToDeviceAsync(socket), "receive pump of " + socket.Describe);
        }
        catch (SocketException e)
        {
            await FailSocketAsync(socket, "receive failed: " + e.SocketErrorCode).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Never a silent stop: whatever ended the pump, the device hears of it with CLOSE.
            _log.LogError(e, "device {Device}: receive pump of {Socket} failed", Name, socket.Describe);
            await FailSocketAsync(socket, "receive pump failed: " + e.GetType().Name).ConfigureAwait(false);
        }
    }

    /// <summary>Waits while the device has <see cref="HssHostSettings.MaxPendingRequestsPerDevice"/> requests
    /// unanswered (not when its ACKs are not awaited); meanwhile the OS socket is not read.</summary>
    private async ValueTask WaitForRequestRoomAsync(HostSocket socket, CancellationToken cancellationToken)
    {
        if (!_settings.WaitForDeviceTransmitAcks)
        {
            return;
        }

        if (_pending.IsFull)
        {
            ReportLimit(HostLimitNames.PendingRequests, $"{_pending.Limit} requests await the device's answers; {socket.Describe} waits for one");
        }

        await _pending.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues one TRANSMIT (payload already at offset 12 of the rented packet buffer); `charge` bytes (the
    /// length, at least 1) are already reserved in the device's budget and are taken from the socket's window.</summary>
    private void SendTransmit(HostSocket socket, byte[] packet, int length, int charge)
    {
        bool waitForAck = _settings.WaitForDeviceTransmitAcks;
        ushort msgId;
        lock (_lock)
        {
            msgId = AllocateMsgIdLocked();
            if (waitForAck)
            {
                _pending[msgId] = new PendingHostRequest(HssOpcode.Transmit, socket, charge, length, null);
            }
        }

        if (!socket.Window.Add(charge))
        {
            // Closed meanwhile: the bytes never leave, so neither the window nor the device's budget holds them.
            lock (_lock)
            {
                _pending.Remove(msgId);
            }

            _hostToDeviceBudget.Release(charge);
            ArrayPool<byte>.Shared.Return(packet);
            return;
        }

        PacketWriter.WriteTransmitHeader(packet, 0, msgId, socket.Handle, length);
        Interlocked.Add(ref Counters.bytesHostToDevice, length);
        NoteActivity();
        // Without device ACKs the window is given back once the link has taken the packet.
        _writer.EnqueueData(packet, HssLayout.HeaderSize + length, waitForAck ? null : socket.Window, charge);
    }

    /// <summary>Remote FIN: after the device has ACKed every earlier TRANSMIT, tell it with SHUTDOWN (section 8).</summary>
    private async Task RemoteFinishedAsync(HostSocket socket)
    {
        await socket.Window.WaitForEmptyAsync(socket.Lifetime).ConfigureAwait(false);
        _log.LogDebug("device {Device}: remote end of {Socket} finished sending", Name, socket.Describe);
        await RequestAsync(HssOpcode.Shutdown, socket).ConfigureAwait(false);
    }

    /// <summary>Reset or error on the OS socket: close it, then (after outstanding TRANSMITs are ACKed) send CLOSE.</summary>
    private async Task FailSocketAsync(HostSocket socket, string reason)
    {
        if (!socket.TryBeginHostClose())
        {
            return;
        }

        _log.LogInformation("device {Device}: {Socket} closed on the host side ({Reason}); sending CLOSE", Name, socket.Describe, reason);
        socket.Os.Dispose();
        try
        {
            await socket.Window.WaitForEmptyAsync(socket.Lifetime).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // The device closed it meanwhile, or the link went away.
        }

        await RequestAsync(HssOpcode.Close, socket).ConfigureAwait(false);
        lock (_lock)
        {
            if (_sockets.TryGetValue(socket.Handle, out HostSocket? live) && live == socket)
            {
                _sockets.Remove(socket.Handle);
            }
        }

        socket.Dispose();
    }

    /// <summary>Sends SHUTDOWN or CLOSE for a socket and waits for the answer; null when none came in time.</summary>
    private async Task<byte?> RequestAsync(ushort opcode, HostSocket socket)
    {
        var answer = new TaskCompletionSource<byte>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await WaitForRequestRoomAsync(socket, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        ushort msgId;
        lock (_lock)
        {
            msgId = AllocateMsgIdLocked();
            _pending[msgId] = new PendingHostRequest(opcode, socket, 0, 0, answer);
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(HssLayout.HeaderSize);
        int length = opcode == HssOpcode.Close
            ? PacketWriter.WriteClose(buffer, 0, msgId, socket.Handle)
            : PacketWriter.WriteShutdown(buffer, 0, msgId, socket.Handle);
        if (_settings.SocketCommandsBehindData)
        {
            _writer.EnqueueData(buffer, length, null, 0);
        }
        else
        {
            _writer.EnqueueCommand(buffer, length);
        }

        try
        {
            byte code = await answer.Task.WaitAsync(_settings.DeviceRequestTimeout, _stop.Token).ConfigureAwait(false);
            if (code != HssError.Success)
            {
                _log.LogInformation("device {Device}: {Opcode} of {Socket} answered {Code}", Name, HssOpcode.NameOf(opcode), socket.Describe, HssError.NameOf(code));
            }

            return code;
        }
        catch (TimeoutException)
        {
            lock (_lock)
            {
                _pending.Remove(msgId);
            }

            Interlocked.Increment(ref Counters.requestTimeouts);
            _log.LogWarning("device {Device}: no answer to {Opcode} of {Socket} within {Timeout}", Name, HssOpcode.NameOf(opcode), socket.Describe, _settings.DeviceRequestTimeout);
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>An ACK or REPLY from the device: matched by msg_id, then checked against orig_opcode and sock_id.</summary>
    private void HandleAnswer(HssPacket packet)
    {
        if (packet.OrigOpcode == HssOpcode.Transmit && !_settings.WaitForDeviceTransmitAcks)
        {
            Interlocked.Increment(ref Counters.ignoredTransmitAcks);
            return;
        }

        PendingHostRequest? request;
        lock (_lock)
        {
            if (!_pending.TryGetValue(packet.MsgId, out request)
                || !HssRules.IsAnswerTo(packet.MsgId, packet.OrigOpcode, packet.SockId, packet.MsgId, request.Opcode, request.Socket.Handle))
            {
                request = null;
            }
            else
            {
                _pending.Remove(packet.MsgId);
            }
        }

        if (request == null)
        {
            Interlocked.Increment(ref Counters.unmatchedAnswers);
            _log.LogDebug("device {Device}: dropped an answer matching no request (msg {MsgId}, {Opcode}, sock {SockId:X8})",
                Name, packet.MsgId, HssOpcode.NameOf(packet.OrigOpcode), packet.SockId);
            return;
        }

        if (request.Opcode != HssOpcode.Transmit)
        {
            request.Answer!.TrySetResult(packet.Code);
            return;
        }

        request.Socket.Window.Release(request.Bytes);
        // The rule the device applies to its own TRANSMITs: a refusal, or a short count (lost data, EHOSTERR).
        int code = HssRules.TransmitAckOutcome(packet.Code, packet.HasValue, packet.Value, request.PayloadLength);
        if (code == HssError.Success)
        {
            return;
        }

        _log.LogInformation("device {Device}: TRANSMIT on {Socket} refused with {Code}; no more data goes to the device on it",
            Name, request.Socket.Describe, HssError.NameOf(code));
        request.Socket.MarkDeviceRefusesData();
        Interlocked.Increment(ref Counters.refusedTransmits);
        if (code == HssError.NoSocket)
        {
            // The device no longer knows the handle, so no CLOSE will come for it: forget it now.
            lock (_lock)
            {
                if (_sockets.TryGetValue(request.Socket.Handle, out HostSocket? live) && live == request.Socket)
                {
                    _sockets.Remove(request.Socket.Handle);
                }
            }

            request.Socket.Dispose();
        }
    }

    /// <summary>Bytes: what the socket's window was charged (at least 1, so an empty datagram is not free);
    /// PayloadLength: what the TRANSMIT carried, which its ACK must count (docs/protocol.md section 6).</summary>
    private sealed record PendingHostRequest(ushort Opcode, HostSocket Socket, int Bytes, int PayloadLength, TaskCompletionSource<byte>? Answer);
}
