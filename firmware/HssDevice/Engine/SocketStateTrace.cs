namespace HssDevice.Engine
{
    /// <summary>
    /// The last transitions of an engine's sockets (as smoltcp's set_state traces them): which socket, which
    /// transition, the state before and after, and whether the state ignored it (nothing changed). A fixed ring,
    /// filled under the engine's lock; off unless a test or a debugging build sets
    /// <see cref="HssEngineSettings.StateTrace"/>, so a board pays one null check per transition.
    /// </summary>
    internal sealed class SocketStateTrace
    {
        private readonly uint[] _handle;
        private readonly SocketTransition[] _transition;
        private readonly SocketState[] _from;
        private readonly SocketState[] _to;
        private readonly bool[] _ignored;
        private int _recorded;

        public SocketStateTrace(int capacity)
        {
            _handle = new uint[capacity];
            _transition = new SocketTransition[capacity];
            _from = new SocketState[capacity];
            _to = new SocketState[capacity];
            _ignored = new bool[capacity];
        }

        /// <summary>Transitions recorded since the start (the ring keeps the last Capacity).</summary>
        public int Recorded
        {
            get { return _recorded; }
        }

        public int Capacity
        {
            get { return _handle.Length; }
        }

        public void Record(uint handle, SocketTransition transition, SocketState from, SocketState to, bool ignored)
        {
            int i = _recorded % _handle.Length;
            _handle[i] = handle;
            _transition[i] = transition;
            _from[i] = from;
            _to[i] = to;
            _ignored[i] = ignored;
            _recorded++;
        }

        /// <summary>Index (0 = oldest kept) of the last entry for handle and transition, or -1.</summary>
        public int FindLast(uint handle, SocketTransition transition)
        {
            int kept = _recorded < _handle.Length ? _recorded : _handle.Length;
            for (int k = kept - 1; k >= 0; k--)
            {
                int i = Slot(k);
                if (_handle[i] == handle && _transition[i] == transition)
                {
                    return k;
                }
            }

            return -1;
        }

        public SocketState FromAt(int k)
        {
            return _from[Slot(k)];
        }

        public SocketState ToAt(int k)
        {
            return _to[Slot(k)];
        }

        public bool IgnoredAt(int k)
        {
            return _ignored[Slot(k)];
        }

        private int Slot(int k)
        {
            int first = _recorded < _handle.Length ? 0 : _recorded % _handle.Length;
            return (first + k) % _handle.Length;
        }
    }
}
