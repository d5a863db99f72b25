namespace HssDevice.Engine
{
    /// <summary>The questions the engine asks a socket's state machine, every answer derived from its state.</summary>
    internal sealed partial class SocketStateMachine
    {
        /// <summary>The slot is taken (closing sockets included).</summary>
        public bool InUse
        {
            get { return _state != SocketState.Released; }
        }

        public bool IsAppClosed
        {
            get { return _state == SocketState.Closing || _state == SocketState.CloseSent || _state == SocketState.OpeningClosed; }
        }

        /// <summary>OPEN not answered yet and the application still holds the socket (CONNECT may be out too).</summary>
        public bool IsOpening
        {
            get { return _state == SocketState.Opening || _state == SocketState.OpeningConnecting; }
        }

        public bool IsCloseSent
        {
            get { return _state == SocketState.CloseSent; }
        }

        /// <summary>Connected, whether or not one side has ended (Socket.Connected's meaning, before an error).</summary>
        public bool IsConnected
        {
            get
            {
                return _state == SocketState.Established || _state == SocketState.SendShutdown
                    || _state == SocketState.RemoteShutdown || _state == SocketState.BothShutdown;
            }
        }

        public bool HasFailed
        {
            get { return _error != SocketError.Success; }
        }

        /// <summary>Failed, or closed by the host: what Poll(SelectError) reports.</summary>
        public bool HasError
        {
            get { return _error != SocketError.Success || _state == SocketState.RemoteClosed; }
        }

        /// <summary>The remote side sends nothing more (host SHUTDOWN or CLOSE).</summary>
        public bool InputEnded
        {
            get
            {
                return _state == SocketState.RemoteShutdown || _state == SocketState.BothShutdown
                    || _state == SocketState.RemoteClosed;
            }
        }

        /// <summary>After the buffered bytes, reads return 0: the remote side or the application ended receiving.</summary>
        public bool ReadsEnd
        {
            get { return _receiveShutdown || InputEnded; }
        }

        /// <summary>
        /// A host TRANSMIT for this socket can be buffered: connected and still receiving, or CONNECT sent (data can
        /// overtake the CONNECT's ACK, docs/protocol.md section 6).
        /// </summary>
        public bool CanAcceptHostData
        {
            get
            {
                return _error == SocketError.Success
                    && (_state == SocketState.Established || _state == SocketState.SendShutdown || _state == SocketState.Connecting
                        || _state == SocketState.OpeningConnecting);
            }
        }

        /// <summary>Bytes already queued may still go out as TRANSMITs (also while closing, to drain before CLOSE).</summary>
        public bool CanTransmit
        {
            get
            {
                return _error == SocketError.Success
                    && (IsConnected || _state == SocketState.Closing);
            }
        }

        /// <summary>The application may queue more data.</summary>
        public bool CanWrite
        {
            get
            {
                return _error == SocketError.Success
                    && (_state == SocketState.Established || _state == SocketState.RemoteShutdown);
            }
        }

        /// <summary>Shutdown(Send) has nothing left to do.</summary>
        public bool SendShutdownDone
        {
            get { return _shutdownAcknowledged; }
        }

        /// <summary>
        /// Why the application may not write now: Success when it may. ObjectDisposed is not a SocketError: a
        /// closed socket reports Shutdown here and the engine throws ObjectDisposedException before asking.
        /// </summary>
        public SocketError WriteRefusal
        {
            get
            {
                if (_error != SocketError.Success)
                {
                    return _error;
                }

                if (_state == SocketState.RemoteClosed)
                {
                    return SocketError.ConnectionReset;
                }

                if (_state == SocketState.SendShutdown || _state == SocketState.BothShutdown || IsAppClosed)
                {
                    return SocketError.Shutdown;
                }

                return CanWrite ? SocketError.Success : SocketError.NotConnected;
            }
        }

        /// <summary>
        /// True in the states reached only after the host accepted OPEN (and before the application's Close or a
        /// failure). Safe without the engine's lock: no transition leads from them back to an opening state, so a
        /// stale read can only say false (and the caller looks again under the lock).
        /// </summary>
        public bool OpenAccepted
        {
            get
            {
                SocketState state = _state;
                return state == SocketState.Open || state == SocketState.Connecting || state == SocketState.Established
                    || state == SocketState.SendShutdown || state == SocketState.RemoteShutdown
                    || state == SocketState.BothShutdown || state == SocketState.RemoteClosed;
            }
        }

        /// <summary>True when the host no longer holds the handle, so closing needs no CLOSE.</summary>
        public bool HostForgotHandle
        {
            get
            {
                return _state == SocketState.RemoteClosed
                    || _error == SocketError.NetworkReset
                    || _error == SocketError.OperationAborted
                    || _errorHssCode == HssDevice.Wire.HssError.NoSocket;
            }
        }
    }
}
