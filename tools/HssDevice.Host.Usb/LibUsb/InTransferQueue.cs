namespace HssDevice.Host.Usb.LibUsb;

/// <summary>
/// A fixed number of IN transfers kept submitted on one endpoint. They complete in submission order, so the head
/// is always the next data; a buffer goes back into the queue only once its bytes were taken, which bounds the host's
/// memory to count x size whatever the device sends. One reader at a time.
/// </summary>
internal sealed class InTransferQueue
{
    private readonly IUsbTransfers _io;
    private readonly byte _endpoint;
    private readonly UsbPipeType _type;
    private readonly Queue<(byte[] Buffer, Task<UsbTransferResult> Done)> _queue = new();
    // The reader mutates the queue; disposal reads it from another thread.
    private readonly object _lock = new();
    private readonly int _count;
    private readonly int _size;
    // The part of a completed transfer that a ReadAsync did not take: the next one continues from it.
    private (byte[] Buffer, int Offset, int Length)? _rest;

    public InTransferQueue(IUsbTransfers io, byte endpoint, UsbPipeType type, int count, int size)
    {
        _io = io;
        _endpoint = endpoint;
        _type = type;
        _count = count;
        _size = size;
    }

    /// <summary>Why the endpoint stopped (set once a transfer ended other than Completed).</summary>
    public UsbTransferStatus? StoppedBy { get; private set; }

    /// <summary>Transfers currently submitted (for tests: never more than the count).</summary>
    public int Queued
    {
        get { lock (_lock) { return _queue.Count; } }
    }

    public void Start()
    {
        for (int i = 0; i < _count; i++)
        {
            Submit(new byte[_size]);
        }
    }

    /// <summary>
    /// The next transfer with data; its buffer belongs to the caller until <see cref="Recycle"/>. Zero-length transfers
    /// (a ZLP ending a transfer that filled a buffer exactly) are skipped. Null once the endpoint stopped.
    /// </summary>
    public async ValueTask<(byte[] Buffer, int Length)?> NextAsync(CancellationToken cancellationToken)
    {
        while (StoppedBy == null)
        {
            byte[] buffer;
            Task<UsbTransferResult> done;
            lock (_lock)
            {
                if (_queue.Count == 0)
                {
                    return null;
                }

                (buffer, done) = _queue.Peek();
            }

            UsbTransferResult result = await done.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                _queue.Dequeue();
            }

            if (result.Status != UsbTransferStatus.Completed)
            {
                StoppedBy = result.Status;
                return null;
            }

            if (result.Length > 0)
            {
                return (buffer, Math.Min(result.Length, buffer.Length));
            }

            Submit(buffer);
        }

        return null;
    }

    /// <summary>
    /// The endpoint's data as a byte stream (a bulk pipe, where transfer ends do not frame anything): copies what fits
    /// from the current transfer and recycles it once all of it was taken. Null once the endpoint stopped.
    /// </summary>
    public async ValueTask<int?> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_rest == null)
        {
            (byte[] Buffer, int Length)? next = await NextAsync(cancellationToken).ConfigureAwait(false);
            if (next == null)
            {
                return null;
            }

            _rest = (next.Value.Buffer, 0, next.Value.Length);
        }

        (byte[] data, int offset, int length) = _rest.Value;
        int n = Math.Min(length, buffer.Length);
        data.AsSpan(offset, n).CopyTo(buffer.Span);
        if (n == length)
        {
            _rest = null;
            Recycle(data);
        }
        else
        {
            _rest = (data, offset + n, length - n);
        }

        return n;
    }

    /// <summary>Gives a buffer whose bytes were all taken back to the endpoint.</summary>
    public void Recycle(byte[] buffer)
    {
        if (StoppedBy == null)
        {
            Submit(buffer);
        }
    }

    /// <summary>Every submitted transfer's completion (to wait for after a cancel).</summary>
    public Task[] Outstanding()
    {
        lock (_lock)
        {
            return _queue.Select(q => (Task)q.Done).ToArray();
        }
    }

    private void Submit(byte[] buffer)
    {
        lock (_lock)
        {
            _queue.Enqueue((buffer, _io.SubmitInAsync(_endpoint, _type, buffer)));
        }
    }
}
