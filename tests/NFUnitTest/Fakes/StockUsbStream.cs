using System;
using System.Collections;
using System.IO;
using System.Threading;
using HssDevice.Transport.SinglePipe;

namespace HssDevice.Tests.Device
{
    /// <summary>
    /// nanoFramework's UsbStream as the stock Silicon Labs firmware implements it (read in nf-interpreter, not seen on
    /// a board), seen from the device: the host's transfers arrive as 64-byte packets; a read must start at a 4-byte
    /// aligned offset and ask for whole packets (anything else throws ArgumentException and counts a violation), and
    /// completes on a short packet, a zero-length packet or a full buffer. A read that times out loses the bytes it
    /// had taken (the firmware aborts the transfer). No buffering: bytes wait in the host's queue until read.
    /// </summary>
    public class StockUsbStream : Stream
    {
        private readonly object _sync = new object();
        private readonly AutoResetEvent _arrived = new AutoResetEvent(false);
        private readonly ArrayList _packets = new ArrayList();
        private readonly ArrayList _readCounts = new ArrayList();
        private byte[] _written = new byte[256];
        private int _writtenLength;
        private int _violations;
        private int _lostBytes;
        private bool _connected = true;
        private bool _closed;
        private int _readTimeout = Timeout.Infinite;

        /// <summary>Milliseconds a read waits for its transfer to end (Timeout.Infinite: forever).</summary>
        public int ReadTimeoutMs
        {
            get { return _readTimeout; }
            set { _readTimeout = value; }
        }

        /// <summary>Reads the firmware would refuse (misaligned offset, count not whole packets).</summary>
        public int Violations
        {
            get { lock (_sync) { return _violations; } }
        }

        /// <summary>Bytes a timed-out read had taken and lost.</summary>
        public int LostBytes
        {
            get { lock (_sync) { return _lostBytes; } }
        }

        /// <summary>The count of every read asked, in order.</summary>
        public int[] ReadCounts()
        {
            lock (_sync)
            {
                int[] counts = new int[_readCounts.Count];
                for (int i = 0; i < counts.Length; i++)
                {
                    counts[i] = (int)_readCounts[i];
                }

                return counts;
            }
        }

        /// <summary>One bulk OUT transfer from the host, cut into 64-byte packets; zeroLengthPacket ends whole packets with a ZLP.</summary>
        public void HostWrite(byte[] data, int offset, int count, bool zeroLengthPacket)
        {
            lock (_sync)
            {
                int done = 0;
                while (done < count)
                {
                    int n = count - done < UsbStreamRules.PacketSize ? count - done : UsbStreamRules.PacketSize;
                    byte[] packet = new byte[n];
                    Array.Copy(data, offset + done, packet, 0, n);
                    _packets.Add(packet);
                    done += n;
                }

                if (zeroLengthPacket && count % UsbStreamRules.PacketSize == 0)
                {
                    _packets.Add(new byte[0]);
                }
            }

            _arrived.Set();
        }

        /// <summary>The cable or the host went: pending and later reads and writes throw InvalidOperationException.</summary>
        public void Disconnect()
        {
            lock (_sync)
            {
                _connected = false;
                _packets.Clear();
            }

            _arrived.Set();
        }

        public void Connect()
        {
            lock (_sync)
            {
                _connected = true;
            }
        }

        public byte[] Written()
        {
            lock (_sync)
            {
                byte[] copy = new byte[_writtenLength];
                Array.Copy(_written, 0, copy, 0, _writtenLength);
                return copy;
            }
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            lock (_sync)
            {
                _readCounts.Add(count);
                if (!UsbStreamRules.IsAllowedRead(offset, count) || offset > buffer.Length - count)
                {
                    _violations++;
                    throw new ArgumentException("UsbStream reads at 4-byte aligned offsets, whole 64-byte packets");
                }
            }

            int filled = 0;
            DateTime deadline = DateTime.UtcNow.AddMilliseconds(_readTimeout == Timeout.Infinite ? 365 * 24 * 3600 * 1000.0 : _readTimeout);
            while (true)
            {
                lock (_sync)
                {
                    if (_closed)
                    {
                        throw new ObjectDisposedException("UsbStream was closed.");
                    }

                    if (!_connected)
                    {
                        throw new InvalidOperationException("The USB host is not connected.");
                    }

                    while (_packets.Count > 0)
                    {
                        byte[] packet = (byte[])_packets[0];
                        _packets.RemoveAt(0);
                        Array.Copy(packet, 0, buffer, offset + filled, packet.Length);
                        filled += packet.Length;
                        if (packet.Length < UsbStreamRules.PacketSize || filled == count)
                        {
                            return filled;
                        }
                    }
                }

                int left = (int)(deadline - DateTime.UtcNow).TotalMilliseconds;
                if (left <= 0)
                {
                    lock (_sync)
                    {
                        _lostBytes += filled;
                    }

                    throw new TimeoutException("No end of transfer within ReadTimeout.");
                }

                _arrived.WaitOne(left, false);
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
            lock (_sync)
            {
                if (_closed)
                {
                    throw new ObjectDisposedException("UsbStream was closed.");
                }

                if (!_connected)
                {
                    throw new InvalidOperationException("The USB host is not connected.");
                }

                if (_writtenLength + count > _written.Length)
                {
                    byte[] grown = new byte[(_writtenLength + count) * 2];
                    Array.Copy(_written, 0, grown, 0, _writtenLength);
                    _written = grown;
                }

                Array.Copy(buffer, offset, _written, _writtenLength, count);
                _writtenLength += count;
            }
        }

        protected override void Dispose(bool disposing)
        {
            lock (_sync)
            {
                _closed = true;
            }

            _arrived.Set();
            base.Dispose(disposing);
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
    }
}
