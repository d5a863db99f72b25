namespace HssDevice.Engine
{
    /// <summary>
    /// One socket's send window (docs/protocol.md section 6): the bytes the application sent and the host has not
    /// acknowledged (a ring whose size is the window), how many of them and how many TRANSMITs are in flight, and
    /// the one copy of the rules over them: what is unsent, when unsent bytes wait for an ACK (coalescing, section
    /// 6), when a flush may send now. A datagram never enters the ring (it leaves from the caller's buffer) but is
    /// counted in flight. Not thread-safe: the engine holds its lock.
    /// </summary>
    internal sealed class SendWindow
    {
        private readonly ByteRing _ring;
        private readonly int _maxTransmitPayload;
        private readonly bool _coalesce;
        // Bytes in flight taken from the ring (stream) and sent from the caller's buffer (datagrams).
        private int _ringInFlight;
        private int _datagramsInFlight;
        private int _inFlightCount;

        public SendWindow(int size, int maxTransmitPayload, bool coalesceWrites)
        {
            _ring = new ByteRing(size);
            _maxTransmitPayload = maxTransmitPayload;
            _coalesce = coalesceWrites;
        }

        /// <summary>Stream bytes held: unsent plus sent and unacknowledged.</summary>
        public int Held
        {
            get { return _ring.Count; }
        }

        /// <summary>Room for more stream bytes.</summary>
        public int Free
        {
            get { return _ring.Free; }
        }

        /// <summary>Nothing held (stream data all acknowledged): a Shutdown(Send) or a CLOSE may go.</summary>
        public bool IsDrained
        {
            get { return _ring.Count == 0; }
        }

        public int InFlightBytes
        {
            get { return _ringInFlight + _datagramsInFlight; }
        }

        public int InFlightCount
        {
            get { return _inFlightCount; }
        }

        /// <summary>Stream bytes written and not yet sent in a TRANSMIT.</summary>
        public int Unsent
        {
            get { return _ring.Count - _ringInFlight; }
        }

        /// <summary>
        /// Coalescing (Nagle-like): with a TRANSMIT in flight and less than a full TRANSMIT unsent, the unsent bytes
        /// wait for the ACK, whose answer flushes them.
        /// </summary>
        public bool WaitsForAck
        {
            get { return _coalesce && _inFlightCount > 0 && Unsent < _maxTransmitPayload; }
        }

        /// <summary>A flush would send a TRANSMIT now (the socket's state permitting).</summary>
        public bool MayFlushNow
        {
            get { return Unsent > 0 && !WaitsForAck; }
        }

        /// <summary>A datagram of size bytes fits the window beside those in flight.</summary>
        public bool DatagramFits(int size)
        {
            return InFlightBytes + size <= _ring.Capacity;
        }

        /// <summary>A Send would not block: room in the ring (stream), or window left (datagram).</summary>
        public bool IsWritable(bool datagram)
        {
            return datagram ? InFlightBytes < _ring.Capacity : _ring.Free > 0;
        }

        /// <summary>Copies what fits of the application's stream bytes; returns how many.</summary>
        public int Write(byte[] source, int offset, int count)
        {
            return _ring.Write(source, offset, count);
        }

        /// <summary>
        /// The next TRANSMIT of unsent stream bytes (at most a full TRANSMIT), copied to destination and counted in
        /// flight; the caller checked MayFlushNow. Returns its length.
        /// </summary>
        public int TakeTransmit(byte[] destination, int offset)
        {
            int unsent = Unsent;
            int chunk = unsent < _maxTransmitPayload ? unsent : _maxTransmitPayload;
            _ring.Peek(_ringInFlight, destination, offset, chunk);
            _ringInFlight += chunk;
            _inFlightCount++;
            return chunk;
        }

        /// <summary>A datagram of size bytes went out: counted in flight until its answer.</summary>
        public void OnDatagramSent(int size)
        {
            _datagramsInFlight += size;
            _inFlightCount++;
        }

        /// <summary>The host acknowledged a TRANSMIT of length bytes: they leave the window.</summary>
        public void OnAcknowledged(int length, bool datagram)
        {
            if (datagram)
            {
                _datagramsInFlight -= length;
            }
            else
            {
                _ring.Discard(length);
                _ringInFlight -= length;
            }

            _inFlightCount--;
        }

        /// <summary>Drops everything, unsent and in flight (the TRANSMIT requests carrying it are the caller's).</summary>
        public void Clear()
        {
            _ring.Clear();
            _ringInFlight = 0;
            _datagramsInFlight = 0;
            _inFlightCount = 0;
        }
    }
}
