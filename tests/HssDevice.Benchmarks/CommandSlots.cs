using System;
using HssDevice.Wire;

namespace HssDevice.Benchmarks;

/// <summary>
/// A FIFO of whole command transfers (at most 64 bytes each) in slots allocated up front, so queuing an ACK for
/// the device allocates nothing. Not thread-safe: <see cref="LoopbackHostLink"/> locks.
/// </summary>
internal sealed class CommandSlots
{
    private readonly byte[][] _slots;
    private readonly int[] _lengths;
    private int _head;
    private int _count;

    public CommandSlots(int capacity)
    {
        _slots = new byte[capacity][];
        _lengths = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            _slots[i] = new byte[HssLayout.MaxCommandPacket];
        }
    }

    public int Count => _count;

    /// <summary>The free slot at the tail, to be filled and then made visible by <see cref="Commit"/>.</summary>
    public byte[] Tail
    {
        get
        {
            if (_count == _slots.Length)
            {
                throw new InvalidOperationException("command queue full: the device stopped reading its command pipe");
            }

            return _slots[(_head + _count) % _slots.Length];
        }
    }

    public void Commit(int length)
    {
        _lengths[(_head + _count) % _slots.Length] = length;
        _count++;
    }

    /// <summary>Moves the oldest transfer into destination (cut to count, as a short USB read buffer would).</summary>
    public int Dequeue(byte[] destination, int offset, int count)
    {
        int n = Math.Min(_lengths[_head], count);
        Buffer.BlockCopy(_slots[_head], 0, destination, offset, n);
        _head = (_head + 1) % _slots.Length;
        _count--;
        return n;
    }
}
