using System.Threading;

namespace HssDevice.Host;

/// <summary>
/// Device-to-host work one device has the host hold (TRANSMIT payloads and SHUTDOWNs queued for OS sockets): bytes and
/// items, each item charged at least <see cref="OutboundQueue.MinimumCharge"/> bytes (an empty TRANSMIT is not free).
/// The bytes are the device's share of the host's <see cref="FairSharePool"/> (MaxHostBufferBytes): its floor is its
/// own whatever the other devices do, only what it holds above the floor competes with them. Over a bound the item is
/// refused (answered EHOSTERR) and the bound's name reported.
/// </summary>
internal sealed class BufferBudget
{
    private readonly int _maxItems;
    private readonly string _bytesLimit;
    private readonly string _itemsLimit;
    private readonly string _hostLimit;
    private readonly FairSharePool.Member _bytes;
    private int _items;

    public BufferBudget(long maxBytes, int maxItems, string bytesLimit, string itemsLimit, FairSharePool hostPool, string hostLimit)
    {
        _maxItems = maxItems;
        _bytesLimit = bytesLimit;
        _itemsLimit = itemsLimit;
        _hostLimit = hostLimit;
        _bytes = hostPool.Join(maxBytes);
    }

    public long Bytes => _bytes.Held;

    public int Items => Volatile.Read(ref _items);

    /// <summary>Charges one item of `length` bytes; on refusal returns false and the name of the bound reached.</summary>
    public bool TryCharge(int length, out string? refusedBy)
    {
        if (Interlocked.Increment(ref _items) > _maxItems)
        {
            Interlocked.Decrement(ref _items);
            refusedBy = _itemsLimit;
            return false;
        }

        FairSharePool.Refusal refusal = _bytes.TryTake(OutboundQueue.ChargeOf(length));
        if (refusal != FairSharePool.Refusal.None)
        {
            Interlocked.Decrement(ref _items);
            refusedBy = refusal == FairSharePool.Refusal.Own ? _bytesLimit : _hostLimit;
            return false;
        }

        refusedBy = null;
        return true;
    }

    public void Release(int length)
    {
        _bytes.Return(OutboundQueue.ChargeOf(length));
        Interlocked.Decrement(ref _items);
    }
}
