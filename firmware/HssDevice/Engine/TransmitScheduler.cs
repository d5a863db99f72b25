using System;
using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// Device-to-host data (docs/protocol.md section 6). Stream sends are copied into the socket's send ring, whose
    /// size is the window, and leave as TRANSMITs; while one is unacknowledged, small writes coalesce. A datagram is
    /// one TRANSMIT, sent when the window has room for it. Answers to TRANSMITs open the window again
    /// (<see cref="TransmitAnswers"/>).
    /// </summary>
    internal sealed class TransmitScheduler
    {
        private readonly EngineContext _context;
        private readonly LinkFailure _failure;

        // The TRANSMIT being written; only with DataWriteLock held.
        private readonly byte[] _dataTx;

        public TransmitScheduler(EngineContext context, LinkFailure failure)
        {
            _context = context;
            _failure = failure;
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
                    int n = s.Sent.Write(buffer, offset + queued, size - queued);
                    queued += n;
                    full = n == 0;
                    // Coalescing: bytes that wait for an ACK are flushed by its answer, so Send need not look again.
                    flush = s.Sent.MayFlushNow;
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
                            if (s.Sent.Free == 0)
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

                return s.Sent.IsWritable(s.IsDatagram);
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
                        if (s.Sent.DatagramFits(size))
                        {
                            request = c.AllocateTransmitUnderSync(s);
                            if (request == null)
                            {
                                c.FlushStarved = true;
                            }
                            else
                            {
                                request.Length = size;
                                s.Sent.OnDatagramSent(size);
                                c.Stats.TransmitsSent++;
                            }
                        }
                    }

                    if (request != null)
                    {
                        PacketWriter.WriteTransmitHeader(_dataTx, 0, request.MsgId, s.Handle, size);
                        Array.Copy(buffer, offset, _dataTx, HssLayout.HeaderSize, size);
                        WriteDataUnderDataWriteLock(HssLayout.HeaderSize + size);
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
                        // Nothing unsent, or (coalescing) it waits for the ACK of what is in flight.
                        if (!s.Machine.CanTransmit || !s.Sent.MayFlushNow)
                        {
                            return;
                        }

                        PendingRequest request = c.AllocateTransmitUnderSync(s);
                        if (request == null)
                        {
                            // Every request slot is taken: the next freed slot flushes again.
                            c.FlushStarved = true;
                            return;
                        }

                        chunk = s.Sent.TakeTransmit(_dataTx, HssLayout.HeaderSize);
                        request.Length = chunk;
                        c.Stats.TransmitsSent++;
                        PacketWriter.WriteTransmitHeader(_dataTx, 0, request.MsgId, s.Handle, chunk);

                        // Another turn only when it would send (not one more lock to find nothing): bytes written
                        // meanwhile are flushed by their Send, or by the ACK path when they wait for an ACK.
                        more = s.Sent.MayFlushNow;
                    }

                    WriteDataUnderDataWriteLock(HssLayout.HeaderSize + chunk);
                }
            }
        }

        /// <summary>Writes _dataTx[0..length) as one transfer; caller holds DataWriteLock.</summary>
        private void WriteDataUnderDataWriteLock(int length)
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
