using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Usb;
using Microsoft.Extensions.Logging;

namespace HssDevice.UsbIp;

/// <summary>
/// One client connection: operation requests (devlist, import), then, once imported, the URB traffic of one attach.
/// The reader (this class's loop) parses every message; data endpoints run on their own workers so a held IN URB
/// (a device that NAKs) never blocks endpoint 0 or an UNLINK. Replies go out under one write lock, which also
/// orders a RET_SUBMIT before the RET_UNLINK that finds its URB done (vhci-hcd drops the connection otherwise).
/// </summary>
internal sealed class UsbIpConnection
{
    // Linux errno values, negated, as RET_SUBMIT status carries them.
    private const int ErrorMessageSize = -90;  // -EMSGSIZE: an interrupt OUT URB longer than one packet
    private const int ErrorShutdown = -108;    // -ESHUTDOWN: the device end of the link is gone

    private readonly UsbIpServer _server;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly EmulatedUsbIpDevice _device;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly object _stateLock = new();
    private readonly Dictionary<uint, PendingUrb> _inFlight = new();
    private readonly Dictionary<byte, EndpointQueue> _endpoints = new();
    private UsbControlResponder _control;
    private CancellationTokenSource? _session;
    private int _importNumber;
    private Task _serving = Task.CompletedTask;
    private long _outBytesInFlight; // guarded by _stateLock
    private long _peakOutBytesInFlight;

    public UsbIpConnection(UsbIpServer server, Socket socket, EmulatedUsbIpDevice device, ILogger logger)
    {
        _server = server;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _device = device;
        _logger = logger;
        _control = NewResponder();
        Peer = socket.RemoteEndPoint?.ToString() ?? "?";
    }

    private string Peer { get; }

    /// <summary>Endpoint 0 of the device's current function (read afresh at each import: the function may change between them).</summary>
    private UsbControlResponder NewResponder()
    {
        var control = new UsbControlResponder(_device.Function, _device.Speed);
        control.Configured += _server.RaiseConfigured;
        return control;
    }

    private bool Imported => _session != null;

    /// <summary>When the client connected (a Stopwatch timestamp): the oldest idle connection makes room first.</summary>
    public long ConnectedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>OUT data held for URBs in flight (bounded by <see cref="UsbIpLimits.MaxOutBytesInFlight"/>).</summary>
    public long OutBytesInFlight
    {
        get { lock (_stateLock) { return _outBytesInFlight; } }
    }

    /// <summary>The most OUT data this connection held at once.</summary>
    public long PeakOutBytesInFlight => Interlocked.Read(ref _peakOutBytesInFlight);

    public Task ServeAsync(CancellationToken stop)
    {
        _serving = ServeLoopAsync(stop);
        return _serving;
    }

    /// <summary>Closes the connection (unplug) and waits until its import has ended.</summary>
    public async Task CloseAsync()
    {
        _stream.Dispose();
        try
        {
            await _serving.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogDebug(e, "usbip {Peer}: closing", Peer);
        }
    }

    private async Task ServeLoopAsync(CancellationToken stop)
    {
        _logger.LogInformation("usbip {Peer}: connected", Peer);
        var header = new byte[UsbIpWire.UrbHeaderSize];
        bool spoken = false;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                // Only the first message has a deadline: a stream the rig relays carries client after client and may
                // rest between them; a connection that never speaks is what must not hold a place.
                if (!await ReadMessageStartAsync(header, stop, spoken ? Timeout.InfiniteTimeSpan : _server.Limits.FirstOperationTimeout).ConfigureAwait(false))
                {
                    _logger.LogInformation("usbip {Peer}: closed by the client", Peer);
                    return;
                }

                spoken = true;

                if (UsbIpWire.ReadU16(header, 0) == UsbIpWire.Version)
                {
                    if (Imported)
                    {
                        // The kernel never sends an operation on an imported connection. A stream that carries several
                        // client connections one after the other (the rig's virtio-serial relay cannot carry a close)
                        // shows a detach this way: the import ended, and this request starts the next client's turn.
                        _logger.LogInformation("usbip {Peer}: an operation request on an imported stream: the import ended", Peer);
                        await EndImportAsync().ConfigureAwait(false);
                    }

                    await ReadExactlyAsync(header, 4, UsbIpWire.OpHeaderSize - 4, stop).ConfigureAwait(false);
                    await HandleOperationAsync(header, stop).ConfigureAwait(false);
                }
                else if (Imported)
                {
                    await ReadExactlyAsync(header, 4, UsbIpWire.UrbHeaderSize - 4, stop).ConfigureAwait(false);
                    await HandleUrbMessageAsync(header, stop).ConfigureAwait(false);
                }
                else
                {
                    throw new UsbIpProtocolException(
                        $"expected an operation request (version 0x{UsbIpWire.Version:x4}), got {Convert.ToHexString(header, 0, 4)}");
                }
            }
        }
        catch (UsbIpProtocolException e)
        {
            _logger.LogWarning("usbip {Peer}: {Problem}; closing the connection", Peer, e.Message);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            _logger.LogInformation("usbip {Peer}: connection ended ({Reason})", Peer, e.Message);
        }
        finally
        {
            await EndImportAsync().ConfigureAwait(false);
            _stream.Dispose();
        }
    }

    private async Task HandleOperationAsync(byte[] header, CancellationToken stop)
    {
        ushort code = UsbIpWire.ReadU16(header, 2);
        switch (code)
        {
            case UsbIpWire.OpReqDevlist:
                _logger.LogInformation("usbip {Peer}: device list", Peer);
                await WriteAsync(UsbIpWire.DevlistReply(_device.Info)).ConfigureAwait(false);
                return;
            case UsbIpWire.OpReqImport:
                var busIdField = new byte[UsbIpWire.BusIdSize];
                await ReadExactlyAsync(busIdField, 0, busIdField.Length, stop).ConfigureAwait(false);
                string busId = UsbIpWire.ReadFixedString(busIdField);
                if (busId != _device.Info.BusId)
                {
                    _logger.LogWarning("usbip {Peer}: import of unknown bus ID '{BusId}' refused", Peer, busId);
                    await WriteAsync(UsbIpWire.OpHeader(UsbIpWire.OpRepImport, UsbIpWire.StatusNotAvailable)).ConfigureAwait(false);
                    return;
                }

                if (!_server.TryImport(this, out int importNumber))
                {
                    _logger.LogWarning("usbip {Peer}: import refused: another connection holds the device", Peer);
                    await WriteAsync(UsbIpWire.OpHeader(UsbIpWire.OpRepImport, UsbIpWire.StatusDeviceBusy)).ConfigureAwait(false);
                    return;
                }

                await BeginImportAsync(importNumber).ConfigureAwait(false);
                await WriteAsync(UsbIpWire.ImportReply(_device.Info)).ConfigureAwait(false);
                _server.RaiseAttached(importNumber);
                return;
            default:
                throw new UsbIpProtocolException($"unknown operation code 0x{code:x4}");
        }
    }

    private async Task BeginImportAsync(int importNumber)
    {
        if (importNumber > 1)
        {
            // A new attach is a bus reset: whatever the device queued while detached belonged to the last host.
            await _device.HostLink.ResetAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _control = NewResponder();
        _importNumber = importNumber;
        _session = new CancellationTokenSource();
        _logger.LogInformation("usbip {Peer}: import {Import} of {BusId}: attached", Peer, importNumber, _device.Info.BusId);
    }

    private async Task EndImportAsync()
    {
        CancellationTokenSource? session = _session;
        if (session == null)
        {
            return;
        }

        _session = null;
        session.Cancel();
        EndpointQueue[] queues;
        lock (_stateLock)
        {
            queues = new EndpointQueue[_endpoints.Count];
            _endpoints.Values.CopyTo(queues, 0);
            _endpoints.Clear();
            foreach (PendingUrb urb in _inFlight.Values)
            {
                _outBytesInFlight -= urb.ReleaseOutData();
            }

            _inFlight.Clear();
        }

        foreach (EndpointQueue queue in queues)
        {
            queue.Urbs.Writer.TryComplete();
            await queue.Worker.ConfigureAwait(false);
        }

        // Detach: the device engine sees its link go down once, then waits for the next attach.
        await _device.HostLink.ResetAsync(CancellationToken.None).ConfigureAwait(false);
        _server.ReleaseImport(this);
        _logger.LogInformation("usbip {Peer}: import {Import}: detached", Peer, _importNumber);
        _server.RaiseDetached(_importNumber);
        session.Dispose();
    }

    private async Task HandleUrbMessageAsync(byte[] header, CancellationToken stop)
    {
        uint command = UsbIpWire.ReadU32(header, UsbIpWire.CommandOffset);
        uint seqNum = UsbIpWire.ReadU32(header, UsbIpWire.SeqNumOffset);
        switch (command)
        {
            case UsbIpWire.CmdSubmit:
                await HandleSubmitAsync(header, seqNum, stop).ConfigureAwait(false);
                return;
            case UsbIpWire.CmdUnlink:
                await HandleUnlinkAsync(seqNum, UsbIpWire.ReadU32(header, UsbIpWire.UnlinkSeqNumOffset)).ConfigureAwait(false);
                return;
            default:
                throw new UsbIpProtocolException($"unknown URB command {command}");
        }
    }

    private async Task HandleSubmitAsync(byte[] header, uint seqNum, CancellationToken stop)
    {
        uint direction = UsbIpWire.ReadU32(header, UsbIpWire.DirectionOffset);
        uint endpoint = UsbIpWire.ReadU32(header, UsbIpWire.EndpointOffset);
        uint claimedLength = UsbIpWire.ReadU32(header, UsbIpWire.TransferBufferLengthOffset);
        uint packets = UsbIpWire.ReadU32(header, UsbIpWire.NumberOfPacketsOffset);
        if (direction > UsbIpWire.DirectionIn || endpoint > 15)
        {
            throw new UsbIpProtocolException($"CMD_SUBMIT {seqNum}: direction {direction} / endpoint {endpoint} out of range");
        }

        if (packets != 0 && packets != UsbIpWire.NotIsochronous)
        {
            throw new UsbIpProtocolException($"CMD_SUBMIT {seqNum}: isochronous ({packets} packets); the device has no isochronous endpoint");
        }

        if (claimedLength > (uint)_server.Limits.MaxTransferLength)
        {
            throw new UsbIpProtocolException(
                $"CMD_SUBMIT {seqNum}: transfer_buffer_length {claimedLength} over the limit of {_server.Limits.MaxTransferLength}");
        }

        int length = (int)claimedLength;
        int outLength = direction == UsbIpWire.DirectionOut ? length : 0;
        lock (_stateLock)
        {
            if (_inFlight.ContainsKey(seqNum))
            {
                throw new UsbIpProtocolException($"CMD_SUBMIT reuses seqnum {seqNum} while that URB is in flight");
            }

            if (_inFlight.Count >= _server.Limits.MaxUrbsInFlight)
            {
                throw new UsbIpProtocolException($"more than {_server.Limits.MaxUrbsInFlight} URBs in flight");
            }

            // Charged before a byte of it is read: the claim is bounded by this, so the buffer is allocated whole.
            if (_outBytesInFlight + outLength > _server.Limits.MaxOutBytesInFlight)
            {
                throw new UsbIpProtocolException(
                    $"CMD_SUBMIT {seqNum}: {outLength} bytes of OUT data on top of {_outBytesInFlight} in flight, over the limit of {_server.Limits.MaxOutBytesInFlight}");
            }

            _outBytesInFlight += outLength;
            if (_outBytesInFlight > Interlocked.Read(ref _peakOutBytesInFlight))
            {
                Interlocked.Exchange(ref _peakOutBytesInFlight, _outBytesInFlight);
                _server.NoteOutBytes(_outBytesInFlight);
            }
        }

        byte[] outData;
        try
        {
            outData = outLength > 0 ? await ReadPayloadAsync(length, stop).ConfigureAwait(false) : Array.Empty<byte>();
        }
        catch
        {
            ReleaseOutBytes(outLength);
            throw;
        }

        if (endpoint == 0)
        {
            ReleaseOutBytes(outLength);
            await AnswerControlAsync(header, seqNum, direction, length).ConfigureAwait(false);
            return;
        }

        byte address = (byte)(endpoint | (direction == UsbIpWire.DirectionIn ? 0x80u : 0u));
        if (_control.Configuration == 0 || !_control.HasDataEndpoint(address) || _control.IsHalted(address))
        {
            ReleaseOutBytes(outLength);
            _logger.LogWarning("usbip {Peer}: CMD_SUBMIT {Seq} for endpoint 0x{Address:x2}, which {Problem}: stalled", Peer, seqNum, address,
                _control.Configuration == 0 ? "is not usable before SET_CONFIGURATION" : "does not exist");
            await WriteAsync(UsbIpWire.RetSubmitMessage(seqNum, UsbIpWire.ErrorPipe, ReadOnlySpan<byte>.Empty, 0)).ConfigureAwait(false);
            return;
        }

        var urb = new PendingUrb(seqNum, address, length, outData, _session!.Token)
        {
            ZeroPacket = (UsbIpWire.ReadU32(header, UsbIpWire.TransferFlagsOffset) & UsbIpWire.UrbZeroPacket) != 0,
        };
        EndpointQueue queue;
        lock (_stateLock)
        {
            _inFlight.Add(seqNum, urb);
            if (!_endpoints.TryGetValue(address, out queue!))
            {
                queue = new EndpointQueue(address);
                _endpoints.Add(address, queue);
                CancellationToken session = _session.Token;
                queue.Worker = Task.Run(() => RunEndpointAsync(queue, session));
            }
        }

        queue.Urbs.Writer.TryWrite(urb);
    }

    private async Task AnswerControlAsync(byte[] header, uint seqNum, uint direction, int length)
    {
        ControlResult result = _control.Handle(header.AsSpan(UsbIpWire.SetupOffset, UsbIpWire.SetupSize));
        byte[] message;
        if (result.Stalled)
        {
            _logger.LogDebug("usbip {Peer}: control request {Setup} stalled", Peer, Convert.ToHexString(header, UsbIpWire.SetupOffset, UsbIpWire.SetupSize));
            message = UsbIpWire.RetSubmitMessage(seqNum, UsbIpWire.ErrorPipe, ReadOnlySpan<byte>.Empty, 0);
        }
        else if (direction == UsbIpWire.DirectionIn)
        {
            int take = Math.Min(length, result.Data.Length);
            message = UsbIpWire.RetSubmitMessage(seqNum, 0, result.Data.AsSpan(0, take), 0);
        }
        else
        {
            message = UsbIpWire.RetSubmitMessage(seqNum, 0, ReadOnlySpan<byte>.Empty, length);
        }

        await WriteAsync(message).ConfigureAwait(false);
    }

    private async Task HandleUnlinkAsync(uint seqNum, uint target)
    {
        PendingUrb? urb = null;
        await _write.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_stateLock)
            {
                if (_inFlight.Remove(target, out urb))
                {
                    urb.Unlinked = true;
                    // Its data goes now, not when the endpoint's worker reaches it in the queue: a client that unlinks
                    // and resubmits faster than the device reads cannot pile up URBs' worth of memory.
                    _outBytesInFlight -= urb.ReleaseOutData();
                }
            }

            urb?.Cancel.Cancel();
            // -ECONNRESET: the URB was unlinked and gets no RET_SUBMIT; 0: it had completed already.
            _logger.LogDebug("usbip {Peer}: unlink of {Target}: {Outcome}", Peer, target, urb != null ? "cancelled" : "already done");
            await _stream.WriteAsync(UsbIpWire.RetUnlinkMessage(seqNum, urb != null ? UsbIpWire.ErrorConnectionReset : 0)).ConfigureAwait(false);
        }
        finally
        {
            _write.Release();
        }
    }

    private async Task RunEndpointAsync(EndpointQueue queue, CancellationToken session)
    {
        try
        {
            await foreach (PendingUrb urb in queue.Urbs.Reader.ReadAllAsync(session).ConfigureAwait(false))
            {
                await RunUrbAsync(queue, urb).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The import ended.
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            _logger.LogDebug("usbip {Peer}: endpoint 0x{Address:x2} stopped: {Reason}", Peer, queue.Address, e.Message);
        }
    }

    private async Task RunUrbAsync(EndpointQueue queue, PendingUrb urb)
    {
        byte[]? outData = urb.OutData;
        if (urb.Cancel.IsCancellationRequested || (!urb.IsIn && outData == null))
        {
            return;
        }

        byte[] inData = Array.Empty<byte>();
        int status = 0;
        try
        {
            if (urb.IsIn)
            {
                inData = await ReadInAsync(queue, urb).ConfigureAwait(false);
                if (inData.Length == 0 && urb.Length > 0)
                {
                    status = ErrorShutdown;
                }
            }
            else if (urb.EndpointAddress == UsbDescriptorBuilder.InterruptOutAddress && urb.Length > UsbDescriptorBuilder.InterruptMaxPacket)
            {
                _logger.LogWarning("usbip {Peer}: interrupt OUT URB {Seq} of {Length} bytes: an HSS command is one packet of at most {Max}",
                    Peer, urb.SeqNum, urb.Length, UsbDescriptorBuilder.InterruptMaxPacket);
                status = ErrorMessageSize;
            }
            else if (urb.EndpointAddress == UsbDescriptorBuilder.InterruptOutAddress)
            {
                await _device.HostLink.WriteCommandAsync(outData, urb.Cancel.Token).ConfigureAwait(false);
            }
            else if (_device.HostLink is IUsbPacketLink packets)
            {
                await packets.WriteTransferAsync(urb.OutData, urb.ZeroPacket, urb.Cancel.Token).ConfigureAwait(false);
            }
            else
            {
                await _device.HostLink.WriteDataAsync(outData, urb.Cancel.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Unlinked (answered by RET_UNLINK) or the import ended: no RET_SUBMIT.
            return;
        }
        catch (IOException e)
        {
            _logger.LogInformation("usbip {Peer}: endpoint 0x{Address:x2}: {Reason}", Peer, urb.EndpointAddress, e.Message);
            status = ErrorShutdown;
        }

        await _write.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_stateLock)
            {
                if (urb.Unlinked)
                {
                    if (inData.Length > 0)
                    {
                        queue.SetCarry(inData);
                    }

                    return;
                }

                urb.Completed = true;
                _inFlight.Remove(urb.SeqNum);
                _outBytesInFlight -= urb.ReleaseOutData();
            }

            await _stream.WriteAsync(UsbIpWire.RetSubmitMessage(urb.SeqNum, status, inData, status == 0 && !urb.IsIn ? urb.Length : 0))
                .ConfigureAwait(false);
        }
        finally
        {
            _write.Release();
            urb.Cancel.Dispose();
        }
    }

    private async Task<byte[]> ReadInAsync(EndpointQueue queue, PendingUrb urb)
    {
        if (urb.Length == 0)
        {
            return Array.Empty<byte>();
        }

        if (queue.HasCarry)
        {
            return queue.TakeCarry(urb.Length);
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(urb.Length);
        try
        {
            int read = _device.HostLink is IUsbPacketLink packets
                ? await packets.ReadTransferAsync(buffer.AsMemory(0, urb.Length), urb.Cancel.Token).ConfigureAwait(false)
                : urb.EndpointAddress == UsbDescriptorBuilder.BulkInAddress
                ? await _device.HostLink.ReadDataAsync(buffer.AsMemory(0, urb.Length), urb.Cancel.Token).ConfigureAwait(false)
                : await _device.HostLink.ReadCommandAsync(buffer.AsMemory(0, urb.Length), urb.Cancel.Token).ConfigureAwait(false);
            return buffer.AsSpan(0, read).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads an OUT URB's data into one buffer of its length (already charged against
    /// <see cref="UsbIpLimits.MaxOutBytesInFlight"/>, so a claim allocates at most that).</summary>
    private async Task<byte[]> ReadPayloadAsync(int length, CancellationToken stop)
    {
        var buffer = new byte[length];
        int received = 0;
        while (received < length)
        {
            int read = await _stream.ReadAsync(buffer.AsMemory(received, buffer.Length - received), stop).ConfigureAwait(false);
            if (read == 0)
            {
                throw new UsbIpProtocolException($"connection dropped mid-message ({received} of {length} data bytes)");
            }

            received += read;
        }

        return buffer;
    }

    /// <summary>Reads the first 4 bytes of a message; false on a clean end of stream before any of them. The message
    /// must start within `timeout` (a silent connection does not hold a place for ever).</summary>
    private async Task<bool> ReadMessageStartAsync(byte[] header, CancellationToken stop, TimeSpan timeout)
    {
        int read;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop))
        {
            deadline.CancelAfter(timeout);
            try
            {
                read = await _stream.ReadAsync(header.AsMemory(0, 4), deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                throw new UsbIpProtocolException($"no request within {timeout.TotalSeconds} s of connecting");
            }
        }

        if (read == 0)
        {
            return false;
        }

        await ReadExactlyAsync(header, read, 4 - read, stop).ConfigureAwait(false);
        return true;
    }

    private void ReleaseOutBytes(long bytes)
    {
        lock (_stateLock)
        {
            _outBytesInFlight -= bytes;
        }
    }

    private async Task ReadExactlyAsync(byte[] buffer, int offset, int count, CancellationToken stop)
    {
        while (count > 0)
        {
            int read = await _stream.ReadAsync(buffer.AsMemory(offset, count), stop).ConfigureAwait(false);
            if (read == 0)
            {
                throw new UsbIpProtocolException("connection dropped mid-message");
            }

            offset += read;
            count -= read;
        }
    }

    private async Task WriteAsync(byte[] message)
    {
        await _write.WaitAsync().ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(message).ConfigureAwait(false);
        }
        finally
        {
            _write.Release();
        }
    }
}
