using System;
using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// Host-to-device data (docs/protocol.md section 6). A host TRANSMIT is buffered whole in the socket's receive ring
    /// and acknowledged when the application has read all of it, so the host's window keeps memory bounded. When a
    /// TRANSMIT does not fit (per-socket buffer or total budget), the data pipe is not read until it does.
    /// </summary>
    public sealed partial class HssEngine
    {
        /// <summary>
        /// Copies received bytes into buffer; blocks until some arrive. Returns 0 at end of stream (host SHUTDOWN or
        /// CLOSE, after all buffered data). A datagram is returned whole, or cut to size with the rest discarded.
        /// </summary>
        public int Receive(EngineSocket s, byte[] buffer, int offset, int size, int timeoutMs)
        {
            CheckRange(buffer, offset, size);
            long deadline = DeadlineAfter(timeoutMs);
            int acks = 0;
            int copied = 0;
            while (true)
            {
                lock (_sync)
                {
                    SocketStateMachine m = s.Machine;
                    if (!m.InUse || m.IsAppClosed)
                    {
                        throw new ObjectDisposedException("HssSocket");
                    }

                    if (s.RecordCount > 0)
                    {
                        copied = s.IsDatagram ? TakeDatagramLocked(s, buffer, offset, size, out acks) : TakeStreamLocked(s, buffer, offset, size, out acks);
                        if (m.State == SocketState.RemoteClosed || m.HasFailed)
                        {
                            // The host forgot these TRANSMITs with the socket (its CLOSE, or the link reset).
                            acks = 0;
                        }

                        if (copied > 0 || s.IsDatagram || size == 0)
                        {
                            break;
                        }
                    }

                    // The host's SHUTDOWN or CLOSE, or Shutdown(Receive): end of stream after the buffered bytes. A
                    // CLOSE is how the reference host reports any remote close, graceful or not (docs/decisions.md).
                    if (m.ReadsEnd)
                    {
                        return 0;
                    }

                    ThrowIfFailedLocked(s);
                    if (!m.IsConnected)
                    {
                        throw new HssSocketException(SocketError.NotConnected, "the socket is not connected");
                    }

                    if (size == 0)
                    {
                        return 0;
                    }
                }

                if (!_clock.WaitUntil(s.ReceiveSignal, deadline))
                {
                    lock (_sync)
                    {
                        if (s.RecordCount > 0 || s.Machine.InputEnded || s.Machine.HasFailed)
                        {
                            continue;
                        }
                    }

                    throw new HssSocketException(SocketError.TimedOut, "receive timed out");
                }
            }

            SendTransmitAcks(s, acks);
            return copied;
        }

        /// <summary>Bytes buffered for the application.</summary>
        public int Available(EngineSocket s)
        {
            lock (_sync)
            {
                return s.Machine.InUse ? s.ReceiveRing.Count : 0;
            }
        }

        /// <summary>True when a Receive would not block (data, end of stream or an error to report).</summary>
        public bool IsReadable(EngineSocket s)
        {
            lock (_sync)
            {
                SocketStateMachine m = s.Machine;
                return !m.InUse || m.IsAppClosed || s.RecordCount > 0 || m.ReadsEnd || m.HasError;
            }
        }

        /// <summary>True when a Send would not block.</summary>
        public bool IsWritable(EngineSocket s)
        {
            lock (_sync)
            {
                if (!s.Machine.CanWrite)
                {
                    return false;
                }

                return s.IsDatagram ? s.InFlightBytes < _settings.SendWindow : s.SendRing.Free > 0;
            }
        }

        /// <summary>Connected (one side may have ended) and not failed or closed by the host.</summary>
        public bool IsConnected(EngineSocket s)
        {
            lock (_sync)
            {
                return s.Machine.IsConnected && !s.Machine.HasError;
            }
        }

        public bool HasError(EngineSocket s)
        {
            lock (_sync)
            {
                return s.Machine.HasError;
            }
        }

        /// <summary>Waits until the socket's readable or writable state may have changed, or the clock reaches deadlineMs.</summary>
        internal bool WaitForChange(EngineSocket s, bool read, long deadlineMs)
        {
            return _clock.WaitUntil(read ? s.ReceiveSignal : s.SendSignal, deadlineMs);
        }

        private int TakeStreamLocked(EngineSocket s, byte[] buffer, int offset, int size, out int acks)
        {
            int copied = s.ReceiveRing.Read(buffer, offset, size);
            _totalBuffered -= copied;
            acks = 0;
            int left = copied;
            while (left > 0)
            {
                int head = s.RecordHead;
                int inRecord = s.RecordLength[head] - s.RecordConsumed;
                int take = left < inRecord ? left : inRecord;
                s.RecordConsumed += take;
                left -= take;
                if (s.RecordConsumed == s.RecordLength[head])
                {
                    s.AckMsgId[acks] = s.RecordMsgId[head];
                    s.AckValue[acks] = s.RecordLength[head];
                    acks++;
                    PopRecordLocked(s);
                }
            }

            if (copied > 0)
            {
                _receiveSpace.Set();
            }

            return copied;
        }

        private int TakeDatagramLocked(EngineSocket s, byte[] buffer, int offset, int size, out int acks)
        {
            int head = s.RecordHead;
            int length = s.RecordLength[head];
            int copied = s.ReceiveRing.Read(buffer, offset, size < length ? size : length);
            s.ReceiveRing.Discard(length - copied);
            _totalBuffered -= length;
            s.AckMsgId[0] = s.RecordMsgId[head];
            s.AckValue[0] = length;
            acks = 1;
            PopRecordLocked(s);
            _receiveSpace.Set();
            return copied;
        }

        private static void PopRecordLocked(EngineSocket s)
        {
            s.RecordHead = (s.RecordHead + 1) % s.RecordMsgId.Length;
            s.RecordCount--;
            s.RecordConsumed = 0;
        }

        /// <summary>ACKs the host TRANSMITs the application has now read, with their byte counts.</summary>
        private void SendTransmitAcks(EngineSocket s, int count)
        {
            if (count == 0 || !_settings.AckHostTransmits)
            {
                return;
            }

            lock (_commandWriteLock)
            {
                for (int i = 0; i < count; i++)
                {
                    int value = s.AckValue[i];
                    int code = value < 0 ? -value : HssError.Success;
                    int n = PacketWriter.WriteAckWithValue(_commandTx, 0, s.AckMsgId[i], s.HandleValue, HssOpcode.Transmit, code, HssRules.TransmitAckValue(code, value));
                    try
                    {
                        WriteCommandLocked(n);
                    }
                    catch (HssSocketException)
                    {
                        // The link went down; the host forgot these TRANSMITs with the link.
                        return;
                    }
                }
            }
        }

        /// <summary>
        /// A host TRANSMIT (data reader thread). Waits while it does not fit, so nothing is dropped; answers at once
        /// with a negative ACK when the socket cannot take data.
        /// </summary>
        private void OnTransmitReceived(HssPacket p)
        {
            int generation;
            lock (_sync)
            {
                generation = _linkGeneration;
                _stats.TransmitsReceived++;
            }

            int length = (int)p.PayloadLength;
            while (true)
            {
                int reject = 0;
                lock (_sync)
                {
                    if (!_running || generation != _linkGeneration)
                    {
                        return;
                    }

                    EngineSocket s = FindLocked(p.SockId);
                    if (s == null)
                    {
                        reject = HssError.NoSocket;
                    }
                    else if (!s.Machine.CanAcceptHostData)
                    {
                        reject = HssError.NotConnected;
                    }
                    else if (length == 0 && !s.IsDatagram)
                    {
                        // Nothing to buffer: acknowledge at once.
                        reject = -1;
                    }
                    else if (s.ReceiveRing.Free >= length && _totalBuffered + length <= _settings.ReceiveBudgetTotal && s.RecordCount < s.RecordMsgId.Length)
                    {
                        s.ReceiveRing.Write(p.Buffer, p.PayloadOffset, length);
                        _totalBuffered += length;
                        int tail = (s.RecordHead + s.RecordCount) % s.RecordMsgId.Length;
                        s.RecordMsgId[tail] = p.MsgId;
                        s.RecordLength[tail] = length;
                        s.RecordCount++;
                        s.ReceiveSignal.Set();
                        return;
                    }
                }

                if (reject > 0)
                {
                    lock (_sync)
                    {
                        _stats.RejectedTransmits++;
                    }

                    SendAnswer(p.MsgId, p.SockId, HssOpcode.Transmit, reject, true);
                    return;
                }

                if (reject < 0)
                {
                    SendAnswer(p.MsgId, p.SockId, HssOpcode.Transmit, HssError.Success, true);
                    return;
                }

                // Budget spent: hold the packet, do not read the pipe (USB NAKs the host), until the app reads.
                _receiveSpace.WaitOne(HousekeepingPeriodMs, false);
            }
        }
    }
}
