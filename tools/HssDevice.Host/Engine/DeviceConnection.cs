using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host.Links;
using HssDevice.Wire;
using Microsoft.Extensions.Logging;

namespace HssDevice.Host;

/// <summary>
/// One attached device: its link, its socket table (keyed by the handles it chose, so it can reach only its own
/// sockets, docs/protocol.md section 11), its outstanding host requests, and the loops that read and write the link.
/// Created by <see cref="HssHost.Attach"/>; <see cref="Completion"/> ends when the link goes down or is disposed.
/// </summary>
public sealed partial class DeviceConnection : IAsyncDisposable
{
    private readonly HssHostSettings _settings;
    private const int DataReadBytes = 16 * 1024;

    private readonly IHostLink _link;
    private readonly ILogger _log;
    private readonly object _lock = new();
    private readonly Dictionary<uint, HostSocket> _sockets = new();
    private readonly PendingRequestTable<PendingHostRequest> _pending;
    private readonly CancellationTokenSource _stop = new();
    private readonly LinkWriter _writer;
    private readonly HostPacketFramer _reassembler;
    private readonly ByteWindow _hostToDeviceBudget;
    private readonly MsgIdCounter _msgIds = new();
    private readonly HssHost _host;
    private readonly BufferBudget _deviceToHostBudget;
    private readonly FairSharePool.Member _descriptors;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastActivity = Stopwatch.GetTimestamp();
    private int _packetsSeen;
    private int _generation;
    private int _stopped;
    private int _started;

    // The packet deadline: when the packet now being assembled (or skipped) began; 0 between packets, and while the
    // host itself is not reading the device (back-pressure is not the device's delay).
    private long _packetBegunAt;

    internal DeviceConnection(string name, IHostLink link, HssHostSettings settings, ILogger log, HssHost host, string? sourceKey = null)
    {
        Name = name;
        _host = host;
        SourceKey = sourceKey;
        _pending = new PendingRequestTable<PendingHostRequest>(settings.MaxPendingRequestsPerDevice);
        _deviceToHostBudget = new BufferBudget(settings.MaxBufferedBytesPerDevice, settings.MaxQueuedItemsPerDevice,
            HostLimitNames.BufferedBytes, HostLimitNames.QueuedItems, host.BufferPool, HostLimitNames.HostBufferBytes);
        _descriptors = host.DescriptorPool.Join(settings.MaxSocketsPerDevice);
        _link = link;
        _settings = settings;
        var ownLog = new LogBudget(RateLimitedLogger.MaxPerWindow, RateLimitedLogger.Window, held =>
            log.LogWarning("device {Device}: {Count} log messages held back (more than {Max} per {Window} s)", name, held,
                RateLimitedLogger.MaxPerWindow, RateLimitedLogger.Window.TotalSeconds));
        _log = new RateLimitedLogger(log, ownLog, host.LogBudget, () => Interlocked.Increment(ref Counters.suppressedLogMessages));
        _reassembler = new HostPacketFramer(settings.MaxDeviceTransmitPayload);
        _hostToDeviceBudget = new ByteWindow(settings.MaxHostToDeviceBytesPerDevice);
        _writer = new LinkWriter(link, settings.PackDataPackets, settings.MaxDataTransferBytes, () => Volatile.Read(ref _generation),
            new OutboundQueue(settings.MaxOutboundBytesPerDevice, settings.MaxOutboundPacketsPerDevice));
    }

    public string Name { get; }

    public IHostLink Link => _link;

    public DeviceCounters Counters { get; } = new();

    /// <summary>Ends (never faults) when the device is gone: link down, link ended by a reset, or disposed. Pending from
    /// the moment the connection exists (not only once it has started), so nobody sees a new device as already gone.</summary>
    public Task Completion => _done.Task;

    /// <summary>When the device was attached (a <see cref="Stopwatch"/> timestamp).</summary>
    public long AttachedAt { get; } = Stopwatch.GetTimestamp();

    public TimeSpan AttachedFor => Stopwatch.GetElapsedTime(AttachedAt);

    /// <summary>The device has sent at least one whole packet (it speaks HSS; it is no longer evicted for a newcomer).</summary>
    public bool HasCompletedPacket => Volatile.Read(ref _packetsSeen) != 0;

    /// <summary>The remote party it connected from (an address, or an IPv6 /64), for the per-address limit; null for local links.</summary>
    public string? SourceKey { get; }

    /// <summary>Descriptors its OS sockets hold (counted against the host's descriptor budget).</summary>
    public long Descriptors => _descriptors.Held;

    internal bool IsStopping => Volatile.Read(ref _stopped) != 0;

    /// <summary>Bytes have come from the device (read by the host, or waiting in a TCP link's socket), whole packet or not.</summary>
    internal bool HasSentBytes => Volatile.Read(ref _bytesRead) != 0 || (_link is StreamHostLink stream && stream.HasUnreadBytes);

    private int _bytesRead;

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

    /// <summary>Device-to-host bytes held for the device's OS sockets (each item charged at least 64).</summary>
    public long BufferedBytes => _deviceToHostBudget.Bytes;

    /// <summary>Bytes queued towards the device, not yet taken by the link (each packet charged at least 64).</summary>
    public long OutboundBytes => _writer.Queue.Bytes;

    /// <summary>Host requests awaiting the device's answer.</summary>
    public int PendingRequests
    {
        get { lock (_lock) { return _pending.Count; } }
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
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            // Never started: nothing runs that would end it.
            _done.TrySetResult();
        }

        await Completion.ConfigureAwait(false);
    }

    internal void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return; // disposed before it started
        }

        _log.LogInformation("device {Device} attached over {Link}", Name, _link.Description);
        _ = RunAsync();
    }

    /// <summary>Disconnects the device to make room for another (it has not sent a whole packet yet).</summary>
    internal void Evict(string reason)
    {
        ReportLimit(HostLimitNames.Devices, "evicted to make room for a newcomer: attached without a whole packet");
        StopReason ??= reason;
        _ = StopAsync(reason);
    }

    private async Task RunAsync()
    {
        try
        {
            await RunLoopsAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.LogError(e, "device {Device}: the connection failed", Name);
        }
        finally
        {
            _done.TrySetResult();
        }
    }

    private async Task RunLoopsAsync()
    {
        var loops = new List<Task> { DataReadLoopAsync(), WatchTimeoutsAsync() };
        loops.AddRange(_writer.Start(_stop.Token));
        if (_link.HasCommandPipe)
        {
            loops.Add(CommandReadLoopAsync());
        }

        Task first = await Task.WhenAny(loops).ConfigureAwait(false);
        string reason = StopReason ?? (first.IsFaulted ? "link failed: " + first.Exception!.GetBaseException().Message : "link down");
        await StopAsync(reason).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Loops end with cancellation or the link's own error once stopped; the reason is logged already.
        }

        // What was queued towards the device and never written goes back to the pool.
        _writer.DrainAfterStop();
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
            if (!await WaitForOutboundRoomAsync().ConfigureAwait(false))
            {
                return;
            }

            int read = await _link.ReadCommandAsync(buffer, _stop.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            HandlePacket(packet, buffer, 0, read);
        }
    }

    private async Task DataReadLoopAsync()
    {
        // A read returns one transfer at most; packets lying whole in it are handled in place, every one of the read
        // before the next read; the framer joins packets split across reads. 16 KiB (the host's own largest transfer)
        // rather than 64: an idle device keeps this read pending, so the size is memory per device.
        byte[] buffer = new byte[DataReadBytes];
        var packet = new HssPacket();
        while (true)
        {
            if (_writer.Queue.FullBound != null)
            {
                // The host stops reading: a packet the device is sending meanwhile is not late by its fault.
                bool partial = Volatile.Read(ref _packetBegunAt) != 0;
                Volatile.Write(ref _packetBegunAt, 0);
                if (!await WaitForOutboundRoomAsync().ConfigureAwait(false))
                {
                    return;
                }

                if (partial)
                {
                    Volatile.Write(ref _packetBegunAt, Stopwatch.GetTimestamp());
                }
            }

            int read = await _link.ReadDataAsync(buffer, _stop.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            Volatile.Write(ref _bytesRead, 1);
            int offset = 0;
            bool completed = false;
            while (offset < read)
            {
                offset += _reassembler.Feed(buffer, offset, read - offset);
                if (_reassembler.HasPacket)
                {
                    completed = true;
                    HandlePacket(packet, _reassembler.PacketBuffer, _reassembler.PacketOffset, _reassembler.PacketLength);
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

            // Bytes of a packet not yet whole start its deadline; only whole packets are activity.
            if (_reassembler.Pending == 0)
            {
                Volatile.Write(ref _packetBegunAt, 0);
            }
            else if (completed || Volatile.Read(ref _packetBegunAt) == 0)
            {
                Volatile.Write(ref _packetBegunAt, Stopwatch.GetTimestamp());
            }
        }
    }

    /// <summary>Decodes one packet and acts on it. The buffer is reused after this returns: payloads are copied out.</summary>
    private void HandlePacket(HssPacket packet, byte[] buffer, int offset, int length)
    {
        NoteActivity();
        if (Volatile.Read(ref _packetsSeen) == 0)
        {
            Interlocked.Exchange(ref _packetsSeen, 1);
        }

        int status = packet.Decode(buffer, offset, length, _settings.MaxDeviceTransmitPayload);
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

    /// <summary>docs/protocol.md section 11: drop and count; a request whose header could be read is answered EINVAL.</summary>
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

    /// <summary>Counts a limit hit in <see cref="DeviceCounters.LimitHits"/> and logs it the first time for this device.</summary>
    internal void ReportLimit(string limit, string what)
    {
        if (Counters.RecordLimitHit(limit))
        {
            _log.LogWarning("device {Device}: limit {Limit} reached: {What} (logged once per device; counted in LimitHits)", Name, limit, what);
        }
    }

    private void NoteActivity() => Volatile.Write(ref _lastActivity, Stopwatch.GetTimestamp());

    /// <summary>Back-pressure: before reading more from the device, wait until what the host queued for it is below
    /// its bounds. False (and the device is stopped) when the link took nothing for the stall timeout.</summary>
    private async Task<bool> WaitForOutboundRoomAsync()
    {
        OutboundQueue queue = _writer.Queue;
        string? bound = queue.FullBound;
        if (bound == null)
        {
            return true;
        }

        ReportLimit(bound, $"{queue.Packets} packets / {queue.Bytes} bytes queued towards the device; its pipes are not read until it takes some");
        if (await queue.WaitForRoomAsync(_settings.OutboundStallTimeout, _stop.Token).ConfigureAwait(false))
        {
            return true;
        }

        ReportLimit(HostLimitNames.OutboundStall, $"the device took no packet for {_settings.OutboundStallTimeout}; disconnecting it");
        StopReason ??= "limit " + HostLimitNames.OutboundStall + ": the device reads none of the host's packets";
        return false;
    }

    /// <summary>
    /// Disconnects a device that sends no whole first packet in time (a half header, or nothing), that takes longer than
    /// the packet timeout to finish a packet it began (a trickle), or that stays idle (no packet from it and no byte
    /// moved on its sockets). The first-packet deadline is known at attach and is enforced at its time; the others are
    /// checked at least every <see cref="MaxCheckPeriod"/> (or a quarter of the shortest timeout, if shorter).
    /// </summary>
    private async Task WatchTimeoutsAsync()
    {
        TimeSpan first = _settings.FirstPacketTimeout;
        TimeSpan idle = _settings.IdleTimeout;
        TimeSpan packet = _settings.PacketTimeout;
        bool watchFirst = first != Timeout.InfiniteTimeSpan;
        bool watchIdle = idle != Timeout.InfiniteTimeSpan;
        bool watchPacket = packet != Timeout.InfiniteTimeSpan;
        if (!watchFirst && !watchIdle && !watchPacket)
        {
            await Task.Delay(Timeout.Infinite, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            return;
        }

        TimeSpan period = MaxCheckPeriod;
        foreach ((bool watched, TimeSpan timeout) in new[] { (watchIdle, idle), (watchPacket, packet) })
        {
            if (watched && timeout / 4 < period)
            {
                period = TimeSpan.FromTicks(Math.Max(timeout.Ticks / 4, TimeSpan.FromMilliseconds(5).Ticks));
            }
        }

        try
        {
            while (true)
            {
                TimeSpan sinceAttach = AttachedFor;
                if (watchFirst && !HasCompletedPacket && sinceAttach >= first)
                {
                    ReportLimit(HostLimitNames.FirstPacket, $"no whole packet within {first}; disconnecting");
                    StopReason ??= "limit " + HostLimitNames.FirstPacket + ": no whole packet in time";
                    return;
                }

                long begun = Volatile.Read(ref _packetBegunAt);
                if (watchPacket && begun != 0 && Stopwatch.GetElapsedTime(begun) >= packet)
                {
                    ReportLimit(HostLimitNames.Packet, $"a packet begun {packet} ago is still not whole ({_reassembler.Pending} bytes of it so far); disconnecting");
                    StopReason ??= "limit " + HostLimitNames.Packet + ": a packet not whole in time";
                    return;
                }

                if (watchIdle && Stopwatch.GetElapsedTime(Volatile.Read(ref _lastActivity)) >= idle)
                {
                    ReportLimit(HostLimitNames.Idle, $"nothing from the device and no byte on its sockets for {idle}; disconnecting");
                    StopReason ??= "limit " + HostLimitNames.Idle + ": idle";
                    return;
                }

                TimeSpan wait = period;
                if (watchFirst && !HasCompletedPacket && first - sinceAttach < wait)
                {
                    // Wake at the first-packet deadline itself, not at the next check after it.
                    wait = first - sinceAttach;
                }

                await Task.Delay(wait + TimeSpan.FromMilliseconds(1), _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Longest time between two checks of the packet and idle timeouts (so each fires at most this late).</summary>
    internal static readonly TimeSpan MaxCheckPeriod = TimeSpan.FromMilliseconds(500);
}
