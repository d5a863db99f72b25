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
/// Sync callers (the device end) block on the pipe's monitor; the async host end awaits a task; both are woken by
/// the same changes.
/// </summary>
internal sealed class UsbPipe : IBusClockWaiter
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
    private int _syncWaiters;
    private long _clockArmedAt;
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
        CheckTransferLength(data.Length);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (data.Length > 0)
            {
                int length = NextTransferLength(data.Span);
                int generation;
                while (!TryReserve(length, out generation, out Task? changed))
                {
                    await changed!.WaitAsync(cancellationToken).ConfigureAwait(false);
                }

                Commit(data.Slice(0, length), generation);
                data = data.Slice(length);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The device end's blocking write: waits on the pipe's own monitor, so a device thread is woken directly
    /// by the reader that made room (no thread-pool continuation per wait, which would be charged to the host).</summary>
    public void Write(byte[] buffer, int offset, int count)
    {
        CheckTransferLength(count);
        _writeLock.Wait();
        try
        {
            var data = new ReadOnlyMemory<byte>(buffer, offset, count);
            while (data.Length > 0)
            {
                int length = NextTransferLength(data.Span);
                int generation;
                lock (_lock)
                {
                    while (!TryReserveLocked(length, out generation))
                    {
                        WaitLocked();
                    }
                }

                Commit(data.Slice(0, length), generation);
                data = data.Slice(length);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

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
                TaskCompletionSource? signal;
                int copied;
                lock (_lock)
                {
                    int status = TryReadLocked(buffer.Span, wholeTransfer, out copied, out signal);
                    if (status == ReadEnded)
                    {
                        return 0;
                    }

                    changed = status == ReadCopied ? Task.CompletedTask : Changed();
                }

                if (copied > 0)
                {
                    Complete(signal);
                    return copied;
                }

                // Nothing readable yet: woken when a transfer arrives (in timing mode by the bus clock, at the time its
                // last packet has crossed the bus), or on a reset or close.
                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _readLock.Release();
        }
    }

    /// <summary>The device end's blocking read, waiting on the pipe's own monitor (see <see cref="Write"/>).</summary>
    public int Read(byte[] buffer, int offset, int count, bool wholeTransfer)
    {
        if (_readerClosedAndNotified)
        {
            throw new ObjectDisposedException(Name, "the link was closed");
        }

        if (count == 0)
        {
            throw new ArgumentException("read buffer is empty");
        }

        _readLock.Wait();
        try
        {
            int copied;
            TaskCompletionSource? signal;
            lock (_lock)
            {
                while (true)
                {
                    int status = TryReadLocked(new Span<byte>(buffer, offset, count), wholeTransfer, out copied, out signal);
                    if (status == ReadEnded)
                    {
                        return 0;
                    }

                    if (status == ReadCopied)
                    {
                        break;
                    }

                    WaitLocked();
                }
            }

            Complete(signal);
            return copied;
        }
        finally
        {
            _readLock.Release();
        }
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

    private const int ReadEnded = 0, ReadCopied = 1, ReadNothing = 2;

    private void CheckTransferLength(int length)
    {
        if (IsInterrupt && length > MaxPacketSize)
        {
            throw new ArgumentException($"{Name}: an interrupt transfer here is one packet of at most {MaxPacketSize} bytes, not {length}");
        }
    }

    private int NextTransferLength(ReadOnlySpan<byte> data) =>
        _splitAtHssPackets && !IsInterrupt ? HssTransferSplitter.FirstTransferLength(data) : data.Length;

    /// <summary>Under the lock: ended (0 to return), copied, or nothing readable yet (the bus clock is armed for a
    /// transfer still crossing the bus).</summary>
    private int TryReadLocked(Span<byte> buffer, bool wholeTransfer, out int copied, out TaskCompletionSource? signal)
    {
        copied = 0;
        signal = null;
        if (_readerClosed || (_down && !_readerWaitsAfterDown && !_resetNotice))
        {
            return ReadEnded;
        }

        if (_resetNotice)
        {
            _resetNotice = false;
            return ReadEnded;
        }

        long arrival = 0;
        copied = CopyOut(buffer, wholeTransfer, ref arrival);
        if (copied > 0)
        {
            // Room was made: wake a writer waiting for it.
            signal = TakeChanged();
            return ReadCopied;
        }

        if (arrival != 0)
        {
            ArmBusClockLocked(arrival);
        }

        return ReadNothing;
    }

    private bool TryReserve(int length, out int generation, out Task? changed)
    {
        lock (_lock)
        {
            if (TryReserveLocked(length, out generation))
            {
                changed = null;
                return true;
            }

            changed = Changed();
            return false;
        }
    }

    private bool TryReserveLocked(int length, out int generation)
    {
        if (_down)
        {
            throw new IOException($"{Name}: the USB link is down");
        }

        generation = _generation;
        if (_queuedBytes == 0 || _queuedBytes + length <= _capacity)
        {
            _queuedBytes += length;
            return true;
        }

        return false;
    }

    /// <summary>A blocking (device-end) waiter under the lock: woken by <see cref="TakeChanged"/>.</summary>
    private void WaitLocked()
    {
        _syncWaiters++;
        try
        {
            Monitor.Wait(_lock);
        }
        finally
        {
            _syncWaiters--;
        }
    }

    /// <summary>Queues one reserved transfer; its reader is woken now, or in timing mode when it has crossed the bus.</summary>
    private void Commit(ReadOnlyMemory<byte> data, int generation)
    {
        int length = data.Length;
        byte[] copy = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        data.CopyTo(copy);
        int packets = UsbPacketizer.PacketCount(length, MaxPacketSize, _sendZeroLengthPackets);
        bool terminated = UsbPacketizer.EndsWithShortPacket(length, MaxPacketSize, _sendZeroLengthPackets);
        long arrival = 0;
        if (_schedule != null)
        {
            arrival = IsInterrupt ? _schedule.ReserveInterrupt(_interruptDirection) : _schedule.ReserveBulk(packets);
        }

        TaskCompletionSource? signal = null;
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
            if (arrival > UsbBusSchedule.Now)
            {
                // The reader is woken once, when the transfer has crossed the bus, not now and again then.
                ArmBusClockLocked(arrival);
            }
            else
            {
                signal = TakeChanged();
            }
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

    /// <summary>Asks the bus clock to wake this pipe's waiters at `arrival` unless an earlier wake is armed already.</summary>
    private void ArmBusClockLocked(long arrival)
    {
        if (_clockArmedAt != 0 && _clockArmedAt <= arrival)
        {
            return;
        }

        _clockArmedAt = arrival;
        BusClock.Schedule(arrival, this);
    }

    /// <summary>The bus clock reached a time this pipe armed: wake its waiters (they look again at what has arrived).</summary>
    void IBusClockWaiter.OnBusTime(long now)
    {
        TaskCompletionSource? signal;
        lock (_lock)
        {
            if (_clockArmedAt != 0 && _clockArmedAt <= now)
            {
                _clockArmedAt = 0;
            }

            signal = TakeChanged();
        }

        Complete(signal);
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

    /// <summary>Under the lock: wakes the blocking waiters now, and returns the async waiters' signal to complete
    /// after the lock is left.</summary>
    private TaskCompletionSource? TakeChanged()
    {
        if (_syncWaiters > 0)
        {
            Monitor.PulseAll(_lock);
        }

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
