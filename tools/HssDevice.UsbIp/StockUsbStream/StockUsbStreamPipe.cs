using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host.Links;

namespace HssDevice.UsbIp.StockUsbStream;

/// <summary>
/// Stock nanoFramework firmware's UsbStream on the Silicon Labs GG11 images, as read in nf-interpreter (not seen on a
/// board), between the USB/IP server (the host end: <see cref="IHostLink"/> and <see cref="IUsbPacketLink"/>) and the
/// device application (<see cref="DeviceStream"/>, which it reads and writes as System.Device.Usb.UsbStream):
/// <list type="bullet">
/// <item>no buffering: the host's OUT packets wait (NAK) until the application reads; a read takes 64-byte packets
/// into its buffer and completes on a short packet, a zero-length packet or a full buffer; a read that times out
/// loses what it had taken;</item>
/// <item>a read must start at a 4-byte aligned offset and ask for whole packets (else ArgumentException, counted);</item>
/// <item>a write returns once the host has taken all of it (or throws TimeoutException after WriteTimeout); the
/// device never sends a zero-length packet, so a write of whole packets leaves the host's IN transfer open;</item>
/// <item>the link is connected while the host has the device configured; a detach or bus reset disconnects it: the
/// application's reads and writes throw InvalidOperationException and <see cref="ConnectionChanged"/> says so.</item>
/// </list>
/// Bounded: at most one host OUT transfer and one application write are held at a time.
/// </summary>
public sealed class StockUsbStreamPipe : IHostLink, IUsbPacketLink
{
    public const int PacketSize = 64;
    public const int ReadAlignment = 4;

    private readonly object _lock = new();
    private readonly Queue<byte[]> _outPackets = new();
    private long _outQueued;
    private long _outTaken;
    private byte[]? _inWrite;
    private int _inOffset;
    private long _inWritesDone;
    private byte[] _inCarry = Array.Empty<byte>();
    private bool _connected;
    private bool _closed;
    private int _generation;
    private TaskCompletionSource _changed = NewSignal();

    public StockUsbStreamPipe()
    {
        DeviceStream = new UsbStreamSide(this);
    }

    /// <summary>Raised (outside the lock) with the new state when the host configures the device or it is detached.</summary>
    public event Action<bool>? ConnectionChanged;

    /// <summary>The application's UsbStream.</summary>
    public UsbStreamSide DeviceStream { get; }

    /// <summary>Reads the firmware would have refused (misaligned offset, count not whole packets).</summary>
    public int RuleViolations { get; private set; }

    /// <summary>Bytes lost by reads that timed out part way through a transfer (the firmware's abort drops them).</summary>
    public long BytesLostToReadTimeouts { get; private set; }

    public bool IsConnected
    {
        get { lock (_lock) { return _connected; } }
    }

    public bool HasCommandPipe => false;

    public string Description => "usb-emulated stock UsbStream (single pipe)";

    /// <summary>The host configured the device with its interface: UsbStream.IsConnected turns true.</summary>
    public void Connect() => SetConnected(true);

    /// <summary>Detach or bus reset: everything in flight is dropped.</summary>
    public void Disconnect() => SetConnected(false);

    public ValueTask WriteCommandAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken) =>
        throw new NotSupportedException("UsbStream has one bulk pair: commands travel on it");

    public ValueTask<int> ReadCommandAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        throw new NotSupportedException("UsbStream has one bulk pair: commands travel on it");

    public ValueTask WriteDataAsync(ReadOnlyMemory<byte> transfer, CancellationToken cancellationToken) =>
        WriteTransferAsync(transfer, false, cancellationToken);

    public ValueTask<int> ReadDataAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        ReadTransferAsync(buffer, cancellationToken);

    public ValueTask<bool> ResetAsync(CancellationToken cancellationToken)
    {
        Disconnect();
        return ValueTask.FromResult(true);
    }

    public ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _closed = true;
            _connected = false;
            PulseLocked();
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask WriteTransferAsync(ReadOnlyMemory<byte> transfer, bool zeroLengthPacket, CancellationToken cancellationToken)
    {
        long last;
        int generation;
        lock (_lock)
        {
            if (!_connected)
            {
                throw new IOException("the device is not configured (its UsbStream is not connected)");
            }

            generation = _generation;
            for (int done = 0; done < transfer.Length; done += PacketSize)
            {
                _outPackets.Enqueue(transfer.Slice(done, Math.Min(PacketSize, transfer.Length - done)).ToArray());
                _outQueued++;
            }

            // A transfer of whole packets (or none) ends with a ZLP only when the host asks for one.
            if (transfer.Length == 0 || (zeroLengthPacket && transfer.Length % PacketSize == 0))
            {
                _outPackets.Enqueue(Array.Empty<byte>());
                _outQueued++;
            }

            last = _outQueued;
            PulseLocked();
        }

        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_generation != generation || !_connected)
                {
                    throw new IOException("the device was detached before it read the transfer");
                }

                if (_outTaken >= last)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask<int> ReadTransferAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }

        int filled = 0;
        try
        {
            while (true)
            {
                Task changed;
                lock (_lock)
                {
                    if (!_connected)
                    {
                        return 0;
                    }

                    if (filled == 0 && _inCarry.Length > 0)
                    {
                        // Bytes an unlinked transfer had taken: they stay first in line, as in the device's FIFO.
                        filled = Math.Min(_inCarry.Length, buffer.Length);
                        _inCarry.AsSpan(0, filled).CopyTo(buffer.Span);
                        _inCarry = _inCarry.AsSpan(filled).ToArray();
                        if (filled % PacketSize != 0 || filled == buffer.Length)
                        {
                            return filled;
                        }
                    }

                    while (_inWrite != null && filled < buffer.Length)
                    {
                        int packet = Math.Min(Math.Min(PacketSize, _inWrite.Length - _inOffset), buffer.Length - filled);
                        _inWrite.AsSpan(_inOffset, packet).CopyTo(buffer.Span.Slice(filled));
                        _inOffset += packet;
                        filled += packet;
                        if (_inOffset == _inWrite.Length)
                        {
                            _inWrite = null;
                            _inWritesDone++;
                            PulseLocked();
                        }

                        if (packet < PacketSize)
                        {
                            return filled; // a short packet ends the transfer
                        }
                    }

                    if (filled == buffer.Length)
                    {
                        return filled;
                    }

                    // Whole packets and no ZLP (the firmware never sends one): the transfer stays open for more.
                    changed = _changed.Task;
                }

                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (filled > 0)
        {
            lock (_lock)
            {
                if (_connected)
                {
                    var kept = new byte[filled + _inCarry.Length];
                    buffer.Span.Slice(0, filled).CopyTo(kept);
                    _inCarry.CopyTo(kept, filled);
                    _inCarry = kept;
                }
            }

            throw;
        }
    }

    private void SetConnected(bool connected)
    {
        lock (_lock)
        {
            if (_closed || _connected == connected)
            {
                return;
            }

            _connected = connected;
            if (!connected)
            {
                _generation++;
                _outPackets.Clear();
                _outTaken = _outQueued;
                _inWrite = null;
                _inCarry = Array.Empty<byte>();
            }

            PulseLocked();
        }

        ConnectionChanged?.Invoke(connected);
    }

    private void PulseLocked()
    {
        Monitor.PulseAll(_lock);
        _changed.TrySetResult();
        _changed = NewSignal();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int DeviceRead(byte[] buffer, int offset, int count, int timeoutMs)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        lock (_lock)
        {
            if (offset < 0 || count <= 0 || offset % ReadAlignment != 0 || count % PacketSize != 0 || offset > buffer.Length - count)
            {
                RuleViolations++;
                throw new ArgumentException($"UsbStream reads at a 4-byte aligned offset, whole 64-byte packets: offset {offset}, count {count}");
            }

            int filled = 0;
            long deadline = timeoutMs <= 0 ? long.MaxValue : Environment.TickCount64 + timeoutMs;
            int generation = _generation;
            while (true)
            {
                if (_closed)
                {
                    throw new ObjectDisposedException(nameof(UsbStreamSide));
                }

                if (!_connected || _generation != generation)
                {
                    throw new InvalidOperationException("the USB host is not connected");
                }

                bool took = false;
                while (_outPackets.Count > 0)
                {
                    byte[] packet = _outPackets.Dequeue();
                    _outTaken++;
                    took = true;
                    packet.CopyTo(buffer, offset + filled);
                    filled += packet.Length;
                    if (packet.Length < PacketSize || filled == count)
                    {
                        PulseLocked();
                        return filled;
                    }
                }

                if (took)
                {
                    PulseLocked();
                }

                long left = deadline - Environment.TickCount64;
                if (left <= 0)
                {
                    BytesLostToReadTimeouts += filled;
                    throw new TimeoutException("no end of transfer within ReadTimeout");
                }

                Monitor.Wait(_lock, (int)Math.Min(left, int.MaxValue));
            }
        }
    }

    private void DeviceWrite(byte[] buffer, int offset, int count, int timeoutMs)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (offset > buffer.Length - count)
        {
            throw new ArgumentException("offset and count lie outside the buffer");
        }

        if (count == 0)
        {
            return;
        }

        lock (_lock)
        {
            long deadline = timeoutMs <= 0 ? long.MaxValue : Environment.TickCount64 + timeoutMs;
            int generation = _generation;
            long mine = -1;
            while (true)
            {
                if (_closed)
                {
                    throw new ObjectDisposedException(nameof(UsbStreamSide));
                }

                if (!_connected || _generation != generation)
                {
                    throw new InvalidOperationException("the USB host is not connected");
                }

                if (mine < 0 && _inWrite == null)
                {
                    _inWrite = buffer.AsSpan(offset, count).ToArray();
                    _inOffset = 0;
                    mine = _inWritesDone + 1;
                    PulseLocked();
                }

                if (mine >= 0 && _inWritesDone >= mine)
                {
                    return;
                }

                long left = deadline - Environment.TickCount64;
                if (left <= 0)
                {
                    if (mine >= 0 && _inWrite != null)
                    {
                        // The firmware aborts the transfer: what the host has not taken is gone.
                        _inWrite = null;
                        _inWritesDone++;
                        PulseLocked();
                    }

                    throw new TimeoutException("the host did not take the write within WriteTimeout");
                }

                Monitor.Wait(_lock, (int)Math.Min(left, int.MaxValue));
            }
        }
    }

    /// <summary>The application's side: System.Device.Usb.UsbStream's Read, Write, ReadTimeout and WriteTimeout.</summary>
    public sealed class UsbStreamSide : Stream
    {
        private readonly StockUsbStreamPipe _pipe;

        internal UsbStreamSide(StockUsbStreamPipe pipe) => _pipe = pipe;

        public override int ReadTimeout { get; set; } = Timeout.Infinite;

        public override int WriteTimeout { get; set; } = Timeout.Infinite;

        public override bool CanTimeout => true;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public bool IsConnected => _pipe.IsConnected;

        public override int Read(byte[] buffer, int offset, int count) => _pipe.DeviceRead(buffer, offset, count, ReadTimeout);

        public override void Write(byte[] buffer, int offset, int count) => _pipe.DeviceWrite(buffer, offset, count, WriteTimeout);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _ = _pipe.DisposeAsync();
            }

            base.Dispose(disposing);
        }
    }
}
