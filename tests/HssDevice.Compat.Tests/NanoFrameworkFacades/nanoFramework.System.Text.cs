// Facade of nanoFramework's System.Text 1.3 (package nanoFramework.System.Text), written for the compatibility
// check from the library's public API: Encoding (UTF-8 only on nanoFramework) and what its signatures name.
// StringBuilder is left out: no device code uses it. Bodies are never run.
namespace System.Text
{
    public abstract class Decoder
    {
        protected Decoder() { }

        public abstract void Convert(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex, int charCount,
            bool flush, out int bytesUsed, out int charsUsed, out bool completed);
    }

    public abstract class Encoding
    {
        protected Encoding() { }

        public static Encoding UTF8 { get { throw null; } }

        public virtual byte[] GetBytes(string s) { throw null; }
        public virtual int GetBytes(string s, int charIndex, int charCount, byte[] bytes, int byteIndex) { throw null; }
        public virtual char[] GetChars(byte[] bytes) { throw null; }
        public virtual char[] GetChars(byte[] bytes, int byteIndex, int byteCount) { throw null; }
        public abstract Decoder GetDecoder();
        public virtual string GetString(byte[] bytes, int index, int count) { throw null; }
    }

    public class UTF8Encoding : Encoding
    {
        public UTF8Encoding() { }

        public override byte[] GetBytes(string s) { throw null; }
        public override int GetBytes(string s, int charIndex, int charCount, byte[] bytes, int byteIndex) { throw null; }
        public override char[] GetChars(byte[] bytes) { throw null; }
        public override char[] GetChars(byte[] bytes, int byteIndex, int byteCount) { throw null; }
        public override Decoder GetDecoder() { throw null; }
    }
}
