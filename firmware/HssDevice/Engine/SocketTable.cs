namespace HssDevice.Engine
{
    /// <summary>
    /// The engine's sockets: a fixed number of slots, the handles the host knows them by (non-zero, unique among
    /// live sockets, docs/protocol.md section 4) and lookup by handle. Not thread-safe: the engine holds its lock.
    /// </summary>
    internal sealed class SocketTable
    {
        private readonly EngineSocket[] _slots;
        private readonly EngineCounters _counters;
        private uint _nextHandle = 1;

        public SocketTable(int size, EngineCounters counters)
        {
            _counters = counters;
            _slots = new EngineSocket[size];
            for (int i = 0; i < size; i++)
            {
                // Released placeholders: every open puts a fresh EngineSocket in its slot.
                _slots[i] = EngineSocket.ReleasedPlaceholder(counters);
            }
        }

        public int Size
        {
            get { return _slots.Length; }
        }

        /// <summary>The socket in slot index (released ones included).</summary>
        public EngineSocket this[int index]
        {
            get { return _slots[index]; }
        }

        /// <summary>Sockets in use, closing ones included.</summary>
        public int InUse
        {
            get
            {
                int n = 0;
                for (int i = 0; i < _slots.Length; i++)
                {
                    if (_slots[i].Machine.InUse)
                    {
                        n++;
                    }
                }

                return n;
            }
        }

        /// <summary>The live socket with this handle, or null (0 is never a handle).</summary>
        public EngineSocket Find(uint handle)
        {
            if (handle == 0)
            {
                return null;
            }

            for (int i = 0; i < _slots.Length; i++)
            {
                if (_slots[i].Machine.InUse && _slots[i].Handle == handle)
                {
                    return _slots[i];
                }
            }

            return null;
        }

        /// <summary>
        /// Puts a new socket with a fresh handle in a free slot, or returns null when every slot is taken. A new
        /// object per open (its buffers are allocated here, never per packet): a call still holding the previous
        /// socket of the slot can never act on the new one.
        /// </summary>
        public EngineSocket Allocate(HssEngineSettings settings)
        {
            int slot = -1;
            for (int i = 0; i < _slots.Length; i++)
            {
                if (!_slots[i].Machine.InUse)
                {
                    slot = i;
                    break;
                }
            }

            if (slot < 0)
            {
                return null;
            }

            uint handle;
            do
            {
                handle = _nextHandle;
                _nextHandle = _nextHandle == uint.MaxValue ? 1 : _nextHandle + 1;
            }
            while (Find(handle) != null);

            EngineSocket fresh = new EngineSocket(settings, _counters);
            fresh.Handle = handle;
            fresh.Machine.TraceTo(settings.StateTrace, handle);
            _slots[slot] = fresh;
            return fresh;
        }
    }
}
