using System.Threading;

namespace HssDevice.UsbIp;

/// <summary>A CMD_SUBMIT for a data endpoint, held until the device completes it or the client unlinks it.</summary>
internal sealed class PendingUrb(uint seqNum, byte endpointAddress, int length, byte[] outData, CancellationToken session)
{
    public uint SeqNum { get; } = seqNum;

    /// <summary>USB endpoint address: bit 7 set for IN.</summary>
    public byte EndpointAddress { get; } = endpointAddress;

    public bool IsIn => (EndpointAddress & 0x80) != 0;

    /// <summary>transfer_buffer_length: the most an IN URB takes; the length of an OUT URB's data.</summary>
    public int Length { get; } = length;

    /// <summary>An OUT URB's data until the URB ends (completed or unlinked); then null, so an unlinked URB still
    /// waiting in its endpoint's queue holds no memory.</summary>
    public byte[]? OutData { get; private set; } = outData;

    /// <summary>URB_ZERO_PACKET: an OUT transfer of whole packets ends with a zero-length packet.</summary>
    public bool ZeroPacket { get; init; }

    /// <summary>Cancelled by CMD_UNLINK or by the end of the import.</summary>
    public CancellationTokenSource Cancel { get; } = CancellationTokenSource.CreateLinkedTokenSource(session);

    // Both guarded by the connection's state lock; exactly one of them becomes true.
    public bool Completed { get; set; }

    public bool Unlinked { get; set; }

    /// <summary>Lets go of the OUT data (under the connection's state lock); returns the bytes to give back to the
    /// connection's budget, once.</summary>
    public int ReleaseOutData()
    {
        int bytes = OutData?.Length ?? 0;
        OutData = null;
        return bytes;
    }
}
