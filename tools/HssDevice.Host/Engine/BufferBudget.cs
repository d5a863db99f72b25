using System.Threading;

namespace HssDevice.Host;

/// <summary>
/// Device-to-host work the host holds (TRANSMIT payloads and SHUTDOWNs queued for OS sockets): bytes and items, each
/// item charged at least <see cref="OutboundQueue.MinimumCharge"/> bytes (an empty TRANSMIT is not free). A device's
/// budget has the host's as parent, which bounds the memory of all devices together. Over a bound the item is
/// refused (answered EHOSTERR) and the bound's name reported.
/// </summary>
internal sealed class BufferBudget(long maxBytes, int maxItems, string bytesLimit, string itemsLimit, BufferBudget? parent = null)
{
    private long _bytes;
    private int _items;

    public long Bytes => Interlocked.Read(ref _bytes);

    public int Items => Volatile.Read(ref _items);

    /// <summary>Charges one item of `length` bytes; on refusal returns false and the name of the bound reached.</summary>
    public bool TryCharge(int length, out string? refusedBy)
    {
        long charge = OutboundQueue.ChargeOf(length);
        if (Interlocked.Increment(ref _items) > maxItems)
        {
            Interlocked.Decrement(ref _items);
            refusedBy = itemsLimit;
            return false;
        }

        if (Interlocked.Add(ref _bytes, charge) > maxBytes)
        {
            Interlocked.Add(ref _bytes, -charge);
            Interlocked.Decrement(ref _items);
            refusedBy = bytesLimit;
            return false;
        }

        if (parent != null && !parent.TryCharge(length, out refusedBy))
        {
            Interlocked.Add(ref _bytes, -charge);
            Interlocked.Decrement(ref _items);
            return false;
        }

        refusedBy = null;
        return true;
    }

    public void Release(int length)
    {
        Interlocked.Add(ref _bytes, -OutboundQueue.ChargeOf(length));
        Interlocked.Decrement(ref _items);
        parent?.Release(length);
    }
}
