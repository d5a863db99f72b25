using System;
using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// What the engine does with each packet from the host, on the reader thread that read it: answers matched to
    /// requests, host TRANSMITs to the receive path, the host's SHUTDOWN and CLOSE to the socket's state; bad
    /// packets counted and answered EINVAL when they were requests (docs/protocol.md sections 9 and 11).
    /// </summary>
    internal sealed class PacketDispatcher
    {
        private readonly EngineContext _context;
        private readonly CommandWriter _writer;
        private readonly TransmitAnswers _transmitAnswers;
        private readonly ReceivePath _receives;
        private readonly SocketCloser _closer;

        public PacketDispatcher(EngineContext context, CommandWriter writer, TransmitAnswers transmitAnswers, ReceivePath receives, SocketCloser closer)
        {
            _closer = closer;
            _context = context;
            _writer = writer;
            _transmitAnswers = transmitAnswers;
            _receives = receives;
        }

        /// <summary>
        /// A reader thread must survive anything one packet causes (a link write failing in a flush, a bug): the
        /// failure is counted, the thread goes on reading.
        /// </summary>
        public void HandleGuarded(HssPacket p, int status, int length)
        {
            try
            {
                Handle(p, status, length);
            }
            catch (Exception)
            {
                lock (_context.Sync)
                {
                    _context.Counters.CountLock();
                    _context.Stats.HandlerFailures++;
                }
            }
        }

        /// <summary>Dispatches one packet by opcode; bad ones are counted and answered EINVAL when they were requests.</summary>
        private void Handle(HssPacket p, int status, int length)
        {
            if (status != DecodeStatus.Ok)
            {
                CountProtocolError();
                if (HssRules.AnswersBadPacket(p.Opcode, length))
                {
                    _writer.SendAnswer(p.MsgId, p.SockId, p.Opcode, HssRules.BadPacketCode);
                }

                return;
            }

            switch (p.Opcode)
            {
                case HssOpcode.Ack:
                case HssOpcode.Reply:
                    OnAnswer(p);
                    break;
                case HssOpcode.Transmit:
                    _receives.OnTransmitReceived(p);
                    break;
                case HssOpcode.Shutdown:
                    OnHostShutdown(p);
                    break;
                case HssOpcode.Close:
                    OnHostClose(p);
                    break;
                default:
                    // OPEN and CONNECT go device to host only.
                    CountProtocolError();
                    _writer.SendAnswer(p.MsgId, p.SockId, p.Opcode, HssRules.BadPacketCode);
                    break;
            }
        }

        private void CountProtocolError()
        {
            lock (_context.Sync)
            {
                _context.Counters.CountLock();
                _context.Stats.ProtocolErrors++;
            }
        }

        /// <summary>
        /// Matches an ACK or REPLY by msg_id, then checks orig_opcode and sock_id (section 9). An answer to a TRANSMIT
        /// is accounted, and what follows it decided, under the one lock (issue 9: one Sync per packet on the reader).
        /// </summary>
        private void OnAnswer(HssPacket p)
        {
            EngineContext c = _context;
            EngineSocket acknowledged = null;
            EngineSocket openedButClosed = null;
            AnswerFollowUp followUp;
            lock (c.Sync)
            {
                c.Counters.CountLock();
                PendingRequest request = c.Requests.Find(p.MsgId);
                if (request == null || !HssRules.IsAnswerTo(p.MsgId, p.OrigOpcode, p.SockId, request.MsgId, request.Opcode, request.SockId)
                    || (request.Done && !request.Background))
                {
                    c.Stats.UnmatchedAnswers++;
                    return;
                }

                if (request.Opcode == HssOpcode.Transmit)
                {
                    // Accounted under this same lock: a reset or close could free the request the moment it is released.
                    followUp = _transmitAnswers.OnTransmitAnsweredUnderSync(request, p, out acknowledged);
                }
                else
                {
                    if (request.Opcode == HssOpcode.Open)
                    {
                        openedButClosed = OnOpenAnsweredUnderSync(request, p.Code);
                    }
                    else
                    {
                        OnRequestAnsweredUnderSync(request, p);
                    }

                    followUp = _transmitAnswers.OnSlotFreedUnderSync();
                }
            }

            _transmitAnswers.CarryOut(acknowledged, followUp);
            if (openedButClosed != null)
            {
                _closer.SendCloseInBackground(openedButClosed);
            }
        }

        /// <summary>
        /// OPEN's answer sets the socket's state; nobody waits for it (docs/protocol.md section 4). On refusal a
        /// CONNECT sent behind the OPEN reports the OPEN's error. Returns the socket to CLOSE now when the application
        /// closed it before the answer and the host did open it.
        /// </summary>
        private EngineSocket OnOpenAnsweredUnderSync(PendingRequest request, int code)
        {
            EngineContext c = _context;
            EngineSocket s = request.Socket;
            c.FreeRequestUnderSync(request);
            if (s == null || !s.Machine.InUse)
            {
                return null;
            }

            if (code == HssError.Success)
            {
                bool closeNow = s.Machine.OnOpenAcked();
                return closeNow ? s : null;
            }

            // Refused: the host holds nothing, so the slot is free now; the socket keeps the OPEN's error for the
            // application, and a CONNECT behind the OPEN reports it (its own answer, ENOSOCK, is absorbed).
            s.Machine.OnOpenRefused(ErrorMap.ToSocketError(code), code);
            SocketRequests.HandOverConnectUnderSync(c, s);
            c.ReleaseUnderSync(s);
            return null;
        }

        /// <summary>An answer to CONNECT, SHUTDOWN or CLOSE: completes the waiting call, or finishes a background request. Caller holds Sync.</summary>
        private void OnRequestAnsweredUnderSync(PendingRequest request, HssPacket p)
        {
            EngineContext c = _context;
            if (request.Background)
            {
                EngineSocket s = request.Socket;
                int opcode = request.Opcode;
                c.FreeRequestUnderSync(request);
                if (opcode == HssOpcode.Close && s != null && s.Machine.IsAppClosed)
                {
                    // CLOSE sent after Close(): the handle may be reused now.
                    c.ReleaseUnderSync(s);
                }
                else if (opcode == HssOpcode.Shutdown && s != null && p.Code != HssError.Success)
                {
                    c.FailUnderSync(s, ErrorMap.ToSocketError(p.Code), p.Code);
                }
            }
            else
            {
                request.Done = true;
                request.Code = p.Code;
                request.HasValue = p.HasValue;
                request.Value = p.Value;
                c.Counters.CountSet(heard: true);
                request.Completed.Set();
            }
        }

        /// <summary>The remote peer finished sending: reads return end of stream after the buffered data.</summary>
        private void OnHostShutdown(HssPacket p)
        {
            int code = HssError.Success;
            lock (_context.Sync)
            {
                _context.Counters.CountLock();
                EngineSocket s = _context.Sockets.Find(p.SockId);
                if (s == null)
                {
                    code = HssError.NoSocket;
                }
                else
                {
                    s.Machine.OnHostShutdown();
                }
            }

            _writer.SendAnswer(p.MsgId, p.SockId, HssOpcode.Shutdown, code);
        }

        /// <summary>
        /// The host closed the socket (remote close or reset): pending sends fail with ConnectionReset, buffered data
        /// stays readable, then reads return end of stream. The handle is dead on both sides; no CLOSE goes back.
        /// </summary>
        private void OnHostClose(HssPacket p)
        {
            EngineContext c = _context;
            int code = HssError.Success;
            lock (c.Sync)
            {
                c.Counters.CountLock();
                EngineSocket s = c.Sockets.Find(p.SockId);
                if (s == null)
                {
                    code = HssError.NoSocket;
                }
                else
                {
                    bool released = s.Machine.OnHostClose();
                    c.DropSendsUnderSync(s);
                    if (released)
                    {
                        c.ReleaseUnderSync(s);
                    }
                }
            }

            _writer.SendAnswer(p.MsgId, p.SockId, HssOpcode.Close, code);
        }
    }
}
