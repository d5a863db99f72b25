using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host.Links;
using HssDevice.Wire;
using Microsoft.Extensions.Logging;

namespace HssDevice.Host;

/// <summary>
/// One attached device: its link, its socket table (keyed by the handles it chose, so it can reach only its own
/// sockets, PROTOCOL.md section 11), its outstanding host requests, and the loops that read and write the link.
/// Created by <see cref="HssHost.Attach"/>; <see cref="Completion"/> ends when the link goes down or is disposed.
/// </summary>
public sealed partial class DeviceConnection : IAsyncDisposable
{
    private readonly HssHostSettings _settings;
    private readonly IHostLink _link;
    private readonly ILogger _log;
    private readonly object _lock = new();
    private readonly Dictionary<uint, HostSocket> _sockets = new();
    private readonly Dictionary<ushort, PendingHostRequest> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly LinkWriter _writer;
    private readonly PacketReassembler _reassembler;
    private readonly ByteWindow _hostToDeviceBudget;
    private readonly MsgIdCounter _msgIds = new();
    private long _deviceToHostBuffered;
    private int _generation;
    private int _stopped;
    private Task? _completion;

    internal DeviceConnection(string name, IHostLink link, HssHostSettings settings, ILogger log)
    {
        Name = name;
        _link = link;
        _settings = settings;
        _log = log;
        _reassembler = new PacketReassembler(settings.MaxDeviceTransmitPayload);
        _hostToDeviceBudget = new ByteWindow(settings.MaxHostToDeviceBytesPerDevice);
        _writer = new LinkWriter(link, settings.PackDataPackets, settings.MaxDataTransferBytes, () => Volatile.Read(ref _generation));
    }

    public string Name { get; }

    public IHostLink Link => _link;

    public DeviceCounters Counters { get; } = new();

    /// <summary>Ends (never faults) when the device is gone: link down, link ended by a reset, or disposed.</summary>
    public Task Completion => _completion ?? Task.CompletedTask;

    /// <summary>Why the connection ended, once it has.</summary>
    public string? StopReason { get; private set; }

    public int SocketCount
    {
        get { lock (_lock) { return _sockets.Count; } }
    }

    /// <summary>Handles of the device's live sockets.</summary>
    public uint[] SocketHandles
    {
        get { lock (_lock) { return new List<uint>(_sockets.Keys).ToArray(); } }
    }

    /// <summary>Host-to-device bytes in flight (sent, not yet ACKed) over all the device's sockets.</summary>
    public int HostToDeviceInFlightTotal => _hostToDeviceBudget.InFlight;

    /// <summary>Host-to-device bytes in flight (sent, not yet ACKed) on one socket; -1 for an unknown handle.</summary>
    public int HostToDeviceInFlight(uint handle)
    {
        lock (_lock)
        {
            return _sockets.TryGetValue(handle, out HostSocket? socket) ? socket.Window.InFlight : -1;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync("disposed").ConfigureAwait(false);
        await Completion.ConfigureAwait(false);
    }

    internal void Start()
    {
        _log.LogInformation("device {Device} attached over {Link}", Name, _link.Description);
        _completion = RunAsync();
    }

    private async Task RunAsync()
    {
        var loops = new List<Task> { DataReadLoopAsync() };
        loops.AddRange(_writer.Start(_stop.Token));
        if (_link.HasCommandPipe)
        {
            loops.Add(CommandReadLoopAsync());
        }

        Task first = await Task.WhenAny(loops).ConfigureAwait(false);
        string reason = first.IsFaulted ? "link failed: " + first.Exception!.GetBaseException().Message : "link down";
        await StopAsync(reason).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Loops end with cancellation or the link's own error once stopped; the reason is logged already.
        }
    }

    private async Task StopAsync(string reason)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        StopReason ??= reason;
        _log.LogInformation("device {Device} detached: {Reason}", Name, reason);
        _stop.Cancel();
        _writer.Complete();
        DropAllSockets();
        await _link.DisposeAsync().ConfigureAwait(false);
    }

    private async Task CommandReadLoopAsync()
    {
        byte[] buffer = new byte[HssLayout.MaxCommandPacket];
        var packet = new HssPacket();
        while (true)
        {
            int read = await _link.ReadCommandAsync(buffer, _stop.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            HandlePacket(packet, buffer, read);
        }
    }

    private async Task DataReadLoopAsync()
    {
        byte[] buffer = new byte[64 * 1024];
        var packet = new HssPacket();
        while (true)
        {
            int read = await _link.ReadDataAsync(buffer, _stop.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            int offset = 0;
            while (offset < read)
            {
                offset += _reassembler.Feed(buffer, offset, read - offset);
                if (_reassembler.HasPacket)
                {
                    HandlePacket(packet, _reassembler.PacketBuffer, _reassembler.PacketLength);
                    _reassembler.Release();
                }
                else if (_reassembler.FramingLost)
                {
                    // The rest of this read cannot be framed; a USB link starts again at the next transfer.
                    if (!await ResetLinkAsync(DecodeStatus.Describe(_reassembler.FramingError)).ConfigureAwait(false))
                    {
                        return;
                    }

                    break;
                }
            }
        }
    }

    /// <summary>Decodes one packet and acts on it. The buffer is reused after this returns: payloads are copied out.</summary>
    private void HandlePacket(HssPacket packet, byte[] buffer, int length)
    {
        int status = packet.Decode(buffer, 0, length, _settings.MaxDeviceTransmitPayload);
        if (status != DecodeStatus.Ok)
        {
            HandleBadPacket(packet, status, length);
            return;
        }

        switch (packet.Opcode)
        {
            case HssOpcode.Open:
                HandleOpen(packet);
                break;
            case HssOpcode.Connect:
                HandleConnect(packet);
                break;
            case HssOpcode.Transmit:
                HandleTransmit(packet);
                break;
            case HssOpcode.Shutdown:
                HandleShutdown(packet);
                break;
            case HssOpcode.Close:
                HandleClose(packet);
                break;
            default:
                HandleAnswer(packet);
                break;
        }
    }

    /// <summary>PROTOCOL.md section 11: drop and count; a request whose header could be read is answered EINVAL.</summary>
    private void HandleBadPacket(HssPacket packet, int status, int length)
    {
        Interlocked.Increment(ref Counters.protocolErrors);
        bool headerRead = length >= HssLayout.HeaderSize;
        _log.LogWarning("device {Device}: dropped a bad packet ({Status}), opcode {Opcode}, {Length} bytes",
            Name, DecodeStatus.Describe(status), headerRead ? HssOpcode.NameOf(packet.Opcode) : "?", length);
        if (HssRules.AnswersBadPacket(packet.Opcode, length))
        {
            AnswerError(packet.Opcode, packet.MsgId, packet.SockId, (byte)HssRules.BadPacketCode);
        }
    }

    /// <summary>Framing lost on the data pipe: every socket of the device is closed, the link is reset.</summary>
    private async Task<bool> ResetLinkAsync(string why)
    {
        Interlocked.Increment(ref Counters.linkResets);
        _log.LogError("device {Device}: data pipe framing lost ({Why}); resetting the link and closing all its sockets", Name, why);
        Interlocked.Increment(ref _generation);
        DropAllSockets();
        bool goesOn = await _link.ResetAsync(_stop.Token).ConfigureAwait(false);
        _reassembler.Reset();
        if (!goesOn)
        {
            StopReason = "link reset: data pipe framing lost (" + why + ")";
        }

        return goesOn;
    }

    /// <summary>Closes every OS socket and fails every outstanding host request, without telling the device.</summary>
    private void DropAllSockets()
    {
        List<HostSocket> sockets;
        List<PendingHostRequest> pending;
        lock (_lock)
        {
            sockets = new List<HostSocket>(_sockets.Values);
            pending = new List<PendingHostRequest>(_pending.Values);
            _sockets.Clear();
            _pending.Clear();
        }

        foreach (HostSocket socket in sockets)
        {
            socket.Dispose();
        }

        foreach (PendingHostRequest request in pending)
        {
            request.Answer?.TrySetCanceled();
        }
    }

    private bool TryGetSocket(uint handle, out HostSocket socket)
    {
        lock (_lock)
        {
            return _sockets.TryGetValue(handle, out socket!);
        }
    }

    private void SendAck(ushort msgId, uint sockId, ushort origOpcode, byte code)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(HssLayout.HeaderSize + HssLayout.AckMinPayloadLength);
        int length = PacketWriter.WriteAck(buffer, 0, msgId, sockId, origOpcode, code);
        _writer.EnqueueCommand(buffer, length);
    }

    /// <summary>The TRANSMIT answer: the 7-byte form with the count (or minus the code), or the reference's 3-byte form.</summary>
    private void SendTransmitAck(ushort msgId, uint sockId, byte code, int count)
    {
        if (!_settings.TransmitAckWithCount)
        {
            SendAck(msgId, sockId, HssOpcode.Transmit, code);
            return;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(HssLayout.HeaderSize + HssLayout.AckWithValuePayloadLength);
        int length = PacketWriter.WriteAckWithValue(buffer, 0, msgId, sockId, HssOpcode.Transmit, code, code == HssError.Success ? count : -code);
        _writer.EnqueueCommand(buffer, length);
    }

    private void AnswerError(ushort opcode, ushort msgId, uint sockId, byte code)
    {
        if (opcode == HssOpcode.Transmit)
        {
            SendTransmitAck(msgId, sockId, code, 0);
        }
        else
        {
            SendAck(msgId, sockId, opcode, code);
        }
    }

    /// <summary>Runs background work of a socket; a failure is logged, never lost.</summary>
    private async void Track(Task work, string what)
    {
        try
        {
            await work.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _log.LogError(e, "device {Device}: {What} failed", Name, what);
        }
    }
}
