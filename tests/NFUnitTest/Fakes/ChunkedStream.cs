using System;
using System.IO;
using System.Threading;

namespace HssDevice.Tests.Device
{
    /// <summary>
    /// A pipe that behaves like nanoFramework's UsbStream seen from the device: reads return whatever has arrived,
    /// at most ChunkLimit bytes at a time, and block while nothing has; writes are taken ChunkLimit bytes at a time
    /// with a thread switch in between (so unguarded concurrent writers would interleave). Tests deliver bytes,
    /// read back what was written, and script what the real stream does: a lost host (reads and writes throw
    /// InvalidOperationException), an expired ReadTimeout (TimeoutException), the end of the stream, Close.
    /// </summary>
    public class ChunkedStream : Stream
    {
        private readonly object _sync = new object();
        private readonly AutoResetEvent _readSignal = new AutoResetEvent(false);
        private readonly ManualResetEvent _readerWaiting = new ManualResetEvent(false);
        private readonly int _chunkLimit;

        private byte[] _incoming = new byte[256];
        private int _incomingStart;
        private int _incomingEnd;
        private byte[] _written = new byte[256];
        private int _writtenLength;

        private bool _connected = true;
        private bool _closed;
        private bool _ended;
        private bool _timeoutPending;
        private int _activeWriters;
        private int _overlappingWrites;
        private int _writeChunks;

        public ChunkedStream(int chunkLimit)
        {
            if (chunkLimit < 1)
            {
                throw new ArgumentOutOfRangeException("chunkLimit");
            }

            _chunkLimit = chunkLimit;
        }

        /// <summary>Set while a Read waits for bytes (so a test knows the reader is blocked in the stream).</summary>
        public WaitHandle ReaderWaiting
        {
            get { return _readerWaiting; }
        }

        public bool IsClosed
        {
            get
            {
                lock (_sync)
                {
                    return _closed;
                }
            }
        }

        /// <summary>Write calls that began while another was still running.</summary>
        public int OverlappingWrites
        {
            get { return _overlappingWrites; }
        }

        /// <summary>How many pieces the writes were taken in.</summary>
        public int WriteChunks
        {
            get { return _writeChunks; }
        }

        public override bool CanRead
        {
            get { return true; }
        }

        public override bool CanSeek
        {
            get { return false; }
        }

        public override bool CanWrite
        {
            get { return true; }
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

        /// <summary>Bytes arriving from the host.</summary>
        public void Deliver(byte[] data, int offset, int count)
        {
            lock (_sync)
            {
                if (_incomingEnd + count > _incoming.Length)
                {
                    int pending = _incomingEnd - _incomingStart;
                    byte[] grown = new byte[(pending + count) * 2];
                    Array.Copy(_incoming, _incomingStart, grown, 0, pending);
                    _incoming = grown;
                    _incomingStart = 0;
                    _incomingEnd = pending;
                }

                Array.Copy(data, offset, _incoming, _incomingEnd, count);
                _incomingEnd += count;
            }

            _readSignal.Set();
        }

        /// <summary>Everything written so far, in order.</summary>
        public byte[] Written()
        {
            lock (_sync)
            {
                byte[] copy = new byte[_writtenLength];
                Array.Copy(_written, 0, copy, 0, _writtenLength);
                return copy;
            }
        }

        /// <summary>The host went away: reads (pending ones too) and writes throw InvalidOperationException.</summary>
        public void Disconnect()
        {
            lock (_sync)
            {
                _connected = false;
            }

            _readSignal.Set();
        }

        public void Connect()
        {
            lock (_sync)
            {
                _connected = true;
            }
        }

        /// <summary>The pending (or next) read throws TimeoutException, as UsbStream's does when ReadTimeout expires.</summary>
        public void ExpireReadTimeout()
        {
            lock (_sync)
            {
                _timeoutPending = true;
            }

            _readSignal.Set();
        }

        /// <summary>Once the delivered bytes are read, reads return 0 (end of stream).</summary>
        public void End()
        {
            lock (_sync)
            {
                _ended = true;
            }

            _readSignal.Set();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            while (true)
            {
                lock (_sync)
                {
                    if (_closed)
                    {
                        _readerWaiting.Reset();
                        throw new ObjectDisposedException("ChunkedStream was closed.");
                    }

                    if (_timeoutPending)
                    {
                        _timeoutPending = false;
                        _readerWaiting.Reset();
                        throw new TimeoutException("No bytes within ReadTimeout.");
                    }

                    if (!_connected)
                    {
                        _readerWaiting.Reset();
                        throw new InvalidOperationException("The USB host is not connected.");
                    }

                    int available = _incomingEnd - _incomingStart;
                    if (available > 0)
                    {
                        int n = count < available ? count : available;
                        n = n < _chunkLimit ? n : _chunkLimit;
                        Array.Copy(_incoming, _incomingStart, buffer, offset, n);
                        _incomingStart += n;
                        _readerWaiting.Reset();
                        return n;
                    }

                    if (_ended)
                    {
                        _readerWaiting.Reset();
                        return 0;
                    }

                    _readerWaiting.Set();
                }

                _readSignal.WaitOne(Timeout.Infinite, false);
            }
        }

#if NANOFRAMEWORK_1_0
        public override int Read(SpanByte buffer)
        {
            throw new NotSupportedException();
        }
#endif

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Interlocked.Increment(ref _activeWriters) > 1)
            {
                Interlocked.Increment(ref _overlappingWrites);
            }

            try
            {
                int done = 0;
                while (done < count)
                {
                    int n = count - done < _chunkLimit ? count - done : _chunkLimit;
                    lock (_sync)
                    {
                        if (_closed)
                        {
                            throw new ObjectDisposedException("ChunkedStream was closed.");
                        }

                        if (!_connected)
                        {
                            throw new InvalidOperationException("The USB host is not connected.");
                        }

                        if (_writtenLength + n > _written.Length)
                        {
                            byte[] grown = new byte[(_writtenLength + n) * 2];
                            Array.Copy(_written, 0, grown, 0, _writtenLength);
                            _written = grown;
                        }

                        Array.Copy(buffer, offset + done, _written, _writtenLength, n);
                        _writtenLength += n;
                        _writeChunks++;
                    }

                    done += n;

                    // Give another writer the chance to slip in between two USB packets of this write.
                    Thread.Sleep(0);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _activeWriters);
            }
        }

        public override void Flush()
        {
            // UsbStream.Flush throws PlatformNotSupportedException; a link must never need it.
            throw new NotSupportedException("UsbStream has no Flush.");
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
            lock (_sync)
            {
                _closed = true;
            }

            _readSignal.Set();
            base.Dispose(disposing);
        }
    }
}
