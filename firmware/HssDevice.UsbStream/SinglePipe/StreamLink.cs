using System;
using System.IO;
using System.Threading;

namespace HssDevice.Transport.SinglePipe
{
    /// <summary>
    /// The single-pipe profile of docs/protocol.md section 3 over one <see cref="Stream"/> (nanoFramework's UsbStream, a
    /// serial port, a TCP stream in emulation): command and data packets share the pipe, written whole and back to
    /// back with no framing of their own (the opcode says which is which).
    /// Link up/down comes from <see cref="SetConnected"/> (UsbStream's connection event, see UsbStreamLink) and
    /// from the stream itself: a read that fails or ends counts as the link going down.
    /// When the link goes down, the pending or next <see cref="ReadData"/> returns 0 once, so the engine fails
    /// every socket and starts framing afresh; later reads wait until the link is up again.
    /// The stream is read only into the link's own buffer, at offset 0 and for a whole number of 64-byte packets, as
    /// UsbStream demands (<see cref="UsbStreamRules"/>); what the caller's range cannot take is kept for the next
    /// read, and dropped when the link goes down (those bytes belong to the old session).
    /// </summary>
    public class StreamLink : IHssLink
    {
        /// <summary>Default size of the link's read buffer: 8 packets.</summary>
        public const int DefaultReadBufferBytes = 8 * UsbStreamRules.PacketSize;

        private readonly Stream _stream;
        private readonly byte[] _readBuffer;
        private readonly object _writeLock = new object();
        private readonly object _stateLock = new object();

        // Set whenever the state changes (up, down, closed) so a reader waiting for the link wakes up.
        private readonly AutoResetEvent _stateChanged = new AutoResetEvent(false);

        private bool _connected;
        private bool _readFailed;
        private bool _downReported;
        private bool _closed;

        // Counts down transitions, so a stream read that started before one is known to belong to the old session.
        private int _session;
        private Exception _lastReadError;
        private int _readRetryDelay = 1000;

        // Bytes read from the stream that the caller has not taken yet: _readBuffer[_readStart.._readEnd), of the
        // session _readSession. Only the reading thread touches them.
        private int _readStart;
        private int _readEnd;
        private int _readSession;

        /// <param name="stream">The pipe; the link owns it and closes it in <see cref="Close"/>.</param>
        /// <param name="connected">Whether the pipe is up now (UsbStream.IsConnected).</param>
        public StreamLink(Stream stream, bool connected)
            : this(stream, connected, DefaultReadBufferBytes)
        {
        }

        /// <param name="readBufferBytes">Size of the link's read buffer: a multiple of 64 (UsbStream reads whole packets).</param>
        public StreamLink(Stream stream, bool connected, int readBufferBytes)
        {
            if (stream == null)
            {
                throw new ArgumentNullException("stream");
            }

            if (!UsbStreamRules.IsAllowedRead(0, readBufferBytes))
            {
                throw new ArgumentOutOfRangeException("readBufferBytes", "a multiple of " + UsbStreamRules.PacketSize.ToString() + " bytes");
            }

            _readBuffer = new byte[readBufferBytes];
            _stream = stream;
            _connected = connected;

            // Nothing to report for a link that starts down: the engine has no sockets yet.
            _downReported = !connected;
        }

        /// <summary>False: this is the single-pipe profile; commands travel on the data pipe.</summary>
        public bool HasCommandPipe
        {
            get { return false; }
        }

        /// <summary>Whether the link is up (connected and its last read did not fail).</summary>
        public bool IsUp
        {
            get
            {
                lock (_stateLock)
                {
                    return _connected && !_readFailed && !_closed;
                }
            }
        }

        /// <summary>Why the last stream read failed (the link then went down), or null.</summary>
        public Exception LastReadError
        {
            get
            {
                lock (_stateLock)
                {
                    return _lastReadError;
                }
            }
        }

        /// <summary>
        /// Milliseconds to wait before reading again after a stream read failed while the connection input still says
        /// connected (a failure the connection event did not explain). Keeps a broken stream from spinning the CPU.
        /// </summary>
        public int ReadRetryDelay
        {
            get { return _readRetryDelay; }
            set
            {
                if (value < 0 && value != Timeout.Infinite)
                {
                    throw new ArgumentOutOfRangeException("value");
                }

                _readRetryDelay = value;
            }
        }

        /// <summary>The connection-state input: UsbStream.UsbDeviceConnectionChanged feeds it.</summary>
        public void SetConnected(bool connected)
        {
            lock (_stateLock)
            {
                if (_closed || connected == _connected)
                {
                    return;
                }

                _connected = connected;
                if (connected)
                {
                    // A new session: its own loss must be reported again.
                    _readFailed = false;
                    _downReported = false;
                }
                else
                {
                    _session++;
                }
            }

            _stateChanged.Set();
        }

        public void WriteCommand(byte[] buffer, int offset, int count)
        {
            WritePacket(buffer, offset, count);
        }

        /// <summary>Never used in the single-pipe profile (<see cref="HasCommandPipe"/> is false).</summary>
        public int ReadCommand(byte[] buffer, int offset, int count)
        {
            throw new NotSupportedException("StreamLink is a single-pipe link (HasCommandPipe is false): command packets arrive through ReadData.");
        }

        public void WriteData(byte[] buffer, int offset, int count)
        {
            WritePacket(buffer, offset, count);
        }

        public int ReadData(byte[] buffer, int offset, int count)
        {
            CheckRange(buffer, offset, count);
            while (true)
            {
                int session;
                int wait;
                lock (_stateLock)
                {
                    if (_closed)
                    {
                        throw new ObjectDisposedException("The link was closed.");
                    }

                    if (_connected && !_readFailed)
                    {
                        session = _session;
                        wait = 0;
                        if (_readEnd > _readStart && _readSession == session)
                        {
                            return TakeBuffered(buffer, offset, count);
                        }

                        _readStart = 0;
                        _readEnd = 0;
                    }
                    else if (!_downReported)
                    {
                        _downReported = true;
                        _readStart = 0;
                        _readEnd = 0;
                        return 0;
                    }
                    else
                    {
                        session = -1;
                        wait = _connected ? _readRetryDelay : Timeout.Infinite;
                    }
                }

                if (session < 0)
                {
                    _stateChanged.WaitOne(wait, false);
                    RetryAfterReadFailure();
                    continue;
                }

                int read;
                try
                {
                    // Offset 0 of the link's own buffer, a whole number of packets: never the caller's range.
                    read = _stream.Read(_readBuffer, 0, _readBuffer.Length);
                }
                catch (TimeoutException)
                {
                    // UsbStream's ReadTimeout expired: only a chance to look at the link state again.
                    continue;
                }
                catch (Exception e)
                {
                    OnReadFailed(session, e);
                    continue;
                }

                if (read <= 0 || read > _readBuffer.Length)
                {
                    OnReadFailed(session, new IOException(read <= 0 ? "The stream ended." : "The stream claimed more bytes than were asked."));
                    continue;
                }

                lock (_stateLock)
                {
                    if (_session == session && !_closed)
                    {
                        _readStart = 0;
                        _readEnd = read;
                        _readSession = session;
                        return TakeBuffered(buffer, offset, count);
                    }
                }

                // The bytes were read across a disconnect: they belong to the session the engine is about to drop.
            }
        }

        /// <summary>Ends the link: closes the stream, so a blocked read throws ObjectDisposedException; later calls throw.</summary>
        public void Close()
        {
            lock (_stateLock)
            {
                if (_closed)
                {
                    return;
                }

                _closed = true;
            }

            _stateChanged.Set();
            _stream.Close();
        }

        private void WritePacket(byte[] buffer, int offset, int count)
        {
            CheckRange(buffer, offset, count);

            // One Write per packet under one lock: no other thread's bytes can land inside a packet.
            lock (_writeLock)
            {
                lock (_stateLock)
                {
                    if (_closed)
                    {
                        throw new ObjectDisposedException("The link was closed.");
                    }

                    if (!_connected || _readFailed)
                    {
                        throw new IOException("The link is down: nothing can be written until the host is connected again.");
                    }
                }

                try
                {
                    _stream.Write(buffer, offset, count);
                }
                catch (ObjectDisposedException)
                {
                    throw;
                }
                catch (IOException)
                {
                    throw;
                }
                catch (Exception e)
                {
                    // UsbStream reports a lost host as InvalidOperationException, a stuck one as TimeoutException.
                    throw new IOException("Writing to the link failed: " + e.Message, e);
                }
            }
        }

        /// <summary>Copies buffered bytes into the caller's range (count 0 takes none); the rest wait for the next read.</summary>
        private int TakeBuffered(byte[] buffer, int offset, int count)
        {
            int n = _readEnd - _readStart;
            if (n > count)
            {
                n = count;
            }

            Array.Copy(_readBuffer, _readStart, buffer, offset, n);
            _readStart += n;
            return n;
        }

        private void OnReadFailed(int session, Exception error)
        {
            lock (_stateLock)
            {
                if (_closed)
                {
                    throw new ObjectDisposedException("The link was closed.");
                }

                _lastReadError = error;
                if (_session == session && !_readFailed)
                {
                    _readFailed = true;
                    _session++;
                }
            }
        }

        private void RetryAfterReadFailure()
        {
            lock (_stateLock)
            {
                // Still connected after the delay: the failure was not a disconnect, so try the stream again as a
                // new session (the engine already reset its sockets).
                if (!_closed && _connected && _readFailed)
                {
                    _readFailed = false;
                    _downReported = false;
                }
            }
        }

        private static void CheckRange(byte[] buffer, int offset, int count)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException("buffer");
            }

            if (offset < 0 || count < 0 || offset > buffer.Length - count)
            {
                throw new ArgumentOutOfRangeException("count", "offset and count must lie inside buffer.");
            }
        }
    }
}
