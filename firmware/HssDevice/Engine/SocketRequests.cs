using System;
using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// Setting a socket up: OPEN (answered in the background, docs/protocol.md section 4) and CONNECT (awaited on
    /// the engine's clock, section 5). The shutdowns are <see cref="SocketShutdowns"/>. Failures throw
    /// HssSocketException.
    /// </summary>
    internal sealed class SocketRequests
    {
        private readonly EngineContext _context;
        private readonly CommandWriter _writer;

        public SocketRequests(EngineContext context, CommandWriter writer)
        {
            _context = context;
            _writer = writer;
        }

        /// <summary>
        /// Sends OPEN and returns without waiting: its answer drives the socket's state (PacketDispatcher), so a
        /// CONNECT can follow at once (set-up in one round trip; the host handles requests in order, docs/protocol.md
        /// section 4). A refusal is reported by the socket's next operation. Throws TooManyOpenSockets on a full table.
        /// </summary>
        public EngineSocket Open(int family, int protocol, int type)
        {
            if (!HssType.IsValidPair(family, protocol, type))
            {
                throw new HssSocketException(SocketError.ProtocolNotSupported, "unsupported family/protocol/type combination");
            }

            EngineContext c = _context;
            EngineSocket s;
            PendingRequest request;
            lock (_writer.CommandLock)
            {
                _context.Counters.CountLock();
                lock (c.Sync)
                {
                    c.Counters.CountLock();
                    SocketChecks.ThrowIfStopped(c);
                    if (c.SessionEnded)
                    {
                        throw new HssSocketException(SocketError.NetworkReset, "the link lost its framing; waiting for it to go down and up again");
                    }

                    s = c.Sockets.Allocate(c.Settings);
                    if (s == null)
                    {
                        throw new HssSocketException(SocketError.TooManyOpenSockets, "all " + c.Sockets.Size.ToString() + " sockets are in use");
                    }

                    s.Family = family;
                    s.Protocol = protocol;
                    s.Type = type;
                    // Background: nobody waits; the answer (PacketDispatcher) or the timeout (Housekeeping) moves the state.
                    request = c.AllocateBackgroundRequestUnderSync(HssOpcode.Open, s.Handle, s);
                    if (request == null)
                    {
                        c.ReleaseUnderSync(s);
                        throw SocketChecks.TooManyRequests();
                    }
                }

                int n = PacketWriter.WriteOpen(_writer.Buffer, 0, request.MsgId, s.Handle, family, protocol, type);
                try
                {
                    _writer.WriteRequestUnderCommandLock(request, n, s);
                }
                catch (HssSocketException)
                {
                    lock (c.Sync)
                    {
                        c.Counters.CountLock();
                        c.FreeRequestUnderSync(request);
                        c.ReleaseUnderSync(s);
                    }

                    throw;
                }
            }

            return s;
        }

        /// <summary>
        /// Waits while the socket's OPEN is unanswered (any operation but Connect and Close does), then throws the
        /// OPEN's error if it failed (the slot is already free then). The answer, its timeout, a link reset or the
        /// engine's stop always end the wait and set both signals. Every Send and Receive calls it: once the OPEN is
        /// accepted it returns without the lock (OpenAccepted is a one-way fact), so the hot path pays no lock here.
        /// </summary>
        public void AwaitOpenToSend(EngineSocket s)
        {
            AwaitOpen(s, s.SendSignal);
        }

        /// <summary>AwaitOpenToSend for a receiving call (it waits on the receive side: one waiter per direction).</summary>
        public void AwaitOpenToReceive(EngineSocket s)
        {
            AwaitOpen(s, s.ReceiveSignal);
        }

        private void AwaitOpen(EngineSocket s, EngineSignal waitOn)
        {
            EngineContext c = _context;
            if (s.Machine.OpenAccepted)
            {
                return;
            }

            while (true)
            {
                lock (c.Sync)
                {
                    c.Counters.CountLock();
                    SocketStateMachine m = s.Machine;
                    if (!m.IsOpening)
                    {
                        if (!m.InUse && m.HasFailed)
                        {
                            // Released by the engine, not by the application: the OPEN was refused or timed out.
                            SocketChecks.ThrowIfFailed(s);
                        }

                        return;
                    }
                }

                waitOn.WaitUntil(c.Clock, long.MaxValue);
            }
        }

        /// <summary>
        /// OPEN failed (refused or timed out) while a CONNECT of the socket waits behind it: the waiter is woken to
        /// report the OPEN's error, and the CONNECT's request becomes a background one, so the host's own answer to it
        /// (ENOSOCK) is absorbed when it comes (or its timeout frees the slot).
        /// </summary>
        public static void HandOverConnectUnderSync(EngineContext c, EngineSocket s)
        {
            for (int i = 0; i < c.Requests.Size; i++)
            {
                PendingRequest r = c.Requests[i];
                if (r.InUse && r.Socket == s && r.Opcode == HssOpcode.Connect && !r.Background)
                {
                    r.Background = true;
                    r.Completed.Set();
                }
            }
        }

        /// <summary>Sends CONNECT (address in network order, 4 or 16 bytes) and waits for its ACK.</summary>
        public void Connect(EngineSocket s, byte[] address, int port, uint flowInfo, uint scopeId, int timeoutMs)
        {
            int family = address.Length == 4 ? HssFamily.IPv4 : address.Length == 16 ? HssFamily.IPv6 : 0;
            if (family == 0)
            {
                throw new ArgumentException("address must be 4 or 16 bytes");
            }

            EngineContext c = _context;
            if (!c.Settings.ConnectBehindOpen)
            {
                AwaitOpenToSend(s);
            }

            PendingRequest request;
            lock (_writer.CommandLock)
            {
                _context.Counters.CountLock();
                lock (c.Sync)
                {
                    c.Counters.CountLock();
                    SocketChecks.ThrowIfUnusable(s);
                    if (s.Machine.IsConnected || s.Machine.State == SocketState.RemoteClosed)
                    {
                        throw new HssSocketException(SocketError.IsConnected, "the socket is already connected");
                    }

                    if (s.Machine.State != SocketState.Open && s.Machine.State != SocketState.Opening)
                    {
                        throw new HssSocketException(SocketError.InvalidArgument, "a connect is already in progress");
                    }

                    if (family != s.Family)
                    {
                        throw new HssSocketException(SocketError.AddressFamilyNotSupported, "the address family differs from the socket's");
                    }

                    request = c.AllocateAwaitedRequestUnderSync(HssOpcode.Connect, s, timeoutMs);
                    if (request == null)
                    {
                        throw SocketChecks.TooManyRequests();
                    }

                    s.Machine.OnConnectSent();
                }

                byte[] tx = _writer.Buffer;
                int n = family == HssFamily.IPv4
                    ? PacketWriter.WriteConnectIPv4(tx, 0, request.MsgId, s.Handle, port, address, 0)
                    : PacketWriter.WriteConnectIPv6(tx, 0, request.MsgId, s.Handle, port, address, 0, flowInfo, scopeId);
                _writer.WriteRequestUnderCommandLock(request, n, s);
            }

            ushort msgId = request.MsgId;
            bool connected = false;
            try
            {
                AwaitConnectAnswer(s, request, msgId, timeoutMs);
                connected = true;
            }
            catch (HssSocketException e)
            {
                if (e.SocketErrorCode == SocketError.TimedOut && e.HssCode == HssSocketException.NoHssCode)
                {
                    // The host may still connect it later: the socket is unusable; Close sends CLOSE.
                    lock (c.Sync)
                    {
                        c.Counters.CountLock();
                        c.FailUnderSync(s, SocketError.TimedOut, HssSocketException.NoHssCode);
                    }
                }

                throw;
            }
            finally
            {
                lock (c.Sync)
                {
                    c.Counters.CountLock();
                    s.Machine.OnConnectAnswered(connected);
                }
            }
        }

        /// <summary>
        /// Waits for the CONNECT's answer and throws unless it was ESUCCESS. When the OPEN in front of it failed, the
        /// request was handed over to the background (HandOverConnectUnderSync): the OPEN's error is thrown instead.
        /// </summary>
        private void AwaitConnectAnswer(EngineSocket s, PendingRequest request, ushort msgId, int timeoutMs)
        {
            EngineContext c = _context;
            c.Clock.WaitUntil(request.Completed, request.DeadlineMs);
            int code;
            int opcode;
            SocketError local;
            lock (c.Sync)
            {
                c.Counters.CountLock();
                if (!request.InUse || request.MsgId != msgId || request.Background)
                {
                    // Not ours any more: the OPEN failed and its error is the socket's.
                    SocketChecks.ThrowIfFailed(s);
                    throw new HssSocketException(SocketError.SocketError, "CONNECT: the OPEN before it failed");
                }

                opcode = request.Opcode;
                if (!request.Done)
                {
                    c.Stats.TimedOutRequests++;
                    c.FreeRequestUnderSync(request);
                    throw new HssSocketException(SocketError.TimedOut, HssOpcode.NameOf(opcode) + ": the host did not answer within " + timeoutMs.ToString() + " ms");
                }

                code = request.Code;
                local = request.LocalError;
                c.FreeRequestUnderSync(request);
            }

            if (local != SocketError.Success)
            {
                throw SocketChecks.LocalFailure(local);
            }

            if (code != HssError.Success)
            {
                throw ErrorMap.FromHss(code, opcode);
            }
        }
    }
}
