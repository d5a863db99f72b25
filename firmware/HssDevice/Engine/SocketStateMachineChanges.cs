namespace HssDevice.Engine
{
    /// <summary>
    /// The one place a socket's state changes (as smoltcp's set_state): every transition ends in
    /// <see cref="Enter"/>, which records the change in the trace and wakes both of the socket's waiters (a blocked
    /// Receive and a blocked Send look at the new state), or in <see cref="Ignore"/>, which records that the state
    /// ignored it and wakes nobody. No transition sets a signal of its own, so none can be forgotten.
    /// </summary>
    internal sealed partial class SocketStateMachine
    {
        private EngineSignal _receiveWaiter;
        private EngineSignal _sendWaiter;
        private SocketStateTrace _trace;
        private uint _traceHandle;

        /// <summary>The socket's two waiters, woken by every change (EngineSocket; a machine tested alone has none).</summary>
        public void WakeOnChange(EngineSignal receiveWaiter, EngineSignal sendWaiter)
        {
            _receiveWaiter = receiveWaiter;
            _sendWaiter = sendWaiter;
        }

        /// <summary>Records every transition of this socket (handle) in trace; null: no trace.</summary>
        public void TraceTo(SocketStateTrace trace, uint handle)
        {
            _trace = trace;
            _traceHandle = handle;
        }

        /// <summary>The transition changed the socket (its state, its error or a local flag): next is the new state.</summary>
        private void Enter(SocketState next, SocketTransition transition)
        {
            SocketState from = _state;
            _state = next;
            if (_trace != null)
            {
                _trace.Record(_traceHandle, transition, from, next, ignored: false);
            }

            if (_receiveWaiter != null)
            {
                _receiveWaiter.Set();
                _sendWaiter.Set();
            }
        }

        /// <summary>The state ignores the transition: nothing changes, nobody wakes; the trace says so.</summary>
        private void Ignore(SocketTransition transition)
        {
            if (_trace != null)
            {
                _trace.Record(_traceHandle, transition, _state, _state, ignored: true);
            }
        }
    }
}
