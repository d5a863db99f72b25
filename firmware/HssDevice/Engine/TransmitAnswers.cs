using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// What the host's answer to one of our TRANSMITs does (docs/protocol.md section 6): frees its bytes of the
    /// window or fails the socket, then, decided under the answer's one lock, flushes what waits, sends a CLOSE that
    /// waited for the window to drain, and retries sends that starved for a request slot.
    /// </summary>
    internal sealed class TransmitAnswers
    {
        private readonly EngineContext _context;
        private readonly TransmitScheduler _transmits;
        private readonly SocketCloser _closer;

        public TransmitAnswers(EngineContext context, TransmitScheduler transmits, SocketCloser closer)
        {
            _context = context;
            _transmits = transmits;
            _closer = closer;
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
            return unsent > 0 && !_transmits.WaitsForAckLocked(s, unsent) && s.Machine.CanTransmit;
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
                        _transmits.Flush(acknowledged);
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
                    _transmits.Flush(s);
                }
                catch (HssSocketException)
                {
                    return;
                }

                // Wakes a datagram sender that waited for a free request slot.
                s.SendSignal.Set();
            }
        }
    }
}
