using HssDevice.Host.Usb.LibUsb;

namespace HssDevice.Usb.Tests.LibUsb;

/// <summary>
/// A libusb-shaped device for the link's bookkeeping: every submit is recorded and waits until the test completes
/// it, as a device does (an IN transfer waits for data). Completions per endpoint in submission order, as libusb's.
/// </summary>
internal sealed class FakeUsbTransfers : IUsbTransfers
{
    private readonly object _lock = new();
    private readonly List<Submitted> _pending = new();
    private bool _closing;

    public string Description => "fake 1-1";

    public List<(byte Endpoint, UsbPipeType Type, byte[] Data, bool ZeroLengthPacket)> Written { get; } = new();

    public int Disposed { get; private set; }

    public int Resets { get; private set; }

    /// <summary>What the device answers an OUT transfer with (a test may make it fail).</summary>
    public UsbTransferStatus OutStatus { get; set; } = UsbTransferStatus.Completed;

    public int PendingIn(byte endpoint)
    {
        lock (_lock)
        {
            return _pending.Count(p => p.Endpoint == endpoint);
        }
    }

    /// <summary>The buffers of the IN transfers submitted on the endpoint (their lengths are the transfer sizes).</summary>
    public byte[][] PendingBuffers(byte endpoint)
    {
        lock (_lock)
        {
            return _pending.Where(p => p.Endpoint == endpoint).Select(p => p.Buffer).ToArray();
        }
    }

    public Task<UsbTransferResult> SubmitInAsync(byte endpoint, UsbPipeType type, byte[] buffer)
    {
        lock (_lock)
        {
            if (_closing)
            {
                return Task.FromResult(new UsbTransferResult(UsbTransferStatus.Cancelled, 0));
            }

            var submitted = new Submitted(endpoint, buffer);
            _pending.Add(submitted);
            return submitted.Done.Task;
        }
    }

    public Task<UsbTransferResult> SubmitOutAsync(byte endpoint, UsbPipeType type, ReadOnlyMemory<byte> data, bool zeroLengthPacket)
    {
        lock (_lock)
        {
            Written.Add((endpoint, type, data.ToArray(), zeroLengthPacket));
        }

        return Task.FromResult(new UsbTransferResult(OutStatus, OutStatus == UsbTransferStatus.Completed ? data.Length : 0));
    }

    /// <summary>The device sends bytes: the oldest IN transfer on the endpoint completes with them (at most its length).</summary>
    public void Complete(byte endpoint, byte[] data) => Finish(endpoint, UsbTransferStatus.Completed, data);

    /// <summary>The oldest IN transfer on the endpoint ends with a status (NoDevice: the device was unplugged).</summary>
    public void Fail(byte endpoint, UsbTransferStatus status) => Finish(endpoint, status, Array.Empty<byte>());

    public void CancelAll()
    {
        List<Submitted> all;
        lock (_lock)
        {
            _closing = true;
            all = _pending.ToList();
            _pending.Clear();
        }

        foreach (Submitted s in all)
        {
            s.Done.TrySetResult(new UsbTransferResult(UsbTransferStatus.Cancelled, 0));
        }
    }

    public void ResetDevice() => Resets++;

    public ValueTask DisposeAsync()
    {
        CancelAll();
        Disposed++;
        return ValueTask.CompletedTask;
    }

    private void Finish(byte endpoint, UsbTransferStatus status, byte[] data)
    {
        Submitted s;
        lock (_lock)
        {
            s = _pending.FirstOrDefault(p => p.Endpoint == endpoint)
                ?? throw new InvalidOperationException($"no IN transfer queued on 0x{endpoint:x2}");
            _pending.Remove(s);
        }

        int n = Math.Min(data.Length, s.Buffer.Length);
        data.AsSpan(0, n).CopyTo(s.Buffer);
        s.Done.TrySetResult(new UsbTransferResult(status, n));
    }

    private sealed class Submitted
    {
        public Submitted(byte endpoint, byte[] buffer)
        {
            Endpoint = endpoint;
            Buffer = buffer;
        }

        public byte Endpoint { get; }

        public byte[] Buffer { get; }

        public TaskCompletionSource<UsbTransferResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
