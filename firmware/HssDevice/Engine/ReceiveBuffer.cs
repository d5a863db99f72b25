namespace HssDevice.Engine
{
    /// <summary>
    /// One socket's received data: the bytes of the host's TRANSMITs in a ring, one record per TRANSMIT (its msg_id
    /// for the ACK, its length for a datagram's boundary). Reading lists the ACKs it makes in a
    /// <see cref="TransmitAckBatch"/> the caller owns (docs/protocol.md section 6). Allocated once per socket, never
    /// per packet. Not thread-safe: the engine holds its lock.
    /// </summary>
    internal sealed class ReceiveBuffer
    {
        private readonly ByteRing _ring;
        private readonly ushort[] _recordMsgId;
        private readonly int[] _recordLength;
        private int _recordHead;
        private int _recordCount;
        private int _recordConsumed;

        public ReceiveBuffer(int capacity, int records)
        {
            _ring = new ByteRing(capacity);
            _recordMsgId = new ushort[records];
            _recordLength = new int[records];
        }

        /// <summary>Bytes buffered for the application.</summary>
        public int Count
        {
            get { return _ring.Count; }
        }

        /// <summary>Host TRANSMITs buffered and not yet wholly read.</summary>
        public int RecordCount
        {
            get { return _recordCount; }
        }

        /// <summary>True when a TRANSMIT of length bytes fits (bytes and a record slot; the total budget is the caller's).</summary>
        public bool Fits(int length)
        {
            return _ring.Free >= length && _recordCount < _recordMsgId.Length;
        }

        /// <summary>Buffers one host TRANSMIT; the caller checked <see cref="Fits"/>.</summary>
        public void Append(byte[] source, int offset, int length, ushort msgId)
        {
            _ring.Write(source, offset, length);
            int tail = (_recordHead + _recordCount) % _recordMsgId.Length;
            _recordMsgId[tail] = msgId;
            _recordLength[tail] = length;
            _recordCount++;
        }

        /// <summary>
        /// Stream read: copies up to size bytes; every TRANSMIT now wholly read is listed in acks with its length (acks
        /// null: the host forgot them, no ACK is owed). Returns the bytes copied.
        /// </summary>
        public int TakeStream(byte[] buffer, int offset, int size, TransmitAckBatch acks)
        {
            int copied = _ring.Read(buffer, offset, size);
            int left = copied;
            while (left > 0)
            {
                int head = _recordHead;
                int inRecord = _recordLength[head] - _recordConsumed;
                int take = left < inRecord ? left : inRecord;
                _recordConsumed += take;
                left -= take;
                if (_recordConsumed == _recordLength[head])
                {
                    if (acks != null)
                    {
                        acks.Add(_recordMsgId[head], _recordLength[head]);
                    }

                    PopRecord();
                }
            }

            return copied;
        }

        /// <summary>
        /// Datagram read: the first datagram, cut to size (the rest discarded), listed in acks (unless null) with its
        /// whole length. Returns the bytes copied; released is the datagram's whole length (what leaves the buffer).
        /// </summary>
        public int TakeDatagram(byte[] buffer, int offset, int size, TransmitAckBatch acks, out int released)
        {
            int head = _recordHead;
            int length = _recordLength[head];
            int copied = _ring.Read(buffer, offset, size < length ? size : length);
            _ring.Discard(length - copied);
            if (acks != null)
            {
                acks.Add(_recordMsgId[head], length);
            }

            released = length;
            PopRecord();
            return copied;
        }

        /// <summary>Every buffered TRANSMIT is listed in acks, refused with minus hssCode. Returns how many.</summary>
        public int RefuseAll(int hssCode, TransmitAckBatch acks)
        {
            int refused = 0;
            while (_recordCount > 0)
            {
                acks.Add(_recordMsgId[_recordHead], -hssCode);
                refused++;
                PopRecord();
            }

            return refused;
        }

        /// <summary>Drops everything buffered; returns the bytes dropped.</summary>
        public int Clear()
        {
            int dropped = _ring.Count;
            _ring.Clear();
            _recordCount = 0;
            _recordHead = 0;
            _recordConsumed = 0;
            return dropped;
        }

        private void PopRecord()
        {
            _recordHead = (_recordHead + 1) % _recordMsgId.Length;
            _recordCount--;
            _recordConsumed = 0;
        }
    }
}
