using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// Outstanding requests in a fixed table. Message IDs follow <see cref="HssRules.NextMsgId"/>, skipping IDs still
    /// outstanding (docs/protocol.md section 9). A linear scan is fine for the few dozen slots a device has.
    /// </summary>
    internal sealed class PendingTable
    {
        private readonly PendingRequest[] _slots;
        private int _lastMsgId;
        private int _inUse;

        public PendingTable(int size)
        {
            _slots = new PendingRequest[size];
            for (int i = 0; i < size; i++)
            {
                _slots[i] = new PendingRequest();
            }
        }

        public int InUse
        {
            get { return _inUse; }
        }

        public int Size
        {
            get { return _slots.Length; }
        }

        public PendingRequest this[int index]
        {
            get { return _slots[index]; }
        }

        /// <summary>A free slot with a fresh message ID, or null when every slot is outstanding.</summary>
        public PendingRequest Allocate(int opcode, uint sockId, EngineSocket socket, bool background, long deadlineMs)
        {
            PendingRequest free = null;
            for (int i = 0; i < _slots.Length; i++)
            {
                if (!_slots[i].InUse)
                {
                    free = _slots[i];
                    break;
                }
            }

            if (free == null)
            {
                return null;
            }

            free.InUse = true;
            free.MsgId = NextMsgId();
            free.Opcode = opcode;
            free.SockId = sockId;
            free.Socket = socket;
            free.Length = 0;
            free.Background = background;
            free.DeadlineMs = deadlineMs;
            free.Done = false;
            free.Code = 0;
            free.HasValue = false;
            free.Value = 0;
            free.LocalError = SocketError.Success;
            if (!background)
            {
                // Only a caller that waits uses the event; a background request (every TRANSMIT) leaves it alone.
                free.Completed.Reset();
            }
            _inUse++;
            return free;
        }

        public PendingRequest Find(int msgId)
        {
            for (int i = 0; i < _slots.Length; i++)
            {
                if (_slots[i].InUse && _slots[i].MsgId == msgId)
                {
                    return _slots[i];
                }
            }

            return null;
        }

        public void Free(PendingRequest request)
        {
            if (request.InUse)
            {
                request.InUse = false;
                request.Socket = null;
                _inUse--;
            }
        }

        private ushort NextMsgId()
        {
            // Terminates: the table has far fewer slots than the 65535 IDs, so a free ID is always near.
            while (true)
            {
                _lastMsgId = HssRules.NextMsgId(_lastMsgId);
                if (Find(_lastMsgId) == null)
                {
                    return (ushort)_lastMsgId;
                }
            }
        }
    }
}
