namespace HssDevice.Host.Usb.LibUsb;

/// <summary>How a transfer ended (values of libusb's enum libusb_transfer_status).</summary>
public enum UsbTransferStatus
{
    Completed = 0,
    Error = 1,
    TimedOut = 2,
    Cancelled = 3,
    Stall = 4,
    NoDevice = 5,
    Overflow = 6,
}

public enum UsbPipeType : byte
{
    Bulk = 2,
    Interrupt = 3,
}

/// <summary>A finished transfer: its status and the bytes it moved.</summary>
public readonly record struct UsbTransferResult(UsbTransferStatus Status, int Length);

/// <summary>
/// One opened, claimed USB device as libusb exposes it: asynchronous transfers, which complete in submission order
/// on each endpoint. The seam between <see cref="UsbHostLink"/> and libusb, so the link's bookkeeping is tested
/// with a fake. A submit never throws: a refused submit completes at once with its status.
/// </summary>
public interface IUsbTransfers : IAsyncDisposable
{
    /// <summary>"1-1 (1209:0001, /dev/bus/usb/001/002)".</summary>
    string Description { get; }

    /// <summary>An IN transfer of up to buffer.Length bytes, copied into buffer before the task completes.</summary>
    Task<UsbTransferResult> SubmitInAsync(byte endpoint, UsbPipeType type, byte[] buffer);

    /// <summary>An OUT transfer of data (copied at once); zeroLengthPacket ends a transfer of whole packets with a ZLP.</summary>
    Task<UsbTransferResult> SubmitOutAsync(byte endpoint, UsbPipeType type, ReadOnlyMemory<byte> data, bool zeroLengthPacket);

    /// <summary>Cancels every transfer in flight; every later submit completes Cancelled at once.</summary>
    void CancelAll();

    /// <summary>A USB bus reset of the device: what the device sees as its link going down.</summary>
    void ResetDevice();
}
