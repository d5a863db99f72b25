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
        /// The host answered one of our TRANSMITs (caller holds Sync): frees its bytes of the window, or fails the
        /// socket, and decides what follows after the lock. acknowledged is the socket whose window opened, or null.
        /// </summary>
        public AnswerFollowUp OnTransmitAnsweredUnderSync(PendingRequest request, HssPacket answer, out EngineSocket acknowledged)
        {
            EngineSocket s = request.Socket;
            int length = request.Length;
            _context.FreeRequestUnderSync(request);
            acknowledged = null;
            int failure = HssRules.TransmitAckOutcome(answer.Code, answer.HasValue, answer.Value, length);
            if (failure != HssError.Success)
            {
                _context.FailUnderSync(s, ErrorMap.ToSocketError(failure), failure);
                return OnSlotFreedUnderSync();
            }

            s.Sent.OnAcknowledged(length, s.IsDatagram);
            s.SendSignal.Set();
            acknowledged = s;
            AnswerFollowUp followUp = OnSlotFreedUnderSync();
            // When it does not flush now, nothing needs to look again: bytes written later are flushed by their Send,
            // or by the answer that the coalescing waits for.
            if (s.Sent.MayFlushNow && s.Machine.CanTransmit)
            {
                followUp |= AnswerFollowUp.FlushSocket;
            }

            if (s.Sent.IsDrained && s.Machine.State == SocketState.Closing)
            {
                followUp |= AnswerFollowUp.SendClose;
            }

            return followUp;
        }

        /// <summary>
        /// Any answer freed a request slot (caller holds Sync): when a flush starved for one, every socket flushes
        /// after the lock (FlushWanted is taken here).
        /// </summary>
        public AnswerFollowUp OnSlotFreedUnderSync()
        {
            if (!_context.FlushWanted)
            {
                return AnswerFollowUp.None;
            }

            _context.FlushWanted = false;
            return AnswerFollowUp.FlushEverySocket;
        }

        /// <summary>
        /// After an answer, what was decided under its lock: the acknowledged socket sends what waits in its window
        /// (or its CLOSE once drained); every socket flushes when a slot was freed after a flush starved.
        /// </summary>
        public void CarryOut(EngineSocket acknowledged, AnswerFollowUp followUp)
        {
            if ((followUp & AnswerFollowUp.FlushSocket) != 0)
            {
                try
                {
                    _transmits.Flush(acknowledged);
                }
                catch (HssSocketException)
                {
                    // The link failed: that is already a link reset.
                    return;
                }
            }

            if ((followUp & AnswerFollowUp.SendClose) != 0)
            {
                _closer.SendCloseInBackground(acknowledged);
            }

            if ((followUp & AnswerFollowUp.FlushEverySocket) != 0)
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
                if (OnSlotFreedUnderSync() == AnswerFollowUp.None)
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
