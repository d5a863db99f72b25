using System;
using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>OPEN, CONNECT, SHUTDOWN and CLOSE requests from the application.</summary>
    public sealed partial class HssEngine
    {
        /// <summary>Sends OPEN and waits for its ACK. Throws HssSocketException on refusal, timeout or link loss.</summary>
        public EngineSocket Open(int family, int protocol, int type)
        {
            if (!HssType.IsValidPair(family, protocol, type))
            {
                throw new HssSocketException(SocketError.ProtocolNotSupported, "unsupported family/protocol/type combination");
            }

            EngineSocket s;
            PendingRequest request;
            lock (_commandWriteLock)
            {
                lock (_sync)
                {
                    ThrowIfStopped();
                    if (_sessionEnded)
                    {
                        throw new HssSocketException(SocketError.NetworkReset, "the link lost its framing; waiting for it to go down and up again");
                    }

                    s = AllocateSocketLocked();
                    s.FamilyValue = family;
                    s.ProtocolValue = protocol;
                    s.TypeValue = type;
                    request = AllocateRequestLocked(HssOpcode.Open, s.HandleValue, s, false, _settings.CommandTimeoutMs);
                    if (request == null)
                    {
                        ReleaseLocked(s);
                        throw TooManyRequests();
                    }
                }

                int n = PacketWriter.WriteOpen(_commandTx, 0, request.MsgId, s.HandleValue, family, protocol, type);
                try
                {
                    WriteRequestLocked(request, n, s);
                }
                catch (HssSocketException)
                {
                    lock (_sync)
                    {
                        ReleaseLocked(s);
                    }

                    throw;
                }
            }

            try
            {
                AwaitAnswer(request, _settings.CommandTimeoutMs);
            }
            catch (HssSocketException e)
            {
                if (e.SocketErrorCode == SocketError.TimedOut)
                {
                    // The host may have opened it after all: close that handle, then give it back.
                    lock (_sync)
                    {
                        s.Machine.OnOpenTimedOut();
                    }

                    SendCloseInBackground(s);
                }
                else
                {
                    lock (_sync)
                    {
                        ReleaseLocked(s);
                    }
                }

                throw;
            }

            lock (_sync)
            {
                s.Machine.OnOpenAcked();
            }

            return s;
        }

        /// <summary>Sends CONNECT (address in network order, 4 or 16 bytes) and waits for its ACK.</summary>
        public void Connect(EngineSocket s, byte[] address, int port, uint flowInfo, uint scopeId, int timeoutMs)
        {
            int family = address.Length == 4 ? HssFamily.IPv4 : address.Length == 16 ? HssFamily.IPv6 : 0;
            if (family == 0)
            {
                throw new ArgumentException("address must be 4 or 16 bytes");
            }

            PendingRequest request;
            lock (_commandWriteLock)
            {
                lock (_sync)
                {
                    ThrowIfUnusable(s);
                    if (s.Machine.IsConnected || s.Machine.State == SocketState.RemoteClosed)
                    {
                        throw new HssSocketException(SocketError.IsConnected, "the socket is already connected");
                    }

                    if (s.Machine.State != SocketState.Open)
                    {
                        throw new HssSocketException(SocketError.InvalidArgument, "a connect is already in progress");
                    }

                    if (family != s.FamilyValue)
                    {
                        throw new HssSocketException(SocketError.AddressFamilyNotSupported, "the address family differs from the socket's");
                    }

                    request = AllocateRequestLocked(HssOpcode.Connect, s.HandleValue, s, false, timeoutMs);
                    if (request == null)
                    {
                        throw TooManyRequests();
                    }

                    s.Machine.OnConnectSent();
                }

                int n = family == HssFamily.IPv4
                    ? PacketWriter.WriteConnectIPv4(_commandTx, 0, request.MsgId, s.HandleValue, port, address, 0)
                    : PacketWriter.WriteConnectIPv6(_commandTx, 0, request.MsgId, s.HandleValue, port, address, 0, flowInfo, scopeId);
                WriteRequestLocked(request, n, s);
            }

            bool connected = false;
            try
            {
                AwaitAnswer(request, timeoutMs);
                connected = true;
            }
            catch (HssSocketException e)
            {
                if (e.SocketErrorCode == SocketError.TimedOut && e.HssCode == HssSocketException.NoHssCode)
                {
                    // The host may still connect it later: the socket is unusable; Close sends CLOSE.
                    lock (_sync)
                    {
                        FailLocked(s, SocketError.TimedOut, HssSocketException.NoHssCode);
                    }
                }

                throw;
            }
            finally
            {
                lock (_sync)
                {
                    s.Machine.OnConnectAnswered(connected);
                }
            }
        }

        /// <summary>
        /// Ends the sending side: waits until every byte sent so far is acknowledged (docs/protocol.md section 8),
        /// then sends SHUTDOWN and returns; its ACK is not awaited (an error in it fails the socket). Receiving goes on.
        /// </summary>
        public void ShutdownSend(EngineSocket s, int drainTimeoutMs)
        {
            long deadline = DeadlineAfter(drainTimeoutMs);
            lock (_sync)
            {
                ThrowIfUnusable(s);
                if (s.Machine.SendShutdownDone)
                {
                    return;
                }

                RequireConnectedLocked(s);
                s.Machine.OnAppShutdownSend();
            }

            while (true)
            {
                lock (_sync)
                {
                    ThrowIfFailedLocked(s);
                    if (s.SendRing.Count == 0)
                    {
                        break;
                    }
                }

                if (!_clock.WaitUntil(s.SendSignal, deadline) && Passed(deadline))
                {
                    throw new HssSocketException(SocketError.TimedOut, "sent data was not acknowledged in time; SHUTDOWN not sent");
                }
            }

            PendingRequest request;
            lock (_commandWriteLock)
            {
                lock (_sync)
                {
                    ThrowIfFailedLocked(s);
                    // No waiter: the reference host neither acts on nor answers SHUTDOWN (docs/decisions.md). An
                    // error answer fails the socket later; no answer times out in housekeeping and is only counted.
                    request = AllocateRequestLocked(HssOpcode.Shutdown, s.HandleValue, s, true, _settings.CommandTimeoutMs);
                    if (request == null)
                    {
                        throw TooManyRequests();
                    }
                }

                WriteRequestLocked(request, PacketWriter.WriteShutdown(_commandTx, 0, request.MsgId, s.HandleValue), s);
            }

            lock (_sync)
            {
                s.Machine.OnShutdownSent();
            }
        }

        /// <summary>Ends receiving locally: later receives return 0. Nothing goes to the host (HSS has no such request).</summary>
        public void ShutdownReceive(EngineSocket s)
        {
            lock (_sync)
            {
                ThrowIfUnusable(s);
                s.Machine.OnAppShutdownReceive();
                s.ReceiveSignal.Set();
            }
        }

        /// <summary>
        /// Closes at once for the application ("Close takes effect regardless of acknowledgment"). The engine sends
        /// CLOSE once the socket's data is acknowledged (or CloseLingerMs passed) and reuses the handle after the ACK.
        /// </summary>
        public void Close(EngineSocket s)
        {
            bool closeNow = false;
            int acks = 0;
            lock (_sync)
            {
                if (!s.Machine.InUse || s.Machine.IsAppClosed)
                {
                    return;
                }

                bool hostForgot = s.Machine.OnAppClose();
                // Host TRANSMITs still buffered are answered (exactly one ACK each), refused: nobody will read them.
                while (!hostForgot && s.RecordCount > 0)
                {
                    s.AckMsgId[acks] = s.RecordMsgId[s.RecordHead];
                    s.AckValue[acks] = -HssError.NotConnected;
                    acks++;
                    PopRecordLocked(s);
                }

                _totalBuffered -= s.ReceiveRing.Count;
                s.ReceiveRing.Clear();
                s.RecordCount = 0;
                _receiveSpace.Set();
                s.ReceiveSignal.Set();
                s.SendSignal.Set();
                if (hostForgot)
                {
                    ReleaseLocked(s);
                    return;
                }

                if (s.SendRing.Count == 0)
                {
                    closeNow = true;
                }
                else
                {
                    s.CloseDeadlineMs = DeadlineAfter(_settings.CloseLingerMs);
                }
            }

            SendTransmitAcks(s, acks);
            if (closeNow)
            {
                SendCloseInBackground(s);
            }
        }

        /// <summary>
        /// Close for a socket its application dropped without closing (HssSocket's finalizer): no link write on the
        /// finalizer thread; the next housekeeping run sends the CLOSE, so the slot does not stay taken forever.
        /// </summary>
        internal void CloseAbandoned(EngineSocket s)
        {
            lock (_sync)
            {
                if (!s.Machine.InUse || s.Machine.IsAppClosed)
                {
                    return;
                }

                bool hostForgot = s.Machine.OnAppClose();
                _totalBuffered -= s.ReceiveRing.Count;
                s.ReceiveRing.Clear();
                s.RecordCount = 0;
                _receiveSpace.Set();
                if (hostForgot)
                {
                    ReleaseLocked(s);
                    return;
                }

                s.CloseDeadlineMs = Now();
            }
        }

        /// <summary>Sends CLOSE with no waiter; the ACK (or the timeout) gives the handle back.</summary>
        private void SendCloseInBackground(EngineSocket s)
        {
            // Holding the data writer too: a TRANSMIT of this socket being written now goes out before the CLOSE.
            lock (_commandWriteLock)
            lock (_dataWriteLock)
            {
                PendingRequest request;
                lock (_sync)
                {
                    if (s.Machine.State != SocketState.Closing || !_running)
                    {
                        return;
                    }

                    request = AllocateRequestLocked(HssOpcode.Close, s.HandleValue, s, true, _settings.CommandTimeoutMs);
                    if (request == null)
                    {
                        // Table full: housekeeping tries again.
                        s.CloseDeadlineMs = Now();
                        return;
                    }

                    DropSendsLocked(s);
                    s.Machine.OnCloseSent();
                }

                try
                {
                    WriteCommandLocked(PacketWriter.WriteClose(_commandTx, 0, request.MsgId, s.HandleValue));
                }
                catch (HssSocketException)
                {
                    // The link reset already released the closed socket.
                }
            }
        }

        /// <summary>Sends CLOSE for a handle whose socket is already gone here (after a framing loss); nothing waits.</summary>
        private void SendCloseForHandle(uint handle)
        {
            lock (_commandWriteLock)
            {
                PendingRequest request;
                lock (_sync)
                {
                    request = _running ? AllocateRequestLocked(HssOpcode.Close, handle, null, true, _settings.CommandTimeoutMs) : null;
                }

                if (request == null)
                {
                    return;
                }

                try
                {
                    WriteCommandLocked(PacketWriter.WriteClose(_commandTx, 0, request.MsgId, handle));
                }
                catch (HssSocketException)
                {
                    // The link is down again: the host forgets the handle with it.
                }
            }
        }

        private EngineSocket AllocateSocketLocked()
        {
            EngineSocket fresh = _sockets.Allocate(_settings.ReceiveBufferPerSocket, _settings.SendWindow, _settings.ReceiveRecordsPerSocket);
            if (fresh == null)
            {
                throw new HssSocketException(SocketError.TooManyOpenSockets, "all " + _sockets.Size.ToString() + " sockets are in use");
            }

            return fresh;
        }

        private PendingRequest AllocateRequestLocked(int opcode, uint sockId, EngineSocket s, bool background, int timeoutMs)
        {
            return _pending.Allocate(opcode, sockId, s, background, DeadlineAfter(timeoutMs));
        }

        /// <summary>Writes a request built in _commandTx; on link failure the request is abandoned.</summary>
        private void WriteRequestLocked(PendingRequest request, int length, EngineSocket s)
        {
            try
            {
                WriteCommandLocked(length);
            }
            catch (HssSocketException)
            {
                lock (_sync)
                {
                    FreeRequestLocked(request);
                    s.Machine.OnConnectAnswered(false);
                }

                throw;
            }
        }

        /// <summary>Waits for the answer to a request and throws unless it was ESUCCESS.</summary>
        private void AwaitAnswer(PendingRequest request, int timeoutMs)
        {
            _clock.WaitUntil(request.Completed, request.DeadlineMs);
            int code;
            int opcode;
            SocketError local;
            lock (_sync)
            {
                opcode = request.Opcode;
                if (!request.Done)
                {
                    _stats.TimedOutRequests++;
                    FreeRequestLocked(request);
                    throw new HssSocketException(SocketError.TimedOut, HssOpcode.NameOf(opcode) + ": the host did not answer within " + timeoutMs.ToString() + " ms");
                }

                code = request.Code;
                local = request.LocalError;
                FreeRequestLocked(request);
            }

            if (local != SocketError.Success)
            {
                throw LocalFailure(local);
            }

            if (code != HssError.Success)
            {
                throw ErrorMap.FromHss(code, opcode);
            }
        }

        private static HssSocketException LocalFailure(SocketError error)
        {
            if (error == SocketError.NetworkReset)
            {
                return new HssSocketException(error, "the USB link was reset");
            }

            if (error == SocketError.OperationAborted)
            {
                return new HssSocketException(error, "the HSS engine was stopped");
            }

            return new HssSocketException(error, "socket failed: " + ((int)error).ToString());
        }

        private static HssSocketException TooManyRequests()
        {
            return new HssSocketException(SocketError.NoBufferSpaceAvailable, "too many requests outstanding on the link");
        }

        private void ThrowIfStopped()
        {
            if (!_running)
            {
                throw new HssSocketException(SocketError.OperationAborted, "the HSS engine is not running");
            }
        }

        private void ThrowIfUnusable(EngineSocket s)
        {
            if (!s.Machine.InUse || s.Machine.IsAppClosed)
            {
                throw new ObjectDisposedException("HssSocket");
            }

            ThrowIfFailedLocked(s);
        }

        private void ThrowIfFailedLocked(EngineSocket s)
        {
            SocketStateMachine m = s.Machine;
            if (m.HasFailed)
            {
                if (m.ErrorHssCode != HssSocketException.NoHssCode)
                {
                    throw new HssSocketException(m.Error, m.ErrorHssCode, "the host failed the socket: " + HssError.NameOf(m.ErrorHssCode));
                }

                throw LocalFailure(m.Error);
            }

            if (m.IsAppClosed)
            {
                throw new ObjectDisposedException("HssSocket");
            }
        }

        private static void RequireConnectedLocked(EngineSocket s)
        {
            if (s.Machine.State == SocketState.RemoteClosed)
            {
                throw new HssSocketException(SocketError.ConnectionReset, "the host closed the socket");
            }

            if (!s.Machine.IsConnected)
            {
                throw new HssSocketException(SocketError.NotConnected, "the socket is not connected");
            }
        }
    }
}
