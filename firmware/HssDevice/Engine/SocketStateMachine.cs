namespace HssDevice.Engine
{
    /// <summary>
    /// One socket's state as a state machine, in the style of smoltcp's TCP socket: one <see cref="SocketState"/>,
    /// changed only by the named transitions below, each ending in Enter (change: trace, wake both waiters) or Ignore
    /// (SocketStateMachineChanges.cs), and every question the engine asks (may it read, write, close, take host
    /// data?) answered from it (SocketStateMachineQuestions.cs). No I/O, no locks: the engine calls it under its lock.
    /// </summary>
    internal sealed partial class SocketStateMachine
    {
        // Written only under the engine's lock. OpenAccepted reads it without (AwaitOpen's fast path): a plain read
        // (nanoFramework has no volatile), which may see an earlier state and then takes the lock; the call that
        // follows takes the lock anyway.
        private SocketState _state = SocketState.Opening;
        private SocketError _error = SocketError.Success;
        private int _errorHssCode = HssSocketException.NoHssCode;

        // Two local facts that are not protocol states: Shutdown(Receive) sends nothing to the host, and a second
        // Shutdown(Send) after a sent one has nothing left to do.
        private bool _receiveShutdown;
        private bool _shutdownAcknowledged;

        public SocketState State
        {
            get { return _state; }
        }

        /// <summary>The first failure (Success when none).</summary>
        public SocketError Error
        {
            get { return _error; }
        }

        /// <summary>The HSS code of the failure when the host gave one, else HssSocketException.NoHssCode.</summary>
        public int ErrorHssCode
        {
            get { return _errorHssCode; }
        }

        // ---- transitions ----

        /// <summary>
        /// The host acknowledged OPEN with ESUCCESS. Returns true when the application closed the socket meanwhile:
        /// it is Closing now and its CLOSE may go out.
        /// </summary>
        public bool OnOpenAcked()
        {
            const SocketTransition t = SocketTransition.OpenAcked;
            if (_state == SocketState.Opening)
            {
                Enter(SocketState.Open, t);
            }
            else if (_state == SocketState.OpeningConnecting)
            {
                Enter(SocketState.Connecting, t);
            }
            else if (_state == SocketState.OpeningClosed)
            {
                Enter(SocketState.Closing, t);
                return true;
            }
            else
            {
                Ignore(t);
            }

            return false;
        }

        /// <summary>
        /// The host refused OPEN with hssCode (error is its SocketError): the handle never existed there, so the slot
        /// is free at once (Released). The application's socket keeps the OPEN's error: its operations (Connect
        /// first) report it. Closed before the answer, there is nothing to report.
        /// </summary>
        public void OnOpenRefused(SocketError error, int hssCode)
        {
            if (!IsOpening && _state != SocketState.OpeningClosed)
            {
                Ignore(SocketTransition.OpenRefused);
                return;
            }

            if (IsOpening)
            {
                RecordFirstError(error, hssCode);
            }

            Enter(SocketState.Released, SocketTransition.OpenRefused);
        }

        /// <summary>
        /// OPEN was not answered in time: the host may have opened it late, so it is closed as after an app close
        /// (CLOSE in the background, then the slot is free); the application sees TimedOut.
        /// </summary>
        public void OnOpenTimedOut()
        {
            if (!IsOpening && _state != SocketState.OpeningClosed)
            {
                Ignore(SocketTransition.OpenTimedOut);
                return;
            }

            RecordFirstError(SocketError.TimedOut, HssSocketException.NoHssCode);
            Enter(SocketState.Closing, SocketTransition.OpenTimedOut);
        }

        /// <summary>CONNECT is about to be sent (right behind OPEN when OPEN is still unanswered).</summary>
        public void OnConnectSent()
        {
            const SocketTransition t = SocketTransition.ConnectSent;
            if (_state == SocketState.Open)
            {
                Enter(SocketState.Connecting, t);
            }
            else if (_state == SocketState.Opening)
            {
                Enter(SocketState.OpeningConnecting, t);
            }
            else
            {
                Ignore(t);
            }
        }

        /// <summary>The CONNECT ended: accepted, or refused/not sent (the socket stays open for another try).</summary>
        public void OnConnectAnswered(bool connected)
        {
            const SocketTransition t = SocketTransition.ConnectAnswered;
            if (_state == SocketState.Connecting)
            {
                Enter(connected ? SocketState.Established : SocketState.Open, t);
            }
            else if (_state == SocketState.OpeningConnecting)
            {
                // The host answers in order, so OPEN's ACK comes first; an accepted CONNECT means it was opened.
                Enter(connected ? SocketState.Established : SocketState.Opening, t);
            }
            else
            {
                Ignore(t);
            }
        }

        /// <summary>Shutdown(Send) by the application: no more writes.</summary>
        public void OnAppShutdownSend()
        {
            const SocketTransition t = SocketTransition.AppShutdownSend;
            if (_state == SocketState.Established)
            {
                Enter(SocketState.SendShutdown, t);
            }
            else if (_state == SocketState.RemoteShutdown)
            {
                Enter(SocketState.BothShutdown, t);
            }
            else
            {
                Ignore(t);
            }
        }

        /// <summary>This socket's SHUTDOWN went out (after all its data was acknowledged).</summary>
        public void OnShutdownSent()
        {
            _shutdownAcknowledged = true;
            Enter(_state, SocketTransition.ShutdownSent);
        }

        /// <summary>Shutdown(Receive) by the application: reads return end of stream (local only).</summary>
        public void OnAppShutdownReceive()
        {
            _receiveShutdown = true;
            Enter(_state, SocketTransition.AppShutdownReceive);
        }

        /// <summary>The host's SHUTDOWN: the remote peer sends nothing more.</summary>
        public void OnHostShutdown()
        {
            const SocketTransition t = SocketTransition.HostShutdown;
            // From Connecting too: the SHUTDOWN can come before the CONNECT's ACK is read (a peer that sends its data
            // and shuts down at once), and it means the connect succeeded.
            if (_state == SocketState.Established || _state == SocketState.Connecting || _state == SocketState.OpeningConnecting)
            {
                Enter(SocketState.RemoteShutdown, t);
            }
            else if (_state == SocketState.SendShutdown)
            {
                Enter(SocketState.BothShutdown, t);
            }
            else
            {
                Ignore(t);
            }
        }

        /// <summary>
        /// The host's CLOSE. Returns true when the application had already closed the socket: the slot is free now
        /// (the handle is dead on both sides, no CLOSE goes back).
        /// </summary>
        public bool OnHostClose()
        {
            const SocketTransition t = SocketTransition.HostClose;
            if (IsAppClosed)
            {
                Enter(SocketState.Released, t);
                return true;
            }

            if (_state == SocketState.Released)
            {
                Ignore(t);
            }
            else
            {
                Enter(SocketState.RemoteClosed, t);
            }

            return false;
        }

        /// <summary>The link went down or lost framing: the host forgot every handle.</summary>
        public void OnLinkReset()
        {
            OnFailure(SocketError.NetworkReset, HssSocketException.NoHssCode);
        }

        /// <summary>
        /// A failure: the first cause is kept. A socket the application still holds moves to Failed; a closing one
        /// keeps closing, a remotely ended one keeps its end of stream; both remember the error. A released socket, or
        /// one that had failed already in the same state, ignores it.
        /// </summary>
        public void OnFailure(SocketError error, int hssCode)
        {
            const SocketTransition t = SocketTransition.Failure;
            bool firstError = _error == SocketError.Success;
            SocketState next = !IsAppClosed && !InputEnded ? SocketState.Failed : _state;
            if (_state == SocketState.Released || (!firstError && next == _state))
            {
                Ignore(t);
                return;
            }

            RecordFirstError(error, hssCode);
            Enter(next, t);
        }

        /// <summary>
        /// Close() by the application. Returns true when the host no longer holds the handle (its CLOSE, a link
        /// reset, the engine stopped, ENOSOCK): the slot is free at once, no CLOSE is sent. Before
        /// OPEN's answer the socket waits for it (OpeningClosed): the host may open it yet.
        /// </summary>
        public bool OnAppClose()
        {
            const SocketTransition t = SocketTransition.AppClose;
            if (IsOpening)
            {
                Enter(SocketState.OpeningClosed, t);
                return false;
            }

            bool hostForgot = HostForgotHandle;
            Enter(hostForgot ? SocketState.Released : SocketState.Closing, t);
            return hostForgot;
        }

        /// <summary>CLOSE is being written.</summary>
        public void OnCloseSent()
        {
            Enter(SocketState.CloseSent, SocketTransition.CloseSent);
        }

        /// <summary>CLOSE answered or timed out, or the engine gives the slot back for another reason.</summary>
        public void OnReleased()
        {
            if (_state == SocketState.Released)
            {
                Ignore(SocketTransition.Released);
                return;
            }

            Enter(SocketState.Released, SocketTransition.Released);
        }

        private void RecordFirstError(SocketError error, int hssCode)
        {
            if (_error == SocketError.Success)
            {
                _error = error;
                _errorHssCode = hssCode;
            }
        }
    }
}
