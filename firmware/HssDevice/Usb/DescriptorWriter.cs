using System;

namespace HssDevice.Usb
{
    /// <summary>
    /// Appends little-endian descriptor fields (USB 2.0 section 8.1: multi-byte fields are little-endian) into a
    /// scratch buffer and hands out an exact-length copy. Descriptors are built once at start-up, not per packet.
    /// </summary>
    internal sealed class DescriptorWriter
    {
        private readonly byte[] _buffer;
        private int _position;

        public DescriptorWriter(int capacity)
        {
            _buffer = new byte[capacity];
        }

        public int Position
        {
            get { return _position; }
        }

        public void Byte(int value)
        {
            _buffer[_position++] = (byte)value;
        }

        public void Word(int value)
        {
            _buffer[_position++] = (byte)value;
            _buffer[_position++] = (byte)(value >> 8);
        }

        public void DoubleWord(uint value)
        {
            Word((int)(value & 0xFFFF));
            Word((int)(value >> 16));
        }

        public void Bytes(byte[] data)
        {
            Array.Copy(data, 0, _buffer, _position, data.Length);
            _position += data.Length;
        }

        /// <summary>UTF-16LE code units of <paramref name="text"/>, no terminator (USB 2.0 section 9.6.7).</summary>
        public void Utf16(string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                Word(text[i]);
            }
        }

        /// <summary>Writes a 16-bit length (or any word) at an earlier position, once the length is known.</summary>
        public void PatchWord(int at, int value)
        {
            _buffer[at] = (byte)value;
            _buffer[at + 1] = (byte)(value >> 8);
        }

        public byte[] ToArray()
        {
            byte[] result = new byte[_position];
            Array.Copy(_buffer, 0, result, 0, _position);
            return result;
        }
    }
}
