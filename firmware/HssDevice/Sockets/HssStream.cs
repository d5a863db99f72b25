using System;
using System.IO;

namespace HssDevice.Sockets
{
    /// <summary>A Stream over a connected stream socket, as System.Net.Sockets.NetworkStream.</summary>
    public sealed class HssStream : Stream
    {
        private readonly HssSocket _socket;
        private readonly bool _ownsSocket;
        private bool _disposed;

        public HssStream(HssSocket socket)
            : this(socket, false)
        {
        }

        public HssStream(HssSocket socket, bool ownsSocket)
        {
            if (socket == null)
            {
                throw new ArgumentNullException("socket");
            }

            if (socket.SocketType != SocketType.Stream)
            {
                throw new ArgumentException("HssStream needs a stream socket");
            }

            if (!socket.Connected)
            {
                throw new IOException("the socket is not connected");
            }

            _socket = socket;
            _ownsSocket = ownsSocket;
        }

        public HssSocket Socket
        {
            get { return _socket; }
        }

        public bool DataAvailable
        {
            get { return _socket.Available > 0; }
        }

        public override bool CanRead
        {
            get { return !_disposed; }
        }

        public override bool CanWrite
        {
            get { return !_disposed; }
        }

        public override bool CanSeek
        {
            get { return false; }
        }

        public override bool CanTimeout
        {
            get { return true; }
        }

        public override int ReadTimeout
        {
            get { return _socket.ReceiveTimeout; }
            set { _socket.ReceiveTimeout = value; }
        }

        public override int WriteTimeout
        {
            get { return _socket.SendTimeout; }
            set { _socket.SendTimeout = value; }
        }

        public override long Length
        {
            get { throw new NotSupportedException(); }
        }

        public override long Position
        {
            get { throw new NotSupportedException(); }
            set { throw new NotSupportedException(); }
        }

        /// <summary>Reads what has arrived (at least one byte), or 0 at end of stream. Socket failures are IOException
        /// (the HssSocketException inside), as NetworkStream reports them.</summary>
        public override int Read(byte[] buffer, int offset, int count)
        {
            ThrowIfDisposed();
            try
            {
                return _socket.Receive(buffer, offset, count, SocketFlags.None);
            }
            catch (HssSocketException e)
            {
                throw new IOException("reading the socket failed: " + e.Message, e);
            }
        }

#if NANOFRAMEWORK_1_0
        private byte[] _spanScratch;

        /// <summary>nanoFramework's Stream declares this abstract; it reads through one scratch array, reused.</summary>
        public override int Read(SpanByte buffer)
        {
            if (_spanScratch == null || _spanScratch.Length < buffer.Length)
            {
                _spanScratch = new byte[buffer.Length];
            }

            int n = Read(_spanScratch, 0, buffer.Length);
            new SpanByte(_spanScratch, 0, n).CopyTo(buffer);
            return n;
        }
#endif

        public override void Write(byte[] buffer, int offset, int count)
        {
            ThrowIfDisposed();
            try
            {
                _socket.Send(buffer, offset, count, SocketFlags.None);
            }
            catch (HssSocketException e)
            {
                throw new IOException("writing the socket failed: " + e.Message, e);
            }
        }

        /// <summary>Writes are handed to the engine at once; nothing to flush.</summary>
        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            throw new NotSupportedException();
        }

        public override void SetLength(long value)
        {
            throw new NotSupportedException();
        }

        protected override void Dispose(bool disposing)
        {
            if (!_disposed)
            {
                _disposed = true;
                if (disposing && _ownsSocket)
                {
                    _socket.Close();
                }
            }

            base.Dispose(disposing);
        }

        private void ThrowIfDisposed()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException("HssStream");
            }
        }
    }
}
