using System;
using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// Device-to-host data (docs/protocol.md section 6). Stream sends are copied into the socket's send ring, whose
    /// size is the window, and leave as TRANSMITs; while one is unacknowledged, small writes coalesce. A datagram is
    /// one TRANSMIT, sent when the window has room for it. Answers to TRANSMITs open the window again.
    /// </summary>
    internal sealed class TransmitScheduler
    {
        private readonly EngineContext _context;
        private readonly LinkFailure _failure;
        private readonly SocketCloser _closer;

        // The TRANSMIT being written; only with DataWriteLock held.
        private readonly byte[] _dataTx;

        public TransmitScheduler(EngineContext context, LinkFailure failure, SocketCloser closer)
        {
            _context = context;
            _failure = failure;
            _closer = closer;
            _dataTx = new byte[HssLayout.HeaderSize + context.Settings.MaxTransmitPayload];
        }

        /// <summary>Queues size bytes for sending; blocks while the window is full. Returns size.</summary>
        public int Send(EngineSocket s, byte[] buffer, int offset, int size, int timeoutMs)
        {
            SocketChecks.CheckRange(buffer, offset, size);
            if (s.IsDatagram)
            {
                return SendDatagram(s, buffer, offset, size, timeoutMs);
            }

            long deadline = EngineContext.NoDeadlineYet;
            int queued = 0;
            bool flush = true;
            while (queued < size)
            {
                bool full;
                lock (_context.Sync)
                {
                    _context.Counters.CountLock();
                    SocketChecks.ThrowIfCannotSend(s);
                    int n = s.SendRing.Write(buffer, offset + queued, size - queued);
                    queued += n;
                    full = n == 0;
                    flush = !WaitsForAckLocked(s, s.SendRing.Count - s.InFlightBytes);
                }

                if (full)
                {
                    Flush(s);
                    deadline = _context.DeadlineOnFirstWait(deadline, timeoutMs);
                    if (!s.SendSignal.WaitUntil(_context.Clock, deadline))
                    {
                        lock (_context.Sync)
                        {
                            _context.Counters.CountLock();
                            SocketChecks.ThrowIfCannotSend(s);
                            if (s.SendRing.Free == 0)
                            {
                                throw new HssSocketException(SocketError.TimedOut, "send timed out: the window stayed full (" + queued.ToString() + " of " + size.ToString() + " bytes queued)");
                            }
                        }
                    }
                }
            }

            if (flush)
            {
                Flush(s);
            }

            return size;
        }

        /// <summary>
        /// Caller holds Sync. Coalescing (Nagle-like): with data in flight and less than a full TRANSMIT unsent, the
        /// unsent bytes wait for the ACK, whose answer path flushes them (so Send need not look again).
        /// </summary>
        private bool WaitsForAckLocked(EngineSocket s, int unsent)
        {
            return _context.Settings.CoalesceWrites && s.InFlightCount > 0 && unsent < _context.Settings.MaxTransmitPayload;
        }

        /// <summary>True when a Send would not block.</summary>
        public bool IsWritable(EngineSocket s)
        {
            lock (_context.Sync)
            {
                _context.Counters.CountLock();
                if (!s.Machine.CanWrite)
                {
                    return false;
                }

                return s.IsDatagram ? s.InFlightBytes < _context.Settings.SendWindow : s.SendRing.Free > 0;
            }
        }

        private int SendDatagram(EngineSocket s, byte[] buffer, int offset, int size, int timeoutMs)
        {
            EngineContext c = _context;
            if (size > c.Settings.MaxTransmitPayload)
            {
                throw new HssSocketException(SocketError.MessageSize, "datagram of " + size.ToString() + " bytes is over the " + c.Settings.MaxTransmitPayload.ToString() + "-byte maximum");
            }

            long deadline = EngineContext.NoDeadlineYet;
            while (true)
            {
                lock (c.DataWriteLock)
                {
                    c.Counters.CountLock();
                    PendingRequest request = null;
                    lock (c.Sync)
                    {
                        c.Counters.CountLock();
                        SocketChecks.ThrowIfCannotSend(s);
                        if (s.InFlightBytes + size <= c.Settings.SendWindow)
                        {
                            request = c.AllocateRequestLocked(HssOpcode.Transmit, s.HandleValue, s, true, -1);
                            if (request == null)
                            {
                                c.FlushStarved = true;
                            }
                            else
                            {
                                request.Length = size;
                                s.InFlightBytes += size;
                                s.InFlightCount++;
                                c.Stats.TransmitsSent++;
                            }
                        }
                    }

                    if (request != null)
                    {
                        PacketWriter.WriteTransmitHeader(_dataTx, 0, request.MsgId, s.HandleValue, size);
                        Array.Copy(buffer, offset, _dataTx, HssLayout.HeaderSize, size);
                        WriteDataLocked(HssLayout.HeaderSize + size);
                        return size;
                    }
                }

                // This socket's ACK opens the window; a slot freed anywhere else wakes every socket (FlushAll, from
                // the answer path or housekeeping), so the wait is on the engine's clock, not a real-time poll.
                deadline = c.DeadlineOnFirstWait(deadline, timeoutMs);
                if (!s.SendSignal.WaitUntil(c.Clock, deadline))
                {
                    lock (c.Sync)
                    {
                        c.Counters.CountLock();
                        SocketChecks.ThrowIfCannotSend(s);
                    }

                    if (c.Passed(deadline))
                    {
                        throw new HssSocketException(SocketError.TimedOut, "send timed out: the window stayed full");
                    }
                }
            }
        }

        /// <summary>Sends what the window allows of the socket's unsent bytes, in order.</summary>
        public void Flush(EngineSocket s)
        {
            EngineContext c = _context;
            int max = c.Settings.MaxTransmitPayload;
            lock (c.DataWriteLock)
            {
                c.Counters.CountLock();
                bool more = true;
                while (more)
                {
                    int chunk;
                    lock (c.Sync)
                    {
                        c.Counters.CountLock();
                        if (!s.Machine.CanTransmit)
                        {
                            return;
                        }

                        int unsent = s.SendRing.Count - s.InFlightBytes;
                        if (unsent <= 0)
                        {
                            return;
                        }

                        // Nagle-like: with data in flight, wait for its ACK unless a full TRANSMIT is ready.
                        if (WaitsForAckLocked(s, unsent))
                        {
                            return;
                        }

                        chunk = unsent < max ? unsent : max;
                        PendingRequest request = c.AllocateRequestLocked(HssOpcode.Transmit, s.HandleValue, s, true, -1);
                        if (request == null)
                        {
                            // Every request slot is taken: the next freed slot flushes again.
                            c.FlushStarved = true;
                            return;
                        }

                        request.Length = chunk;
                        s.SendRing.Peek(s.InFlightBytes, _dataTx, HssLayout.HeaderSize, chunk);
                        s.InFlightBytes += chunk;
                        s.InFlightCount++;
                        c.Stats.TransmitsSent++;
                        PacketWriter.WriteTransmitHeader(_dataTx, 0, request.MsgId, s.HandleValue, chunk);

                        // Another turn only when it would send (not one more lock to find nothing): bytes written
                        // meanwhile are flushed by their Send, or by the ACK path when they wait for an ACK.
                        more = unsent > chunk && !WaitsForAckLocked(s, unsent - chunk);
                    }

                    WriteDataLocked(HssLayout.HeaderSize + chunk);
                }
            }
        }

        /// <summary>
        /// The host answered one of our TRANSMITs: free its bytes of the window, or fail the socket. Returns the
        /// socket whose window opened (to flush after the lock, see AfterAnswer), or null. Caller holds Sync.
        /// </summary>
        public EngineSocket OnTransmitAnsweredLocked(PendingRequest request, HssPacket answer)
        {
            EngineSocket s = request.Socket;
            int length = request.Length;
            _context.FreeRequestLocked(request);
            int failure = HssRules.TransmitAckOutcome(answer.Code, answer.HasValue, answer.Value, length);
            if (failure != HssError.Success)
            {
                _context.FailLocked(s, ErrorMap.ToSocketError(failure), failure);
                return null;
            }

            if (!s.IsDatagram)
            {
                // A datagram never entered the send ring (it leaves from the caller's buffer).
                s.SendRing.Discard(length);
            }

            s.InFlightBytes -= length;
            s.InFlightCount--;
            s.SendSignal.Set();
            return s;
        }

        /// <summary>
        /// Under the answer's lock (caller holds Sync): whether the acknowledged socket, Closing, has nothing left to
        /// send, so its CLOSE goes now.
        /// </summary>
        public static bool CloseDueLocked(EngineSocket acknowledged)
        {
            return acknowledged != null && acknowledged.SendRing.Count == 0 && acknowledged.Machine.State == SocketState.Closing;
        }

        /// <summary>
        /// Caller holds Sync: whether a Flush of the socket would send now. When not, nothing needs to look again:
        /// bytes written later are flushed by their Send, or by the answer that the coalescing waits for.
        /// </summary>
        public bool HasSendableLocked(EngineSocket s)
        {
            int unsent = s.SendRing.Count - s.InFlightBytes;
            return unsent > 0 && !WaitsForAckLocked(s, unsent) && s.Machine.CanTransmit;
        }

        /// <summary>Caller holds Sync: takes FlushWanted (a slot was freed after a flush starved).</summary>
        public bool TakeFlushWantedLocked()
        {
            if (!_context.FlushWanted)
            {
                return false;
            }

            _context.FlushWanted = false;
            return true;
        }

        /// <summary>
        /// After an answer, with what was decided under its lock: the acknowledged socket sends what waits in its
        /// window (or its CLOSE once drained); when a slot was freed after a flush starved, every socket flushes.
        /// </summary>
        public void AfterAnswer(EngineSocket acknowledged, bool sendable, bool closeNow, bool flushAll)
        {
            if (acknowledged != null)
            {
                try
                {
                    if (sendable)
                    {
                        Flush(acknowledged);
                    }
                }
                catch (HssSocketException)
                {
                    // The link failed: that is already a link reset.
                    return;
                }

                if (closeNow)
                {
                    _closer.SendCloseInBackground(acknowledged);
                }
            }

            if (flushAll)
            {
                FlushEvery();
            }
        }

        /// <summary>Flushes every socket, when a freed request slot may unblock them (rare: only after the table was
        /// full). Link failures here are already a link reset.</summary>
        public void FlushAll()
        {
            lock (_context.Sync)
            {
                _context.Counters.CountLock();
                if (!TakeFlushWantedLocked())
                {
                    return;
                }
            }

            FlushEvery();
        }

        private void FlushEvery()
        {
            SocketTable sockets = _context.Sockets;
            for (int i = 0; i < sockets.Size; i++)
            {
                EngineSocket s = sockets[i];
                try
                {
                    Flush(s);
                }
                catch (HssSocketException)
                {
                    return;
                }

                // Wakes a datagram sender that waited for a free request slot.
                s.SendSignal.Set();
            }
        }

        /// <summary>Writes _dataTx[0..length) as one transfer; caller holds DataWriteLock.</summary>
        private void WriteDataLocked(int length)
        {
            try
            {
                _context.Link.WriteData(_dataTx, 0, length);
            }
            catch (Exception)
            {
                _failure.OnWriteFailed();
                throw new HssSocketException(SocketError.NetworkReset, "the link failed while writing data");
            }
        }
    }
}
