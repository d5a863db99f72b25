namespace HssDevice.Host.Usb.LibUsb;

/// <summary>How many transfers <see cref="UsbHostLink"/> keeps queued, and how large.</summary>
public sealed record UsbHostLinkOptions
{
    /// <summary>Bulk IN transfers queued at all times, so the device never waits for the host to ask again.</summary>
    public int BulkInTransfers { get; init; } = 4;

    /// <summary>Bytes per bulk IN transfer: a multiple of every bulk wMaxPacketSize (64, 512).</summary>
    public int BulkInTransferBytes { get; init; } = 16 * 1024;

    /// <summary>Interrupt IN transfers queued (one command packet each, docs/protocol.md section 3).</summary>
    public int CommandInTransfers { get; init; } = 2;

    /// <summary>
    /// Send a zero-length packet after a bulk OUT transfer of whole packets (docs/protocol.md section 3). On by default;
    /// receivers do not depend on it.
    /// </summary>
    public bool ZeroLengthPackets { get; init; } = true;

    public void Validate()
    {
        if (BulkInTransfers is < 1 or > 64 || CommandInTransfers is < 1 or > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(BulkInTransfers), "1..64 bulk and 1..16 interrupt IN transfers");
        }

        if (BulkInTransferBytes < 512 || BulkInTransferBytes % 512 != 0 || BulkInTransferBytes > 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(BulkInTransferBytes), "a multiple of 512 up to 1 MiB");
        }
    }
}
