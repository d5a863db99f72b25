using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace HssDevice.Host.Emulation;

/// <summary>
/// One direction of an emulated USB pipe (bulk or interrupt): a bounded queue of transfers between one writer side
/// and one reader side. A reader sees transfer boundaries: one read returns bytes of one transfer at most, except
/// that a transfer with no short packet at its end (no ZLP) runs on into the next one, as it does on a real bus.
/// Sync callers (the device end) block on the same waits the async host end awaits.
/// </summary>
internal sealed class UsbPipe
{
    private readonly object _lock = new();
    private readonly Queue<Transfer> _queue = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SemaphoreSlim _readLock = new(1, 1);
    private readonly UsbBusSchedule? _schedule;
    private readonly int _capacity;
    private readonly bool _splitAtHssPackets;
    private readonly bool _sendZeroLengthPackets;
    private readonly bool _readerWaitsAfterDown;
    private readonly int _interruptDirection;
    private TaskCompletionSource? _changed;
    private int _queuedBytes;
    private int _generation;
    private bool _resetNotice;
    private bool _down;
    private bool _readerClosed;
    private volatile bool _readerClosedAndNotified;
    private long _transfers, _packets, _zeroLengthPackets, _bytes, _droppedBytes;

    /// <param name="interruptDirection">-1 for bulk; 0 or 1 selects the interrupt direction's slots.</param>
    /// <param name="readerWaitsAfterDown">The device end: after the link goes down a read returns 0 once, then waits
    /// (IHssLink: later reads wait for the link to come back) until the reader's own end closes.</param>
    public UsbPipe(string name, int maxPacketSize, bool sendZeroLengthPackets, bool splitAtHssPackets, int interruptDirection,
        UsbBusSchedule? schedule, int capacityBytes, bool readerWaitsAfterDown)
    {
        Name = name;
        MaxPacketSize = maxPacketSize;
        _sendZeroLengthPackets = sendZeroLengthPackets;
        _splitAtHssPackets = splitAtHssPackets;
        _interruptDirection = interruptDirection;
        _schedule = schedule;
        _capacity = capacityBytes;
        _readerWaitsAfterDown = readerWaitsAfterDown;
    }

    public string Name { get; }

    public int MaxPacketSize { get; }

    public bool IsInterrupt => _interruptDirection >= 0;

    public event Action<UsbTransferTrace>? TransferSent;

    public UsbPipeStatistics Statistics => new(
        Interlocked.Read(ref _transfers), Interlocked.Read(ref _packets), Interlocked.Read(ref _zeroLengthPackets),
        Interlocked.Read(ref _bytes), Interlocked.Read(ref _droppedBytes));

    /// <summary>Writes one transfer (or, with packing off on a bulk pipe, one per HSS packet it holds).</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (IsInterrupt && data.Length > MaxPacketSize)
        {
            throw new ArgumentException($"{Name}: an interrupt transfer here is one packet of at most {MaxPacketSize} bytes, not {data.Length}");
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (data.Length > 0)
            {
                int length = _splitAtHssPackets && !IsInterrupt ? HssTransferSplitter.FirstTransferLength(data.Span) : data.Length;
                await WriteTransferAsync(data.Slice(0, length), cancellationToken).ConfigureAwait(false);
                data = data.Slice(length);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(new ReadOnlyMemory<byte>(buffer, offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Reads the next bytes: at most one transfer (running on into the next only where no short packet ended it).
    /// wholeTransfer (command pipes): returns one whole transfer; bytes past the buffer are dropped and counted.
    /// Returns 0 when the link is down.
    /// </summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, bool wholeTransfer, CancellationToken cancellationToken)
    {
        if (buffer.Length == 0)
        {
            throw new ArgumentException("read buffer is empty");
        }

        await _readLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                Task changed;
                long arrival = 0;
                TaskCompletionSource? signal = null;
                int copied;
                lock (_lock)
                {
                    if (_readerClosed || (_down && !_readerWaitsAfterDown && !_resetNotice))
                    {
                        return 0;
                    }

                    if (_resetNotice)
                    {
                        _resetNotice = false;
                        return 0;
                    }

                    copied = CopyOut(buffer.Span, wholeTransfer, ref arrival);
                    changed = copied > 0 ? Task.CompletedTask : Changed();
                    if (copied > 0)
                    {
                        signal = TakeChanged();
                    }
                }

                if (copied > 0)
                {
                    Complete(signal);
                    return copied;
                }

                if (arrival == 0)
                {
                    await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // Timing mode: the next transfer is queued but its last packet has not crossed the bus yet.
                    // A reset or close meanwhile is seen once it has (at most a few frames later).
                    await BusClock.WhenReached(arrival).WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _readLock.Release();
        }
    }

    public int Read(byte[] buffer, int offset, int count, bool wholeTransfer)
    {
        if (_readerClosedAndNotified)
        {
            throw new ObjectDisposedException(Name, "the link was closed");
        }

        return ReadAsync(new Memory<byte>(buffer, offset, count), wholeTransfer, CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The link went down (the other end left): writes fail, reads return 0 (the device end: once).</summary>
    public void MarkDown()
    {
        TaskCompletionSource? signal;
        lock (_lock)
        {
            if (_down)
            {
                return;
            }

            _down = true;
            if (_readerWaitsAfterDown)
            {
                _resetNotice = true;
            }

            FlushLocked();
            signal = TakeChanged();
        }

        Complete(signal);
    }

    /// <summary>The reader's own end closed: a blocked read returns 0, later reads throw.</summary>
    public void CloseReader()
    {
        TaskCompletionSource? signal;
        lock (_lock)
        {
            _readerClosed = true;
            _down = true;
            FlushLocked();
            signal = TakeChanged();
        }

        _readerClosedAndNotified = true;
        Complete(signal);
    }

    /// <summary>Drops everything in flight; a device-end reader sees one read of 0 (link down), then the link goes on.</summary>
    public void Reset()
    {
        TaskCompletionSource? signal;
        lock (_lock)
        {
            if (_readerWaitsAfterDown)
            {
                _resetNotice = true;
            }

            FlushLocked();
            signal = TakeChanged();
        }

        Complete(signal);
    }

    private async ValueTask WriteTransferAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        int length = data.Length;
        int generation;
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_down)
                {
                    throw new IOException($"{Name}: the USB link is down");
                }

                if (_queuedBytes == 0 || _queuedBytes + length <= _capacity)
                {
                    _queuedBytes += length;
                    generation = _generation;
                    break;
                }

                changed = Changed();
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        byte[] copy = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        data.CopyTo(copy);
        int packets = UsbPacketizer.PacketCount(length, MaxPacketSize, _sendZeroLengthPackets);
        bool terminated = UsbPacketizer.EndsWithShortPacket(length, MaxPacketSize, _sendZeroLengthPackets);
        long arrival = 0;
        if (_schedule != null)
        {
            arrival = IsInterrupt ? _schedule.ReserveInterrupt(_interruptDirection) : _schedule.ReserveBulk(packets);
        }

        TaskCompletionSource? signal;
        lock (_lock)
        {
            if (generation != _generation || _down)
            {
                // A reset or the link going down came while this transfer waited: it belonged to the old session.
                ArrayPool<byte>.Shared.Return(copy);
                Interlocked.Add(ref _droppedBytes, length);
                return;
            }

            _queue.Enqueue(new Transfer(copy, length, terminated, arrival));
            signal = TakeChanged();
        }

        Interlocked.Increment(ref _transfers);
        Interlocked.Add(ref _packets, packets);
        Interlocked.Add(ref _bytes, length);
        if (length % MaxPacketSize == 0 && _sendZeroLengthPackets)
        {
            Interlocked.Increment(ref _zeroLengthPackets);
        }

        Complete(signal);
        TransferSent?.Invoke(new UsbTransferTrace(Name, length, UsbPacketizer.PacketSizes(length, MaxPacketSize, _sendZeroLengthPackets)));
    }

    /// <summary>Copies what has arrived; when the next transfer has not, sets arrival to when it will (Stopwatch ticks).</summary>
    private int CopyOut(Span<byte> buffer, bool wholeTransfer, ref long arrival)
    {
        int copied = 0;
        while (_queue.Count > 0 && copied < buffer.Length)
        {
            Transfer transfer = _queue.Peek();
            if (transfer.Arrival != 0 && transfer.Arrival > UsbBusSchedule.Now)
            {
                arrival = transfer.Arrival;
                break;
            }

            int take = Math.Min(transfer.Length - transfer.ReadOffset, buffer.Length - copied);
            transfer.Data.AsSpan(transfer.ReadOffset, take).CopyTo(buffer.Slice(copied));
            transfer.ReadOffset += take;
            copied += take;
            if (wholeTransfer && transfer.ReadOffset < transfer.Length)
            {
                // The buffer was smaller than the transfer: the rest is lost, as a USB overflow loses it.
                Interlocked.Add(ref _droppedBytes, transfer.Length - transfer.ReadOffset);
                transfer.ReadOffset = transfer.Length;
            }

            if (transfer.ReadOffset < transfer.Length)
            {
                break;
            }

            _queue.Dequeue();
            _queuedBytes -= transfer.Length;
            ArrayPool<byte>.Shared.Return(transfer.Data);
            if (wholeTransfer || transfer.Terminated)
            {
                break;
            }
        }

        return copied;
    }

    private void FlushLocked()
    {
        while (_queue.Count > 0)
        {
            Transfer transfer = _queue.Dequeue();
            Interlocked.Add(ref _droppedBytes, transfer.Length - transfer.ReadOffset);
            ArrayPool<byte>.Shared.Return(transfer.Data);
        }

        _queuedBytes = 0;
        _generation++;
    }

    private Task Changed()
    {
        _changed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _changed.Task;
    }

    private TaskCompletionSource? TakeChanged()
    {
        TaskCompletionSource? signal = _changed;
        _changed = null;
        return signal;
    }

    private static void Complete(TaskCompletionSource? signal) => signal?.TrySetResult();

    private sealed class Transfer(byte[] data, int length, bool terminated, long arrival)
    {
        public byte[] Data { get; } = data;
        public int Length { get; } = length;
        public bool Terminated { get; } = terminated;
        public long Arrival { get; } = arrival;
        public int ReadOffset { get; set; }
    }
}
