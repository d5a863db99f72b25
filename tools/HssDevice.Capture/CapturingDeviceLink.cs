using System;
using HssDevice.Transport;

namespace HssDevice.Capture;

/// <summary>
/// The device-side twin of <see cref="CapturingHostLink"/>, for a capture made where the device runs (`hss emulate
/// --connect`: the emulated device's end of a TCP single-pipe link). Directions stay the host's, as in every USB capture:
/// what the device writes is an IN transfer, what it reads an OUT transfer. Each transfer is recorded as a submission
/// and a completion at the moment the device's call returns, since the device never sees the host's URBs.
/// </summary>
public sealed class CapturingDeviceLink : IHssLink
{
    private readonly IHssLink _inner;
    private readonly CaptureDevice _device;

    public CapturingDeviceLink(IHssLink inner, CaptureDevice device)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _device = device ?? throw new ArgumentNullException(nameof(device));
    }

    public bool HasCommandPipe => _inner.HasCommandPipe;

    public void WriteCommand(byte[] buffer, int offset, int count)
    {
        _inner.WriteCommand(buffer, offset, count);
        Record(_inner.HasCommandPipe ? CapturingHostLink.InterruptIn : CapturingHostLink.BulkIn, buffer, offset, count);
    }

    public int ReadCommand(byte[] buffer, int offset, int count)
    {
        int read = _inner.ReadCommand(buffer, offset, count);
        Record(CapturingHostLink.InterruptOut, buffer, offset, read);
        return read;
    }

    public void WriteData(byte[] buffer, int offset, int count)
    {
        _inner.WriteData(buffer, offset, count);
        Record(CapturingHostLink.BulkIn, buffer, offset, count);
    }

    public int ReadData(byte[] buffer, int offset, int count)
    {
        int read = _inner.ReadData(buffer, offset, count);
        Record(CapturingHostLink.BulkOut, buffer, offset, read);
        return read;
    }

    public void Close() => _inner.Close();

    private void Record(byte endpoint, byte[] buffer, int offset, int count)
    {
        if (count <= 0)
        {
            return; // The link is down: no transfer happened.
        }

        UsbTransferType type = endpoint is CapturingHostLink.InterruptIn or CapturingHostLink.InterruptOut ? UsbTransferType.Interrupt : UsbTransferType.Bulk;
        ReadOnlySpan<byte> bytes = buffer.AsSpan(offset, count);
        bool isIn = (endpoint & 0x80) != 0;
        ulong id = _device.Submit(endpoint, type, isIn ? ReadOnlySpan<byte>.Empty : bytes, count);
        _device.Complete(id, endpoint, type, 0, isIn ? bytes : ReadOnlySpan<byte>.Empty, count);
    }
}
