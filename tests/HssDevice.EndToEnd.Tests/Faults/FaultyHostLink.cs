using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host.Links;

namespace HssDevice.EndToEnd.Tests.Faults;

/// <summary>The faults a <see cref="FaultyHostLink"/> injects.</summary>
public enum LinkFault
{
    /// <summary>A transfer (or a read's worth of a byte stream) is lost.</summary>
    Drop,

    /// <summary>A transfer loses its tail.</summary>
    Truncate,

    /// <summary>A transfer arrives twice.</summary>
    Duplicate,

    /// <summary>Two consecutive transfers of one pipe swap places.</summary>
    Reorder,

    /// <summary>A transfer is held back 10 to 300 ms.</summary>
    Stall,

    /// <summary>The link ends at a random point.</summary>
    Disconnect,
}

/// <summary>
/// Wraps the host end of any link (emulated USB, TCP single pipe) and injects one kind of fault, in both directions,
/// on every pipe: after a random number of clean transfers, each transfer is hit with probability 1/10 (Disconnect:
/// once). Seeded: the same seed hits the same transfers of the same traffic.
/// </summary>
public sealed class FaultyHostLink : IHostLink
{
    private readonly IHostLink _inner;
    private readonly LinkFault _fault;
    private readonly Random _random;
    private readonly object _lock = new();
    private readonly int _cleanTransfers;
    private readonly int _disconnectAt;
    private readonly PipeState _dataIn = new(), _commandIn = new(), _dataOut = new(), _commandOut = new();
    private int _transfers;
    private volatile bool _disconnected;

    public FaultyHostLink(IHostLink inner, LinkFault fault, int seed)
    {
        _inner = inner;
        _fault = fault;
        _random = new Random(seed);
        _cleanTransfers = 3 + _random.Next(10);
        _disconnectAt = _cleanTransfers + _random.Next(30);
    }

    /// <summary>Transfers hit so far.</summary>
    public int Faults { get; private set; }

    public bool HasCommandPipe => _inner.HasCommandPipe;

    public string Description => _inner.Description + " with " + _fault + " faults";

    public ValueTask WriteCommandAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken) =>
        WriteAsync(_commandOut, packet, _inner.WriteCommandAsync, cancellationToken);

    public ValueTask WriteDataAsync(ReadOnlyMemory<byte> transfer, CancellationToken cancellationToken) =>
        WriteAsync(_dataOut, transfer, _inner.WriteDataAsync, cancellationToken);

    public ValueTask<int> ReadCommandAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        ReadAsync(_commandIn, buffer, _inner.ReadCommandAsync, cancellationToken);

    public ValueTask<int> ReadDataAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        ReadAsync(_dataIn, buffer, _inner.ReadDataAsync, cancellationToken);

    public ValueTask<bool> ResetAsync(CancellationToken cancellationToken) => _inner.ResetAsync(cancellationToken);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    /// <summary>Decides whether this transfer is hit (and, for stalls, for how long).</summary>
    private bool Hit(out int stallMs)
    {
        lock (_lock)
        {
            int n = ++_transfers;
            stallMs = 10 + _random.Next(290);
            bool hit = _fault == LinkFault.Disconnect ? n == _disconnectAt : n > _cleanTransfers && _random.Next(10) == 0;
            if (hit)
            {
                Faults++;
            }

            return hit;
        }
    }

    private async ValueTask<int> ReadAsync(PipeState pipe, Memory<byte> buffer, Func<Memory<byte>, CancellationToken, ValueTask<int>> read, CancellationToken cancellationToken)
    {
        if (_disconnected)
        {
            return 0;
        }

        if (pipe.Held != null)
        {
            // A duplicate or a reordered transfer, delivered now.
            byte[] held = pipe.Held;
            pipe.Held = null;
            int length = Math.Min(held.Length, buffer.Length);
            held.AsMemory(0, length).CopyTo(buffer);
            return length;
        }

        int n = await read(buffer, cancellationToken).ConfigureAwait(false);
        if (n == 0 || !Hit(out int stallMs))
        {
            return n;
        }

        switch (_fault)
        {
            case LinkFault.Drop:
                return await ReadAsync(pipe, buffer, read, cancellationToken).ConfigureAwait(false);
            case LinkFault.Truncate:
                return n > 1 ? 1 + _random.Next(n - 1) : n;
            case LinkFault.Duplicate:
                pipe.Held = buffer.Slice(0, n).ToArray();
                return n;
            case LinkFault.Reorder:
                pipe.Held = buffer.Slice(0, n).ToArray();
                int next = await read(buffer, cancellationToken).ConfigureAwait(false);
                if (next == 0)
                {
                    pipe.Held = null;
                    return 0;
                }

                return next;
            case LinkFault.Stall:
                await Task.Delay(stallMs, cancellationToken).ConfigureAwait(false);
                return n;
            default:
                _disconnected = true;
                await _inner.DisposeAsync().ConfigureAwait(false);
                return 0;
        }
    }

    private async ValueTask WriteAsync(PipeState pipe, ReadOnlyMemory<byte> transfer, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, CancellationToken cancellationToken)
    {
        if (_disconnected)
        {
            throw new IOException("link disconnected (injected)");
        }

        byte[]? heldBefore = pipe.Held;
        pipe.Held = null;
        if (!Hit(out int stallMs))
        {
            await write(transfer, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            switch (_fault)
            {
                case LinkFault.Drop:
                    break;
                case LinkFault.Truncate:
                    await write(transfer.Slice(0, transfer.Length > 1 ? 1 + _random.Next(transfer.Length - 1) : transfer.Length), cancellationToken).ConfigureAwait(false);
                    break;
                case LinkFault.Duplicate:
                    await write(transfer, cancellationToken).ConfigureAwait(false);
                    await write(transfer, cancellationToken).ConfigureAwait(false);
                    break;
                case LinkFault.Reorder:
                    // Held until after the next transfer of this pipe.
                    pipe.Held = transfer.ToArray();
                    break;
                case LinkFault.Stall:
                    await Task.Delay(stallMs, cancellationToken).ConfigureAwait(false);
                    await write(transfer, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    _disconnected = true;
                    await _inner.DisposeAsync().ConfigureAwait(false);
                    throw new IOException("link disconnected (injected)");
            }
        }

        if (heldBefore != null)
        {
            await write(heldBefore, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class PipeState
    {
        public byte[]? Held;
    }
}
