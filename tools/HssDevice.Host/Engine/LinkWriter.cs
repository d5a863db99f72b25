using System;
using System.Buffers;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using HssDevice.Host.Links;

namespace HssDevice.Host;

/// <summary>
/// The only writer of one device's link: commands go out one per transfer on the command pipe; data packets go out
/// on the data pipe, packed several to a transfer when allowed. In the single-pipe profile both share one queue, so
/// packets never interleave. Packets queued before a link reset (an older generation) are dropped.
/// Both queues together are bounded by <see cref="OutboundQueue"/> (bytes and packets, each packet charged at least
/// <see cref="OutboundQueue.MinimumCharge"/>); the device's readers wait for room before they read more.
/// </summary>
internal sealed class LinkWriter
{
    private readonly IHostLink _link;
    private readonly Channel<Outbound> _commands;
    private readonly Channel<Outbound> _data;
    private readonly bool _pack;
    private readonly int _maxTransfer;
    private readonly Func<int> _generation;

    public LinkWriter(IHostLink link, bool pack, int maxTransfer, Func<int> generation, OutboundQueue queue)
    {
        _link = link;
        _pack = pack;
        _maxTransfer = maxTransfer;
        _generation = generation;
        Queue = queue;
        _data = Channel.CreateUnbounded<Outbound>(new UnboundedChannelOptions { SingleReader = true });
        _commands = link.HasCommandPipe ? Channel.CreateUnbounded<Outbound>(new UnboundedChannelOptions { SingleReader = true }) : _data;
    }

    /// <summary>What is queued and not yet written; the readers of the device wait on it (back-pressure).</summary>
    public OutboundQueue Queue { get; }

    /// <summary>Queues a command packet held in a buffer rented from ArrayPool (returned once written).</summary>
    public void EnqueueCommand(byte[] rented, int length) => Enqueue(_commands, new Outbound(rented, length, _generation(), null, 0));

    /// <summary>Queues a data packet; releaseOnWrite (when the device does not ACK) gets its window back once written.</summary>
    public void EnqueueData(byte[] rented, int length, ByteWindow? releaseOnWrite, int releaseBytes) =>
        Enqueue(_data, new Outbound(rented, length, _generation(), releaseOnWrite, releaseBytes));

    /// <summary>Starts the writer loops (one per pipe); each ends when completed, cancelled, or the link fails.</summary>
    public Task[] Start(CancellationToken cancellationToken) => _link.HasCommandPipe
        ? new[] { RunDataAsync(cancellationToken), RunCommandsAsync(cancellationToken) }
        : new[] { RunDataAsync(cancellationToken) };

    public void Complete()
    {
        _commands.Writer.TryComplete();
        _data.Writer.TryComplete();
    }

    /// <summary>Returns the buffers of everything still queued (after the loops have ended), so that memory goes back.</summary>
    public void DrainAfterStop()
    {
        while (_data.Reader.TryRead(out Outbound item))
        {
            Done(item);
        }

        while (_commands.Reader.TryRead(out Outbound item))
        {
            Done(item);
        }
    }

    private void Enqueue(Channel<Outbound> channel, Outbound item)
    {
        Queue.Charge(item.Length);
        if (!channel.Writer.TryWrite(item))
        {
            // The writer has stopped (device gone): nothing will write it.
            Done(item);
        }
    }

    private async Task RunCommandsAsync(CancellationToken cancellationToken)
    {
        await foreach (Outbound item in _commands.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                if (item.Generation == _generation())
                {
                    await _link.WriteCommandAsync(item.Buffer.AsMemory(0, item.Length), cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                Done(item);
            }
        }
    }

    private async Task RunDataAsync(CancellationToken cancellationToken)
    {
        byte[]? transfer = null; // allocated when packing first happens: an idle device holds none
        ChannelReader<Outbound> reader = _data.Reader;
        while (true)
        {
            if (!reader.TryRead(out Outbound first))
            {
                if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            if (first.Generation != _generation())
            {
                Done(first);
                continue;
            }

            if (!_pack || first.Length >= _maxTransfer || !reader.TryPeek(out _))
            {
                try
                {
                    await _link.WriteDataAsync(first.Buffer.AsMemory(0, first.Length), cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    Done(first);
                }

                continue;
            }

            // Pack what is already queued into one transfer; the release of each window waits for the write.
            int used = first.Length;
            transfer ??= new byte[_maxTransfer];
            Array.Copy(first.Buffer, 0, transfer, 0, first.Length);
            Outbound[] packed = ArrayPool<Outbound>.Shared.Rent(64);
            int count = 0;
            packed[count++] = first;
            while (count < packed.Length && reader.TryPeek(out Outbound next))
            {
                if (next.Generation == _generation() && used + next.Length > _maxTransfer)
                {
                    break;
                }

                reader.TryRead(out next);
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
                await _link.WriteDataAsync(transfer.AsMemory(0, used), cancellationToken).ConfigureAwait(false);
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
    }

    private void Done(Outbound item)
    {
        Queue.Discharge(item.Length);
        ArrayPool<byte>.Shared.Return(item.Buffer);
        item.ReleaseOnWrite?.Release(item.ReleaseBytes);
    }

    private readonly record struct Outbound(byte[] Buffer, int Length, int Generation, ByteWindow? ReleaseOnWrite, int ReleaseBytes);
}
