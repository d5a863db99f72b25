namespace HssDevice.Engine
{
    /// <summary>
    /// ACKs for host TRANSMITs (read, or refused) on their way to the link: filled and written by one thread while it
    /// holds CommandWriter's lock, which owns this batch, so no other thread can overwrite an entry before it is
    /// written (issue 16: a Close refusing the rest between a Receive's take and its write). Sized for one socket's
    /// records: one read or one refusal never lists more. Allocated once per engine.
    /// </summary>
    internal sealed class TransmitAckBatch
    {
        private readonly ushort[] _msgId;
        private readonly int[] _value;
        private int _count;

        public TransmitAckBatch(int capacity)
        {
            _msgId = new ushort[capacity];
            _value = new int[capacity];
        }

        /// <summary>Entries listed since the last Clear.</summary>
        public int Count
        {
            get { return _count; }
        }

        /// <summary>Lists one ACK: value is the byte count read, or minus the HSS code of a refusal.</summary>
        public void Add(ushort msgId, int value)
        {
            _msgId[_count] = msgId;
            _value[_count] = value;
            _count++;
        }

        public ushort MsgIdAt(int index)
        {
            return _msgId[index];
        }

        public int ValueAt(int index)
        {
            return _value[index];
        }

        public void Clear()
        {
            _count = 0;
        }
    }
}
