namespace HssDevice.Sample
{
    /// <summary>
    /// Adler-32 (RFC 1950) of the application's payload, to check an echo end to end. Application code, not the
    /// HSS data path: on a device it costs a loop per byte, which the sample accepts to prove nothing was lost.
    /// </summary>
    public sealed class Adler32
    {
        private const uint Modulus = 65521;
        private uint _a = 1;
        private uint _b;

        public uint Value
        {
            get { return (_b << 16) | _a; }
        }

        public void Update(byte[] data, int offset, int count)
        {
            int end = offset + count;
            while (offset < end)
            {
                // 5552 bytes keep the sums within 32 bits before the modulo (zlib's NMAX).
                int block = end - offset < 5552 ? end - offset : 5552;
                int stop = offset + block;
                for (; offset < stop; offset++)
                {
                    _a += data[offset];
                    _b += _a;
                }

                _a %= Modulus;
                _b %= Modulus;
            }
        }
    }
}
