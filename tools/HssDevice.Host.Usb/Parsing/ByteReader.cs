namespace HssDevice.Host.Usb.Parsing;

/// <summary>
/// Bounds-checked little-endian reads over descriptor bytes: every read past the end becomes a
/// <see cref="DescriptorFormatException"/> (Truncated), so no malformed input can raise anything else.
/// </summary>
internal readonly struct ByteReader
{
    private readonly byte[] _data;
    private readonly string _what;

    public ByteReader(byte[] data, string what)
    {
        _data = data ?? throw new DescriptorFormatException(DescriptorProblem.Truncated, 0, what + ": no data");
        _what = what;
    }

    public int Length => _data.Length;

    public byte U8(int offset)
    {
        if (offset < 0 || offset >= _data.Length)
        {
            throw new DescriptorFormatException(DescriptorProblem.Truncated, offset, $"{_what}: data ends at {_data.Length} bytes");
        }

        return _data[offset];
    }

    public ushort U16(int offset) => (ushort)(U8(offset) | (U8(offset + 1) << 8));

    public uint U32(int offset) => (uint)(U16(offset) | (U16(offset + 2) << 16));

    public byte[] Slice(int offset, int count)
    {
        if (count < 0 || offset < 0 || offset > _data.Length - count)
        {
            throw new DescriptorFormatException(DescriptorProblem.Truncated, offset, $"{_what}: {count} bytes at offset {offset} run past the end ({_data.Length} bytes)");
        }

        return _data.AsSpan(offset, count).ToArray();
    }

    public DescriptorFormatException Fail(DescriptorProblem problem, int offset, string message) =>
        new(problem, offset, _what + ": " + message);
}
