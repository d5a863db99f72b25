using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host.Links;

namespace HssDevice.Host;

/// <summary>
/// The only writer of one device's link: commands go out one per transfer on the command pipe; data packets go out
/// on the data pipe, packed several to a transfer when allowed. In the single-pipe profile both share one lane, so
/// packets never interleave. Packets queued before a link reset (an older generation) are dropped.
/// Both lanes together are bounded by <see cref="OutboundQueue"/> (bytes and packets, each packet charged at least
/// <see cref="OutboundQueue.MinimumCharge"/>); the device's readers wait for room before they read more.
///
/// No task waits on an idle lane: the thread that queues a packet onto an idle lane writes it at once, and with it
/// everything queued meanwhile, in one pass (one pass per batch of ready answers, not a queue item and a thread-pool
/// wake-up per answer). A write the link cannot take at once goes on asynchronously; packets queued meanwhile wait
/// behind it in order, and the pass that is under way writes them.
/// </summary>
internal sealed class LinkWriter
{
    private readonly IHostLink _link;
    private readonly Lane _commands;
    private readonly Lane _data;
    private readonly bool _pack;
    private readonly int _maxTransfer;
    private readonly Func<int> _generation;
    private CancellationToken _cancellation;
    private byte[]? _transfer; // allocated when packing first happens: an idle device holds none

    public LinkWriter(IHostLink link, bool pack, int maxTransfer, Func<int> generation, OutboundQueue queue)
    {
        _link = link;
        _pack = pack;
        _maxTransfer = maxTransfer;
        _generation = generation;
        Queue = queue;
        _data = new Lane(isData: true);
        _commands = link.HasCommandPipe ? new Lane(isData: false) : _data;
    }

    /// <summary>What is queued and not yet written; the readers of the device wait on it (back-pressure).</summary>
    public OutboundQueue Queue { get; }

    /// <summary>Write passes run so far (each writes every packet ready when it looks); for tests and benchmarks.</summary>
    public long Passes => Interlocked.Read(ref _passes);

    private long _passes;

    /// <summary>Queues a command packet held in a buffer rented from ArrayPool (returned once written).</summary>
    public void EnqueueCommand(byte[] rented, int length) => Enqueue(_commands, new Outbound(rented, length, _generation(), null, 0));

    /// <summary>Queues a data packet; releaseOnWrite (when the device does not ACK) gets its window back once written.</summary>
    public void EnqueueData(byte[] rented, int length, ByteWindow? releaseOnWrite, int releaseBytes) =>
        Enqueue(_data, new Outbound(rented, length, _generation(), releaseOnWrite, releaseBytes));

    /// <summary>Starts writing (packets queued before are written now); the tasks (one per pipe) end when completed,
    /// cancelled, or the link fails.</summary>
    public Task[] Start(CancellationToken cancellationToken)
    {
        _cancellation = cancellationToken;
        StartLane(_data);
        if (_commands == _data)
        {
            return new[] { _data.Ended.Task };
        }

        StartLane(_commands);
        return new[] { _data.Ended.Task, _commands.Ended.Task };
    }

    public void Complete()
    {
        CompleteLane(_data);
        CompleteLane(_commands);
    }

    /// <summary>Returns the buffers of everything still queued (after the lanes have ended), so that memory goes back.</summary>
    public void DrainAfterStop()
    {
        foreach (Lane lane in new[] { _data, _commands })
        {
            while (true)
            {
                Outbound item;
                lock (lane)
                {
                    if (!lane.Items.TryDequeue(out item))
                    {
                        break;
                    }
                }

                Done(item);
            }
        }
    }

    private void Enqueue(Lane lane, Outbound item)
    {
        Queue.Charge(item.Length);
        bool write;
        lock (lane)
        {
            if (lane.Completed)
            {
                write = false;
            }
            else
            {
                lane.Items.Enqueue(item);
                write = lane.Started && !lane.Writing;
                lane.Writing |= write;
                item = default;
            }
        }

        if (item.Buffer != null)
        {
            // The writer has stopped (device gone): nothing will write it.
            Done(item);
        }
        else if (write)
        {
            _ = WriteQueuedAsync(lane);
        }
    }

    private void StartLane(Lane lane)
    {
        bool write;
        lock (lane)
        {
            lane.Started = true;
            write = !lane.Completed && !lane.Writing && lane.Items.Count > 0;
            lane.Writing |= write;
        }

        if (write)
        {
            _ = WriteQueuedAsync(lane);
        }
    }

    private static void CompleteLane(Lane lane)
    {
        bool idle;
        lock (lane)
        {
            lane.Completed = true;
            idle = !lane.Writing;
        }

        if (idle)
        {
            lane.Ended.TrySetResult();
        }
    }

    /// <summary>One pass: writes what is queued until the lane is empty (runs on the thread that found the lane idle
    /// until a write has to wait). Never throws: a failure ends the lane's task.</summary>
    private async Task WriteQueuedAsync(Lane lane)
    {
        Interlocked.Increment(ref _passes);
        try
        {
            while (true)
            {
                Outbound first;
                bool more;
                lock (lane)
                {
                    if (lane.Completed || !lane.Items.TryDequeue(out first))
                    {
                        lane.Writing = false;
                        break;
                    }

                    more = lane.Items.Count > 0;
                }

                if (first.Generation != _generation())
                {
                    Done(first);
                    continue;
                }

                if (lane.IsData && _pack && more && first.Length < _maxTransfer)
                {
                    await WritePackedAsync(lane, first).ConfigureAwait(false);
                    continue;
                }

                try
                {
                    if (lane.IsData)
                    {
                        await _link.WriteDataAsync(first.Buffer.AsMemory(0, first.Length), _cancellation).ConfigureAwait(false);
                    }
                    else
                    {
                        await _link.WriteCommandAsync(first.Buffer.AsMemory(0, first.Length), _cancellation).ConfigureAwait(false);
                    }
                }
                finally
                {
                    Done(first);
                }
            }
        }
        catch (Exception e)
        {
            lock (lane)
            {
                lane.Completed = true;
                lane.Writing = false;
            }

            if (e is OperationCanceledException && _cancellation.IsCancellationRequested)
            {
                lane.Ended.TrySetCanceled(_cancellation);
            }
            else
            {
                lane.Ended.TrySetException(e);
            }

            return;
        }

        bool ended;
        lock (lane)
        {
            ended = lane.Completed && !lane.Writing;
        }

        if (ended)
        {
            lane.Ended.TrySetResult();
        }
    }

    /// <summary>Packs what is already queued behind `first` into one transfer; the release of each window waits for
    /// the write.</summary>
    private async Task WritePackedAsync(Lane lane, Outbound first)
    {
        byte[] transfer = _transfer ??= new byte[_maxTransfer];
        int used = first.Length;
        Array.Copy(first.Buffer, 0, transfer, 0, first.Length);
        Outbound[] packed = ArrayPool<Outbound>.Shared.Rent(64);
        int count = 0;
        packed[count++] = first;
        while (count < packed.Length)
        {
            Outbound next;
            lock (lane)
            {
                if (!lane.Items.TryPeek(out next) || (next.Generation == _generation() && used + next.Length > _maxTransfer))
                {
                    break;
                }

                lane.Items.Dequeue();
            }

            if (next.Generation != _generation())
            {
                Done(next);
                continue;
            }

            Array.Copy(next.Buffer, 0, transfer, used, next.Length);
            used += next.Length;
            packed[count++] = next;
        }

        try
        {
            await _link.WriteDataAsync(transfer.AsMemory(0, used), _cancellation).ConfigureAwait(false);
        }
        finally
        {
            for (int i = 0; i < count; i++)
            {
                Done(packed[i]);
            }

            Array.Clear(packed, 0, count);
            ArrayPool<Outbound>.Shared.Return(packed);
        }
    }

    private void Done(Outbound item)
    {
        Queue.Discharge(item.Length);
        ArrayPool<byte>.Shared.Return(item.Buffer);
        item.ReleaseOnWrite?.Release(item.ReleaseBytes);
    }

    /// <summary>One pipe's queue (both pipes' in the single-pipe profile); its fields are guarded by locking it.</summary>
    private sealed class Lane(bool isData)
    {
        public readonly bool IsData = isData;
        public readonly Queue<Outbound> Items = new();
        public readonly TaskCompletionSource Ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Started;
        public bool Writing;
        public bool Completed;
    }

    private readonly record struct Outbound(byte[] Buffer, int Length, int Generation, ByteWindow? ReleaseOnWrite, int ReleaseBytes);
}
