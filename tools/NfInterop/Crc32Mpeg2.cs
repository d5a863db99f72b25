namespace HssDevice.Tools.NfInterop;

/// <summary>
/// CRC-32/MPEG-2 (polynomial 0x04C11DB7, most significant bit first, no reflection, no final XOR), the CRC the
/// nanoFramework MetadataProcessor uses for the native checksum. The start value is the caller's: the checksum is
/// one running CRC over many strings.
/// </summary>
public static class Crc32Mpeg2
{
    private const uint Polynomial = 0x04C11DB7;

    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data, uint crc)
    {
        foreach (byte b in data)
        {
            crc = Table[((crc >> 24) ^ b) & 0xFF] ^ (crc << 8);
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint entry = i << 24;
            for (int bit = 0; bit < 8; bit++)
            {
                entry = (entry & 0x80000000u) != 0 ? (entry << 1) ^ Polynomial : entry << 1;
            }

            table[i] = entry;
        }

        return table;
    }
}
