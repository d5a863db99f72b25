using System;
using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>The reader threads and what they do with each packet from the host.</summary>
    public sealed partial class HssEngine
    {
        private void CommandReaderLoop()
        {
            while (IsRunning())
            {
                int n;
                try
                {
                    n = _link.ReadCommand(_commandRx, 0, _commandRx.Length);
                }
                catch (Exception)
                {
                    if (IsRunning())
                    {
                        ResetLink();
                    }

                    continue;
                }

                if (n <= 0)
                {
                    if (IsRunning())
                    {
                        ResetLink();
                    }

                    continue;
                }

                // One command per interrupt transfer (docs/protocol.md section 3): the transfer frames the packet.
                int status = _commandPacket.Decode(_commandRx, 0, n, HssLayout.MaxCommandPayload);
                if (status == DecodeStatus.Ok && _commandPacket.TotalLength != n)
                {
                    status = DecodeStatus.Truncated;
                }

                HandleGuarded(_commandPacket, status, n);
            }
        }

        private void DataReaderLoop()
        {
            // The reassembler is reset only when this pipe itself went down or lost framing: a reset caused by a
            // failed write leaves the bytes of this pipe in step.
            while (IsRunning())
            {
                int n;
                try
                {
                    n = _link.ReadData(_dataRx, 0, _dataRx.Length);
                }
                catch (Exception)
                {
                    n = 0;
                }

                if (n <= 0)
                {
                    if (IsRunning())
                    {
                        _reassembler.Reset();
                        lock (_sync)
                        {
                            // The link went down: the next bytes start a new session, framed from its first byte.
                            _sessionEnded = false;
                        }

                        ResetLink();
                    }

                    continue;
                }

                if (SessionEnded(n))
                {
                    continue;
                }

                int used = 0;
                while (used < n)
                {
                    used += _reassembler.Feed(_dataRx, used, n - used);
                    if (_reassembler.FramingLost)
                    {
                        OnFramingLost();
                        break;
                    }

                    if (_reassembler.HasPacket)
                    {
                        if (_reassembler.IsOversized)
                        {
                            _dataPacket.DecodeHeader(_reassembler.PacketBuffer, 0, HssLayout.HeaderSize);
                            HandleGuarded(_dataPacket, DecodeStatus.DataTooLong, HssLayout.HeaderSize);
                        }
                        else
                        {
                            int length = _reassembler.PacketLength;
                            int status = _dataPacket.Decode(_reassembler.PacketBuffer, 0, length, _reassembler.MaxDataPayload);
                            HandleGuarded(_dataPacket, status, length);
                        }

                        _reassembler.Release();
                    }
                }
            }
        }

        /// <summary>
        /// The data pipe's framing cannot be trusted: reset the link (every socket fails with NetworkReset) and tell
        /// the host to close what it had open. With a command pipe (USB) the next transfer starts a packet, so reading
        /// goes on from it. On a byte stream (single pipe) nothing marks where the next packet starts: the session
        /// ends (docs/protocol.md section 11), every byte is dropped until the link goes down, and opens fail.
        /// </summary>
        private void OnFramingLost()
        {
            // The host still holds OS sockets for our handles: note them before the reset forgets them, then ask the
            // host to close each (the answers match nothing that waits; they only free request slots).
            int count = 0;
            lock (_sync)
            {
                _stats.ProtocolErrors++;
                for (int i = 0; i < _sockets.Size; i++)
                {
                    SocketStateMachine m = _sockets[i].Machine;
                    if (m.InUse && !m.IsCloseSent && m.State != SocketState.RemoteClosed && m.State != SocketState.Opening)
                    {
                        _framingLostHandles[count++] = _sockets[i].HandleValue;
                    }
                }
            }

            if (!_link.HasCommandPipe)
            {
                lock (_sync)
                {
                    _sessionEnded = true;
                }
            }

            ResetLink();
            _reassembler.Reset();
            for (int i = 0; i < count; i++)
            {
                SendCloseForHandle(_framingLostHandles[i]);
            }
        }

        /// <summary>
        /// A reader thread must survive anything one packet causes (a link write failing in a flush, a bug): the
        /// failure is counted, the thread goes on reading.
        /// </summary>
        private void HandleGuarded(HssPacket p, int status, int length)
        {
            try
            {
                Handle(p, status, length);
            }
            catch (Exception)
            {
                lock (_sync)
                {
                    _stats.HandlerFailures++;
                }
            }
        }

        /// <summary>Dispatches one packet by opcode; bad ones are counted and answered EINVAL when they were requests.</summary>
        private void Handle(HssPacket p, int status, int length)
        {
            if (status != DecodeStatus.Ok)
            {
                lock (_sync)
                {
                    _stats.ProtocolErrors++;
                }

                if (HssRules.AnswersBadPacket(p.Opcode, length))
                {
                    SendAnswer(p.MsgId, p.SockId, p.Opcode, HssRules.BadPacketCode, HssRules.AnswerCarriesValue(p.Opcode));
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
                    OnTransmitReceived(p);
                    break;
                case HssOpcode.Shutdown:
                    OnHostShutdown(p);
                    break;
                case HssOpcode.Close:
                    OnHostClose(p);
                    break;
                default:
                    // OPEN and CONNECT go device to host only.
                    lock (_sync)
                    {
                        _stats.ProtocolErrors++;
                    }

                    SendAnswer(p.MsgId, p.SockId, p.Opcode, HssRules.BadPacketCode, false);
                    break;
            }
        }

        /// <summary>Matches an ACK or REPLY by msg_id, then checks orig_opcode and sock_id (section 9).</summary>
        private void OnAnswer(HssPacket p)
        {
            EngineSocket acknowledged = null;
            lock (_sync)
            {
                PendingRequest request = _pending.Find(p.MsgId);
                if (request == null || !HssRules.IsAnswerTo(p.MsgId, p.OrigOpcode, p.SockId, request.MsgId, request.Opcode, request.SockId)
                    || (request.Done && !request.Background))
                {
                    _stats.UnmatchedAnswers++;
                    return;
                }

                if (request.Opcode == HssOpcode.Transmit)
                {
                    // Accounted under this same lock: a reset or close could free the request the moment it is released.
                    acknowledged = OnTransmitAnsweredLocked(request, p);
                }
                else if (request.Background)
                {
                    EngineSocket s = request.Socket;
                    int opcode = request.Opcode;
                    FreeRequestLocked(request);
                    if (opcode == HssOpcode.Close && s != null && s.Machine.IsAppClosed)
                    {
                        // CLOSE sent after Close(): the handle may be reused now.
                        ReleaseLocked(s);
                    }
                    else if (opcode == HssOpcode.Shutdown && s != null && p.Code != HssError.Success)
                    {
                        FailLocked(s, ErrorMap.ToSocketError(p.Code), p.Code);
                    }
                }
                else
                {
                    request.Done = true;
                    request.Code = p.Code;
                    request.HasValue = p.HasValue;
                    request.Value = p.Value;
                    request.Completed.Set();
                }
            }

            AfterAnswer(acknowledged);
        }

        /// <summary>The remote peer finished sending: reads return end of stream after the buffered data.</summary>
        private void OnHostShutdown(HssPacket p)
        {
            int code = HssError.Success;
            lock (_sync)
            {
                EngineSocket s = FindLocked(p.SockId);
                if (s == null)
                {
                    code = HssError.NoSocket;
                }
                else
                {
                    s.Machine.OnHostShutdown();
                    s.ReceiveSignal.Set();
                }
            }

            SendAnswer(p.MsgId, p.SockId, HssOpcode.Shutdown, code, false);
        }

        /// <summary>
        /// The host closed the socket (remote close or reset): pending sends fail with ConnectionReset, buffered data
        /// stays readable, then reads return end of stream. The handle is dead on both sides; no CLOSE goes back.
        /// </summary>
        private void OnHostClose(HssPacket p)
        {
            int code = HssError.Success;
            lock (_sync)
            {
                EngineSocket s = FindLocked(p.SockId);
                if (s == null)
                {
                    code = HssError.NoSocket;
                }
                else
                {
                    bool released = s.Machine.OnHostClose();
                    DropSendsLocked(s);
                    s.ReceiveSignal.Set();
                    s.SendSignal.Set();
                    if (released)
                    {
                        ReleaseLocked(s);
                    }
                }
            }

            SendAnswer(p.MsgId, p.SockId, HssOpcode.Close, code, false);
        }

        /// <summary>ACK for a host request; TRANSMIT answers carry the 4-byte value (count, or minus the code).</summary>
        private void SendAnswer(int msgId, uint sockId, int origOpcode, int code, bool withValue)
        {
            if (origOpcode == HssOpcode.Transmit && !_settings.AckHostTransmits)
            {
                return;
            }

            lock (_commandWriteLock)
            {
                int n = withValue
                    ? PacketWriter.WriteAckWithValue(_commandTx, 0, msgId, sockId, origOpcode, code, HssRules.TransmitAckValue(code, 0))
                    : PacketWriter.WriteAck(_commandTx, 0, msgId, sockId, origOpcode, code);
                try
                {
                    WriteCommandLocked(n);
                }
                catch (HssSocketException)
                {
                    // Link down: the host has forgotten the request with the link.
                }
            }
        }

        /// <summary>True (and the n bytes are counted as dropped) while a byte-stream session ended by lost framing waits for the link to go down.</summary>
        private bool SessionEnded(int n)
        {
            lock (_sync)
            {
                if (_sessionEnded)
                {
                    _stats.BytesDroppedAfterFramingLoss += n;
                }

                return _sessionEnded;
            }
        }

        private bool IsRunning()
        {
            lock (_sync)
            {
                return _running;
            }
        }
    }
}
