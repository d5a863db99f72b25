using System;

namespace HssDevice.Benchmarks;

/// <summary>A fixed FIFO of bytes (the data pipe towards the device). Not thread-safe: <see cref="LoopbackHostLink"/> locks.</summary>
internal sealed class ByteFifo
{
    private readonly byte[] _buffer;
    private int _head;
    private int _count;

    public ByteFifo(int capacity)
    {
        _buffer = new byte[capacity];
    }

    public int Count => _count;

    public int Free => _buffer.Length - _count;

    public void Write(ReadOnlySpan<byte> source)
    {
        if (source.Length > Free)
        {
            throw new InvalidOperationException("data queue full: the device stopped reading its data pipe");
        }

        int tail = (_head + _count) % _buffer.Length;
        int first = Math.Min(source.Length, _buffer.Length - tail);
        source[..first].CopyTo(_buffer.AsSpan(tail));
        source[first..].CopyTo(_buffer);
        _count += source.Length;
    }

    public int Read(Span<byte> destination)
    {
        int n = Math.Min(destination.Length, _count);
        int first = Math.Min(n, _buffer.Length - _head);
        _buffer.AsSpan(_head, first).CopyTo(destination);
        _buffer.AsSpan(0, n - first).CopyTo(destination[first..]);
        _head = (_head + n) % _buffer.Length;
        _count -= n;
        return n;
    }
}
