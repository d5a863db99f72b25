using System;

namespace HssDevice.Engine
{
    /// <summary>A fixed ring of bytes; every copy is at most two Array.Copy calls. Not thread-safe: the engine locks.</summary>
    internal sealed class ByteRing
    {
        private readonly byte[] _buffer;
        private int _head;
        private int _count;

        public ByteRing(int capacity)
        {
            _buffer = new byte[capacity];
        }

        public int Capacity
        {
            get { return _buffer.Length; }
        }

        public int Count
        {
            get { return _count; }
        }

        public int Free
        {
            get { return _buffer.Length - _count; }
        }

        /// <summary>Appends up to count bytes; returns how many fitted.</summary>
        public int Write(byte[] source, int offset, int count)
        {
            int n = count < Free ? count : Free;
            int tail = (_head + _count) % _buffer.Length;
            int first = _buffer.Length - tail < n ? _buffer.Length - tail : n;
            Array.Copy(source, offset, _buffer, tail, first);
            if (n > first)
            {
                Array.Copy(source, offset + first, _buffer, 0, n - first);
            }

            _count += n;
            return n;
        }

        /// <summary>Copies count bytes starting skip bytes after the head, leaving them in the ring.</summary>
        public void Peek(int skip, byte[] destination, int offset, int count)
        {
            int start = (_head + skip) % _buffer.Length;
            int first = _buffer.Length - start < count ? _buffer.Length - start : count;
            Array.Copy(_buffer, start, destination, offset, first);
            if (count > first)
            {
                Array.Copy(_buffer, 0, destination, offset + first, count - first);
            }
        }

        /// <summary>Removes up to count bytes into destination; returns how many.</summary>
        public int Read(byte[] destination, int offset, int count)
        {
            int n = count < _count ? count : _count;
            Peek(0, destination, offset, n);
            Discard(n);
            return n;
        }

        public void Discard(int count)
        {
            _head = (_head + count) % _buffer.Length;
            _count -= count;
            if (_count == 0)
            {
                _head = 0;
            }
        }

        public void Clear()
        {
            _head = 0;
            _count = 0;
        }
    }
}
