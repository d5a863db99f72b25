using System;
using System.Threading;
using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// Host-to-device data (docs/protocol.md section 6). A host TRANSMIT is buffered whole in the socket's
    /// <see cref="ReceiveBuffer"/> and acknowledged when the application has read all of it, so the host's window
    /// keeps memory bounded. When a TRANSMIT does not fit (per-socket buffer or total budget), the data pipe is not
    /// read until it does.
    /// </summary>
    internal sealed class ReceivePath
    {
        private readonly EngineContext _context;
        private readonly CommandWriter _writer;

        public ReceivePath(EngineContext context, CommandWriter writer)
        {
            _context = context;
            _writer = writer;
        }

        /// <summary>
        /// Copies received bytes into buffer; blocks until some arrive. Returns 0 at end of stream (host SHUTDOWN or
        /// CLOSE, after all buffered data). A datagram is returned whole, or cut to size with the rest discarded.
        /// </summary>
        public int Receive(EngineSocket s, byte[] buffer, int offset, int size, int timeoutMs)
        {
            SocketChecks.CheckRange(buffer, offset, size);
            EngineContext c = _context;
            long deadline = EngineContext.NoDeadlineYet;
            while (true)
            {
                int copied = TakeOrEnd(s, buffer, offset, size);
                if (copied == LookAgain)
                {
                    continue;
                }

                if (copied != NothingYet)
                {
                    return copied;
                }

                deadline = c.DeadlineOnFirstWait(deadline, timeoutMs);
                if (!s.ReceiveSignal.WaitUntil(c.Clock, deadline))
                {
                    lock (c.Sync)
                    {
                        c.Counters.CountLock();
                        if (s.Received.RecordCount > 0 || s.Machine.InputEnded || s.Machine.HasFailed)
                        {
                            continue;
                        }
                    }

                    throw new HssSocketException(SocketError.TimedOut, "receive timed out");
                }
            }
        }

        /// <summary>TakeOrEnd's answer when the call must wait for data.</summary>
        private const int NothingYet = -1;

        /// <summary>TakeOrEnd's answer when data came while it looked without the command lock: look again with it.</summary>
        private const int LookAgain = -2;

        /// <summary>
        /// One look at the socket: takes what a read gets and writes the ACKs it made, or returns 0 at end of stream,
        /// or throws; NothingYet when the call must wait. The ACKs are listed in the command writer's batch and written
        /// while its lock is still held (taken before Sync, as the lock order says), so a Close on another thread
        /// cannot touch them in between: each host TRANSMIT gets exactly one ACK. A look that finds nothing buffered
        /// makes no ACK, so when the unlocked count says so it takes Sync alone (issue 16, section 4: a Receive that
        /// waits for data paid two locks per empty look); data that arrived meanwhile is left for LookAgain.
        /// </summary>
        private int TakeOrEnd(EngineSocket s, byte[] buffer, int offset, int size)
        {
            EngineContext c = _context;
            bool acking = _writer.AckLock != null;
            object ackLock = acking && s.Received.RecordCount > 0 ? _writer.CommandLock : null;
            if (ackLock != null)
            {
                Monitor.Enter(ackLock);
                c.Counters.CountLock();
            }

            try
            {
                int copied = NothingYet;
                lock (c.Sync)
                {
                    c.Counters.CountLock();
                    SocketStateMachine m = s.Machine;
                    if (!m.InUse || m.IsAppClosed)
                    {
                        throw new ObjectDisposedException("HssSocket");
                    }

                    if (s.Received.RecordCount > 0)
                    {
                        if (acking && ackLock == null)
                        {
                            // Taking now would make ACKs this look cannot write: take the command lock first.
                            return LookAgain;
                        }

                        // After the host's CLOSE or a link reset no ACK is owed: the host forgot these TRANSMITs.
                        bool owed = ackLock != null && m.State != SocketState.RemoteClosed && !m.HasFailed;
                        copied = TakeUnderSync(s, buffer, offset, size, owed ? _writer.Acks : null);
                    }

                    bool took = copied > 0 || (copied == 0 && (s.IsDatagram || size == 0));
                    if (!took)
                    {
                        // The host's SHUTDOWN or CLOSE, or Shutdown(Receive): end of stream after the buffered bytes.
                        // A CLOSE is how the reference host reports any remote close, graceful or not (docs/decisions.md).
                        if (m.ReadsEnd)
                        {
                            return 0;
                        }

                        SocketChecks.ThrowIfFailed(s);
                        if (!m.IsConnected)
                        {
                            throw new HssSocketException(SocketError.NotConnected, "the socket is not connected");
                        }

                        return size == 0 ? 0 : NothingYet;
                    }

                    if (ackLock == null)
                    {
                        return copied;
                    }
                }

                _writer.WriteTransmitAcksUnderCommandLock(s);
                return copied;
            }
            finally
            {
                if (ackLock != null)
                {
                    Monitor.Exit(ackLock);
                }
            }
        }

        /// <summary>Bytes buffered for the application.</summary>
        public int Available(EngineSocket s)
        {
            lock (_context.Sync)
            {
                _context.Counters.CountLock();
                return s.Machine.InUse ? s.Received.Count : 0;
            }
        }

        /// <summary>True when a Receive would not block (data, end of stream or an error to report).</summary>
        public bool IsReadable(EngineSocket s)
        {
            lock (_context.Sync)
            {
                _context.Counters.CountLock();
                SocketStateMachine m = s.Machine;
                return !m.InUse || m.IsAppClosed || s.Received.RecordCount > 0 || m.ReadsEnd || m.HasError;
            }
        }

        // OnTransmitReceived's answer besides a refusal (a positive HSS code): none yet (the TRANSMIT waits for room),
        // or an ACK at once (a zero-length TRANSMIT on a stream socket: nothing to buffer).
        private const int WaitForRoom = 0;
        private const int AckAtOnce = -1;

        /// <summary>
        /// A host TRANSMIT (data reader thread). Waits while it does not fit, so nothing is dropped; answers at once
        /// with a negative ACK when the socket cannot take data.
        /// </summary>
        public void OnTransmitReceived(HssPacket p)
        {
            EngineContext c = _context;
            int generation = 0;
            bool first = true;
            int length = (int)p.PayloadLength;
            while (true)
            {
                // Counted, matched and buffered under one lock (issue 9: one Sync per packet on the reader).
                int answer = WaitForRoom;
                lock (c.Sync)
                {
                    c.Counters.CountLock();
                    if (first)
                    {
                        first = false;
                        generation = c.LinkGeneration;
                        c.Stats.TransmitsReceived++;
                    }

                    if (!c.Running || generation != c.LinkGeneration)
                    {
                        return;
                    }

                    EngineSocket s = c.Sockets.Find(p.SockId);
                    if (s == null)
                    {
                        answer = HssError.NoSocket;
                    }
                    else if (!s.Machine.CanAcceptHostData)
                    {
                        answer = HssError.NotConnected;
                    }
                    else if (length == 0 && !s.IsDatagram)
                    {
                        answer = AckAtOnce;
                    }
                    else if (s.Received.Fits(length) && c.TotalBuffered + length <= c.Settings.ReceiveBudgetTotal)
                    {
                        s.Received.Append(p.Buffer, p.PayloadOffset, length, p.MsgId);
                        c.TotalBuffered += length;
                        s.ReceiveSignal.Set();
                        return;
                    }

                    if (answer > 0)
                    {
                        c.Stats.RejectedTransmits++;
                    }
                }

                if (answer != WaitForRoom)
                {
                    // A refusal (its HSS code), or the ACK of a TRANSMIT with nothing to buffer.
                    _writer.SendAnswer(p.MsgId, p.SockId, HssOpcode.Transmit, answer == AckAtOnce ? HssError.Success : answer);
                    return;
                }

                // Budget spent: hold the packet, do not read the pipe (USB NAKs the host), until the app reads.
                c.ReceiveSpace.WaitMs(EngineContext.HousekeepingPeriodMs);
            }
        }

        /// <summary>
        /// Takes from the socket's buffer what this read gets, giving the bytes back to the total budget; the ACKs it
        /// makes go to acks (null: none owed).
        /// </summary>
        private int TakeUnderSync(EngineSocket s, byte[] buffer, int offset, int size, TransmitAckBatch acks)
        {
            int copied;
            int released;
            if (s.IsDatagram)
            {
                copied = s.Received.TakeDatagram(buffer, offset, size, acks, out released);
            }
            else
            {
                copied = s.Received.TakeStream(buffer, offset, size, acks);
                released = copied;
            }

            _context.TotalBuffered -= released;
            if (released > 0 || s.IsDatagram)
            {
                _context.ReceiveSpace.Set();
            }

            return copied;
        }
    }
}
