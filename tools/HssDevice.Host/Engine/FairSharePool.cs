using System;
using System.Threading;

namespace HssDevice.Host;

/// <summary>
/// A host-wide resource (buffered bytes, file descriptors) split so that no device can starve the others: each of
/// at most <c>members</c> devices always has <see cref="Floor"/> units of its own, and only what it takes above its
/// floor comes from the shared rest. Floors are implicit (nothing is set aside per device object), which is sound
/// because the host never serves more than <c>members</c> devices at once: the floors plus the shared part never
/// exceed <see cref="Total"/>. A device that exhausts the shared part is refused; the others still have their floors.
/// </summary>
internal sealed class FairSharePool
{
    private long _shared;
    private long _used;

    /// <param name="total">Units for all devices together.</param>
    /// <param name="members">Most devices served at once (<see cref="HssHostSettings.MaxDevices"/>).</param>
    /// <param name="floor">Units each device always has; 0 for none. Clamped so that all floors fit the total.</param>
    public FairSharePool(long total, int members, long floor)
    {
        if (total < 0 || members < 1 || floor < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(total));
        }

        Total = total;
        Floor = Math.Min(floor, total / members);
        SharedLimit = total - Floor * members;
    }

    /// <summary>Units for all devices together.</summary>
    public long Total { get; }

    /// <summary>Units each device has whatever the others do.</summary>
    public long Floor { get; }

    /// <summary>Units devices take above their floors, first come first served.</summary>
    public long SharedLimit { get; }

    /// <summary>Units of the shared part in use.</summary>
    public long Shared => Interlocked.Read(ref _shared);

    /// <summary>Units in use over all devices (floors and shared).</summary>
    public long Used => Interlocked.Read(ref _used);

    /// <summary>A device's share: what it holds, and the part of it above its floor (charged to the pool).</summary>
    public Member Join(long ownLimit) => new(this, ownLimit);

    private bool TryTakeShared(long units)
    {
        if (units <= 0)
        {
            return true;
        }

        if (Interlocked.Add(ref _shared, units) > SharedLimit)
        {
            Interlocked.Add(ref _shared, -units);
            return false;
        }

        return true;
    }

    /// <summary>One device's use of the pool. Thread-safe.</summary>
    internal sealed class Member
    {
        private readonly FairSharePool _pool;
        private readonly object _lock = new();
        private readonly long _floor;
        private long _held;

        public Member(FairSharePool pool, long ownLimit)
        {
            _pool = pool;
            OwnLimit = ownLimit;
            _floor = Math.Min(pool.Floor, ownLimit);
        }

        /// <summary>The most this device may hold (its own limit, e.g. MaxBufferedBytesPerDevice).</summary>
        public long OwnLimit { get; }

        public long Held
        {
            get { lock (_lock) { return _held; } }
        }

        /// <summary>Takes `units`: from the device's floor first, the rest from the shared part. Fails with
        /// <see cref="Refusal.Own"/> over the device's own limit, <see cref="Refusal.Shared"/> when the shared part is
        /// exhausted (the device is then beyond its floor, so other devices keep theirs).</summary>
        public Refusal TryTake(long units)
        {
            lock (_lock)
            {
                if (_held + units > OwnLimit)
                {
                    return Refusal.Own;
                }

                long above = Math.Max(0, _held + units - _floor) - Math.Max(0, _held - _floor);
                if (!_pool.TryTakeShared(above))
                {
                    return Refusal.Shared;
                }

                _held += units;
                Interlocked.Add(ref _pool._used, units);
                return Refusal.None;
            }
        }

        public void Return(long units)
        {
            lock (_lock)
            {
                units = Math.Min(units, _held);
                long above = Math.Max(0, _held - _floor) - Math.Max(0, _held - units - _floor);
                _held -= units;
                Interlocked.Add(ref _pool._shared, -above);
                Interlocked.Add(ref _pool._used, -units);
            }
        }
    }

    internal enum Refusal
    {
        None,

        /// <summary>The device's own limit.</summary>
        Own,

        /// <summary>The shared part of the host-wide limit.</summary>
        Shared,
    }
}
