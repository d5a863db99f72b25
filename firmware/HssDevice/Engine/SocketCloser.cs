using System.Threading;
using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// Closing (docs/protocol.md section 8): Close takes effect at once for the application; the CLOSE request goes
    /// out once the socket's data is acknowledged (or its linger ends), with no waiter, and its ACK (or timeout)
    /// gives the handle back. Also the CLOSEs housekeeping sends for lingering and abandoned sockets.
    /// </summary>
    internal sealed class SocketCloser
    {
        private readonly EngineContext _context;
        private readonly CommandWriter _writer;
        private readonly EngineSocket[] _dueScratch;

        public SocketCloser(EngineContext context, CommandWriter writer)
        {
            _context = context;
            _writer = writer;
            _dueScratch = new EngineSocket[context.Settings.MaxSockets];
        }

        /// <summary>
        /// Closes at once for the application ("Close takes effect regardless of acknowledgment"). The engine sends
        /// CLOSE once the socket's data is acknowledged (or CloseLingerMs passed) and reuses the handle after the ACK.
        /// </summary>
        public void Close(EngineSocket s)
        {
            EngineContext c = _context;
            bool closeNow;
            object ackLock = _writer.AckLock;
            if (ackLock != null)
            {
                // Held from the refusals' listing to their write: they are this thread's (see ReceivePath.TakeOrEnd).
                Monitor.Enter(ackLock);
                c.Counters.CountLock();
            }

            try
            {
                lock (c.Sync)
                {
                    c.Counters.CountLock();
                    if (!s.Machine.InUse || s.Machine.IsAppClosed)
                    {
                        return;
                    }

                    bool hostForgot = s.Machine.OnAppClose();
                    if (!hostForgot && ackLock != null)
                    {
                        // Host TRANSMITs still buffered are answered (exactly one ACK each), refused: nobody will read them.
                        s.Received.RefuseAll(HssError.NotConnected, _writer.Acks);
                    }

                    c.DropReceivedUnderSync(s);
                    if (hostForgot)
                    {
                        c.ReleaseUnderSync(s);
                        return;
                    }

                    closeNow = s.Sent.IsDrained;
                    if (!closeNow)
                    {
                        s.CloseDeadlineMs = c.DeadlineAfter(c.Settings.CloseLingerMs);
                    }
                }

                if (ackLock != null)
                {
                    _writer.WriteTransmitAcksUnderCommandLock(s);
                }
            }
            finally
            {
                if (ackLock != null)
                {
                    Monitor.Exit(ackLock);
                }
            }

            if (closeNow)
            {
                SendCloseInBackground(s);
            }
        }

        /// <summary>
        /// Close for a socket its application dropped without closing (HssSocket's finalizer): no link write on the
        /// finalizer thread; the next housekeeping run sends the CLOSE, so the slot does not stay taken forever.
        /// </summary>
        public void CloseAbandoned(EngineSocket s)
        {
            EngineContext c = _context;
            lock (c.Sync)
            {
                c.Counters.CountLock();
                if (!s.Machine.InUse || s.Machine.IsAppClosed)
                {
                    return;
                }

                bool hostForgot = s.Machine.OnAppClose();
                c.DropReceivedUnderSync(s);
                if (hostForgot)
                {
                    c.ReleaseUnderSync(s);
                    return;
                }

                s.CloseDeadlineMs = c.Now();
            }
        }

        /// <summary>Sends CLOSE for every Closing socket whose linger ended (housekeeping; not under the lock).</summary>
        public void SendDueCloses()
        {
            int due = 0;
            lock (_context.Sync)
            {
                _context.Counters.CountLock();
                long now = _context.Now();
                SocketTable sockets = _context.Sockets;
                for (int i = 0; i < sockets.Size; i++)
                {
                    EngineSocket s = sockets[i];
                    if (s.Machine.State == SocketState.Closing && s.CloseDeadlineMs <= now)
                    {
                        _dueScratch[due++] = s;
                    }
                }
            }

            for (int i = 0; i < due; i++)
            {
                EngineSocket s = _dueScratch[i];
                _dueScratch[i] = null;
                SendCloseInBackground(s);
            }
        }

        /// <summary>Sends CLOSE with no waiter; the ACK (or the timeout) gives the handle back.</summary>
        public void SendCloseInBackground(EngineSocket s)
        {
            EngineContext c = _context;
            // Holding the data writer too: a TRANSMIT of this socket being written now goes out before the CLOSE.
            lock (_writer.CommandLock)
            lock (c.DataWriteLock)
            {
                c.Counters.CountLock();
                c.Counters.CountLock();
                PendingRequest request;
                lock (c.Sync)
                {
                    c.Counters.CountLock();
                    if (s.Machine.State != SocketState.Closing || !c.Running)
                    {
                        return;
                    }

                    request = c.AllocateBackgroundRequestUnderSync(HssOpcode.Close, s.Handle, s);
                    if (request == null)
                    {
                        // Table full: housekeeping tries again.
                        s.CloseDeadlineMs = c.Now();
                        return;
                    }

                    c.DropSendsUnderSync(s);
                    s.Machine.OnCloseSent();
                }

                try
                {
                    _writer.WriteUnderCommandLock(PacketWriter.WriteClose(_writer.Buffer, 0, request.MsgId, s.Handle));
                }
                catch (HssSocketException)
                {
                    // The link reset already released the closed socket.
                }
            }
        }

        /// <summary>Sends CLOSE for a handle whose socket is already gone here (after a framing loss); nothing waits.</summary>
        public void SendCloseForHandle(uint handle)
        {
            EngineContext c = _context;
            lock (_writer.CommandLock)
            {
                _context.Counters.CountLock();
                PendingRequest request;
                lock (c.Sync)
                {
                    c.Counters.CountLock();
                    request = c.Running ? c.AllocateBackgroundRequestUnderSync(HssOpcode.Close, handle, null) : null;
                }

                if (request == null)
                {
                    return;
                }

                try
                {
                    _writer.WriteUnderCommandLock(PacketWriter.WriteClose(_writer.Buffer, 0, request.MsgId, handle));
                }
                catch (HssSocketException)
                {
                    // The link is down again: the host forgets the handle with it.
                }
            }
        }
    }
}
