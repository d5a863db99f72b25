using System;
using System.Threading;
using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// Device-to-host data (docs/protocol.md section 6). Stream sends are copied into the socket's send ring, whose size
    /// is the window, and leave as TRANSMITs; while one is unacknowledged, small writes coalesce. A datagram is one
    /// TRANSMIT, sent when the window has room for it.
    /// </summary>
    public sealed partial class HssEngine
    {
        /// <summary>Queues size bytes for sending; blocks while the window is full. Returns size.</summary>
        public int Send(EngineSocket s, byte[] buffer, int offset, int size, int timeoutMs)
        {
            CheckRange(buffer, offset, size);
            if (s.IsDatagram)
            {
                return SendDatagram(s, buffer, offset, size, timeoutMs);
            }

            long deadline = DeadlineAfter(timeoutMs);
            int queued = 0;
            while (queued < size)
            {
                bool full;
                lock (_sync)
                {
                    ThrowIfCannotSendLocked(s);
                    int n = s.SendRing.Write(buffer, offset + queued, size - queued);
                    queued += n;
                    full = n == 0;
                }

                if (full)
                {
                    Flush(s);
                    if (!_clock.WaitUntil(s.SendSignal, deadline))
                    {
                        lock (_sync)
                        {
                            ThrowIfCannotSendLocked(s);
                            if (s.SendRing.Free == 0)
                            {
                                throw new HssSocketException(SocketError.TimedOut, "send timed out: the window stayed full (" + queued.ToString() + " of " + size.ToString() + " bytes queued)");
                            }
                        }
                    }
                }
            }

            Flush(s);
            return size;
        }

        private int SendDatagram(EngineSocket s, byte[] buffer, int offset, int size, int timeoutMs)
        {
            if (size > _settings.MaxTransmitPayload)
            {
                throw new HssSocketException(SocketError.MessageSize, "datagram of " + size.ToString() + " bytes is over the " + _settings.MaxTransmitPayload.ToString() + "-byte maximum");
            }

            long deadline = DeadlineAfter(timeoutMs);
            while (true)
            {
                lock (_dataWriteLock)
                {
                    PendingRequest request = null;
                    lock (_sync)
                    {
                        ThrowIfCannotSendLocked(s);
                        if (s.InFlightBytes + size <= _settings.SendWindow)
                        {
                            request = AllocateRequestLocked(HssOpcode.Transmit, s.HandleValue, s, true, -1);
                            if (request == null)
                            {
                                _flushStarved = true;
                            }
                            else
                            {
                                request.Length = size;
                                s.InFlightBytes += size;
                                s.InFlightCount++;
                                _stats.TransmitsSent++;
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

                // Another socket's ACK may free the request slot: look again at least this often (real time).
                if (!s.SendSignal.WaitOne(HousekeepingPeriodMs, false))
                {
                    lock (_sync)
                    {
                        ThrowIfCannotSendLocked(s);
                    }

                    if (Passed(deadline))
                    {
                        throw new HssSocketException(SocketError.TimedOut, "send timed out: the window stayed full");
                    }
                }
            }
        }

        /// <summary>Sends what the window allows of the socket's unsent bytes, in order.</summary>
        private void Flush(EngineSocket s)
        {
            lock (_dataWriteLock)
            {
                while (true)
                {
                    int chunk;
                    lock (_sync)
                    {
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
                        if (_settings.CoalesceWrites && s.InFlightCount > 0 && unsent < _settings.MaxTransmitPayload)
                        {
                            return;
                        }

                        chunk = unsent < _settings.MaxTransmitPayload ? unsent : _settings.MaxTransmitPayload;
                        PendingRequest request = AllocateRequestLocked(HssOpcode.Transmit, s.HandleValue, s, true, -1);
                        if (request == null)
                        {
                            // Every request slot is taken: the next freed slot flushes again.
                            _flushStarved = true;
                            return;
                        }

                        request.Length = chunk;
                        s.SendRing.Peek(s.InFlightBytes, _dataTx, HssLayout.HeaderSize, chunk);
                        s.InFlightBytes += chunk;
                        s.InFlightCount++;
                        _stats.TransmitsSent++;
                        PacketWriter.WriteTransmitHeader(_dataTx, 0, request.MsgId, s.HandleValue, chunk);
                    }

                    WriteDataLocked(HssLayout.HeaderSize + chunk);
                }
            }
        }

        /// <summary>Writes _dataTx[0..length) as one transfer; caller holds _dataWriteLock.</summary>
        private void WriteDataLocked(int length)
        {
            try
            {
                _link.WriteData(_dataTx, 0, length);
            }
            catch (Exception)
            {
                OnWriteFailed();
                throw new HssSocketException(SocketError.NetworkReset, "the link failed while writing data");
            }
        }

        /// <summary>
        /// The host answered one of our TRANSMITs: free its bytes of the window, or fail the socket. Returns the
        /// socket whose window opened (to flush after the lock), or null.
        /// </summary>
        private EngineSocket OnTransmitAnsweredLocked(PendingRequest request, HssPacket answer)
        {
            EngineSocket s = request.Socket;
            int length = request.Length;
            FreeRequestLocked(request);
            int failure = HssRules.TransmitAckOutcome(answer.Code, answer.HasValue, answer.Value, length);
            if (failure != HssError.Success)
            {
                FailLocked(s, ErrorMap.ToSocketError(failure), failure);
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
        /// After an answer: the acknowledged socket sends what waits in its window (and its CLOSE once drained);
        /// sends that waited for a free request slot go out too.
        /// </summary>
        private void AfterAnswer(EngineSocket acknowledged)
        {
            if (acknowledged != null)
            {
                try
                {
                    Flush(acknowledged);
                }
                catch (HssSocketException)
                {
                    // The link failed: that is already a link reset.
                    return;
                }

                bool closeNow;
                lock (_sync)
                {
                    closeNow = acknowledged.Machine.State == SocketState.Closing && acknowledged.SendRing.Count == 0;
                }

                if (closeNow)
                {
                    SendCloseInBackground(acknowledged);
                }
            }

            FlushAll();
        }

        /// <summary>Flushes every socket, when a freed request slot may unblock them (rare: only after the table was
        /// full). Link failures here are already a link reset.</summary>
        private void FlushAll()
        {
            lock (_sync)
            {
                if (!_flushWanted)
                {
                    return;
                }

                _flushWanted = false;
            }

            for (int i = 0; i < _sockets.Size; i++)
            {
                EngineSocket s = _sockets[i];
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

        private void ThrowIfCannotSendLocked(EngineSocket s)
        {
            if (!s.Machine.InUse || s.Machine.IsAppClosed)
            {
                throw new ObjectDisposedException("HssSocket");
            }

            ThrowIfFailedLocked(s);
            RequireConnectedLocked(s);
            if (s.Machine.WriteRefusal == SocketError.Shutdown)
            {
                throw new HssSocketException(SocketError.Shutdown, "the socket's sending side was shut down");
            }
        }

        private static void CheckRange(byte[] buffer, int offset, int size)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException("buffer");
            }

            if (offset < 0 || size < 0 || offset > buffer.Length - size)
            {
                throw new ArgumentOutOfRangeException("offset");
            }
        }
    }
}
