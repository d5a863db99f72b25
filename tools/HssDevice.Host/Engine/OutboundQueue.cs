using System;
using System.Threading;
using System.Threading.Tasks;

namespace HssDevice.Host;

/// <summary>
/// The bound on what the host has queued towards one device and not yet written (answers, host requests, data):
/// bytes and packets, each packet charged at least <see cref="MinimumCharge"/> bytes so that empty packets are not
/// free. Queuing itself never fails (it happens while a packet from the device is handled); instead the device's
/// readers call <see cref="WaitForRoomAsync"/> before each read, so a device that does not read its answers stops
/// being read (back-pressure, as a USB endpoint NAKs). What one read can add on top is bounded by the read buffer.
/// </summary>
internal sealed class OutboundQueue(int maxBytes, int maxPackets)
{
    /// <summary>Bytes charged for every packet at least: its buffer, its queue slot and bookkeeping.</summary>
    public const int MinimumCharge = 64;

    private readonly object _lock = new();
    private long _bytes;
    private int _packets;
    private long _written;
    private TaskCompletionSource? _room;

    public static int ChargeOf(int length) => length < MinimumCharge ? MinimumCharge : length;

    public long Bytes
    {
        get { lock (_lock) { return _bytes; } }
    }

    public int Packets
    {
        get { lock (_lock) { return _packets; } }
    }

    public bool IsFull
    {
        get { lock (_lock) { return FullLocked(); } }
    }

    /// <summary>Which bound is reached (for the log and counters), or null.</summary>
    public string? FullBound
    {
        get
        {
            lock (_lock)
            {
                return _bytes >= maxBytes ? HostLimitNames.OutboundBytes : _packets >= maxPackets ? HostLimitNames.OutboundPackets : null;
            }
        }
    }

    public void Charge(int length)
    {
        lock (_lock)
        {
            _bytes += ChargeOf(length);
            _packets++;
        }
    }

    public void Discharge(int length)
    {
        TaskCompletionSource? room = null;
        lock (_lock)
        {
            _bytes -= ChargeOf(length);
            _packets--;
            _written++;
            if (!FullLocked())
            {
                room = _room;
                _room = null;
            }
        }

        room?.TrySetResult();
    }

    /// <summary>
    /// Waits until the queue is below both bounds. False when no packet at all was written for `stallTimeout` while
    /// it was full: the device takes nothing (plainly misbehaving, or gone without the link noticing).
    /// </summary>
    public async Task<bool> WaitForRoomAsync(TimeSpan stallTimeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task room;
            long writtenBefore;
            lock (_lock)
            {
                if (!FullLocked())
                {
                    return true;
                }

                _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                room = _room.Task;
                writtenBefore = _written;
            }

            try
            {
                await room.WaitAsync(stallTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                lock (_lock)
                {
                    if (_written == writtenBefore && FullLocked())
                    {
                        return false;
                    }
                }
            }
        }
    }

    private bool FullLocked() => _bytes >= maxBytes || _packets >= maxPackets;
}
