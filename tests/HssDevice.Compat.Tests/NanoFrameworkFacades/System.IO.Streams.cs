// Facade of nanoFramework's System.IO.Streams 1.1 (package nanoFramework.System.IO.Streams), written for the
// compatibility check from the library's public API: the types device code may use, with nanoFramework's exact
// signatures (Stream has Read(SpanByte) as an abstract member, so a subclass must override it). Bodies are never
// run. MemoryStream, StreamReader and StreamWriter are left out: no device code uses them.
namespace System.IO
{
    public enum SeekOrigin
    {
        Begin = 0,
        Current = 1,
        End = 2,
    }

    public abstract class Stream : MarshalByRefObject, IDisposable
    {
        protected Stream() { }

        public abstract bool CanRead { get; }
        public abstract bool CanSeek { get; }
        public virtual bool CanTimeout { get { throw null; } }
        public abstract bool CanWrite { get; }
        public abstract long Length { get; }
        public abstract long Position { get; set; }
        public virtual int ReadTimeout { get { throw null; } set { } }
        public virtual int WriteTimeout { get { throw null; } set { } }

        public virtual void Close() { }
        public void CopyTo(Stream destination) { }
        public void Dispose() { }
        protected virtual void Dispose(bool disposing) { }
        ~Stream() { }
        public abstract void Flush();
        public abstract int Read(byte[] buffer, int offset, int count);
        public abstract int Read(SpanByte buffer);
        public virtual int ReadByte() { throw null; }
        public abstract long Seek(long offset, SeekOrigin origin);
        public abstract void SetLength(long value);
        public abstract void Write(byte[] buffer, int offset, int count);
        public virtual void WriteByte(byte value) { }
    }
}
