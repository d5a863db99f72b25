using System;
using System.Threading;
using System.Threading.Tasks;

namespace HssDevice.UsbIp;

/// <summary>
/// A host link that needs to see bulk transfers as USB does, not as bytes: where an OUT transfer ends with a
/// zero-length packet (URB_ZERO_PACKET), and an IN transfer's buffer size (it completes on a short packet or when
/// full). Stock firmware's UsbStream needs both (its reads end on a short packet, ZLP or full buffer; it sends no ZLP).
/// </summary>
public interface IUsbPacketLink
{
    /// <summary>One bulk OUT transfer; completes when the device has read all of it (held while it does not: a NAK).</summary>
    ValueTask WriteTransferAsync(ReadOnlyMemory<byte> transfer, bool zeroLengthPacket, CancellationToken cancellationToken);

    /// <summary>One bulk IN transfer of up to buffer.Length bytes: completes on a short packet or a full buffer; 0 when the link is down.</summary>
    ValueTask<int> ReadTransferAsync(Memory<byte> buffer, CancellationToken cancellationToken);
}
