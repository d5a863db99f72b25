using System.Collections;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace HssDevice.Host;

/// <summary>
/// The host's outstanding requests to one device, keyed by msg_id (docs/protocol.md section 9), with a bound: a sender
/// awaits <see cref="WaitForRoomAsync"/> before it adds, so message IDs never run out (the bound is far below 65535)
/// and running out of room waits, it never throws. Adds happen under the caller's lock after the wait, so the table
/// can exceed the bound by the number of concurrent senders (at most one per socket plus its SHUTDOWN or CLOSE).
/// Not thread-safe except <see cref="WaitForRoomAsync"/>: the caller holds its lock.
/// </summary>
internal sealed class PendingRequestTable<TRequest>(int limit) : IEnumerable<KeyValuePair<ushort, TRequest>>
{
    private readonly Dictionary<ushort, TRequest> _entries = new();
    private readonly object _signalLock = new();
    private volatile int _count;
    private TaskCompletionSource? _room;

    public int Limit => limit;

    public int Count => _entries.Count;

    public IEnumerable<TRequest> Values => _entries.Values;

    public TRequest this[ushort msgId]
    {
        set
        {
            _entries[msgId] = value;
            _count = _entries.Count;
        }
    }

    public bool ContainsKey(ushort msgId) => _entries.ContainsKey(msgId);

    public bool TryGetValue(ushort msgId, out TRequest value) => _entries.TryGetValue(msgId, out value!);

    public bool Remove(ushort msgId)
    {
        bool removed = _entries.Remove(msgId);
        if (removed)
        {
            Changed();
        }

        return removed;
    }

    public void Clear()
    {
        _entries.Clear();
        Changed();
    }

    /// <summary>True when the table is at its bound now (a racy read, for reporting).</summary>
    public bool IsFull => _count >= limit;

    /// <summary>Waits until fewer than the bound are outstanding.</summary>
    public async ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task room;
            lock (_signalLock)
            {
                if (_count < limit)
                {
                    return;
                }

                _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                room = _room.Task;
            }

            await room.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public IEnumerator<KeyValuePair<ushort, TRequest>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private void Changed()
    {
        TaskCompletionSource? room;
        lock (_signalLock)
        {
            _count = _entries.Count;
            room = _count < limit ? _room : null;
            if (room != null)
            {
                _room = null;
            }
        }

        room?.TrySetResult();
    }
}
