using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// The application's half-closes (docs/protocol.md section 8): Shutdown(Send) drains the socket's data, then
    /// sends SHUTDOWN without awaiting its answer; Shutdown(Receive) is local only.
    /// </summary>
    internal sealed class SocketShutdowns
    {
        private readonly EngineContext _context;
        private readonly CommandWriter _writer;

        public SocketShutdowns(EngineContext context, CommandWriter writer)
        {
            _context = context;
            _writer = writer;
        }

        /// <summary>
        /// Ends the sending side: waits until every byte sent so far is acknowledged (docs/protocol.md section 8),
        /// then sends SHUTDOWN and returns; its ACK is not awaited (an error in it fails the socket). Receiving goes on.
        /// </summary>
        public void ShutdownSend(EngineSocket s, int drainTimeoutMs)
        {
            EngineContext c = _context;
            long deadline = c.DeadlineAfter(drainTimeoutMs);
            lock (c.Sync)
            {
                c.Counters.CountLock();
                SocketChecks.ThrowIfUnusable(s);
                if (s.Machine.SendShutdownDone)
                {
                    return;
                }

                SocketChecks.RequireConnected(s);
                s.Machine.OnAppShutdownSend();
            }

            while (true)
            {
                lock (c.Sync)
                {
                    c.Counters.CountLock();
                    SocketChecks.ThrowIfFailed(s);
                    if (s.Sent.IsDrained)
                    {
                        break;
                    }
                }

                if (!s.SendSignal.WaitUntil(c.Clock, deadline) && c.Passed(deadline))
                {
                    throw new HssSocketException(SocketError.TimedOut, "sent data was not acknowledged in time; SHUTDOWN not sent");
                }
            }

            PendingRequest request;
            lock (_writer.CommandLock)
            {
                _context.Counters.CountLock();
                lock (c.Sync)
                {
                    c.Counters.CountLock();
                    SocketChecks.ThrowIfFailed(s);
                    // No waiter: the reference host neither acts on nor answers SHUTDOWN (docs/decisions.md). An
                    // error answer fails the socket later; no answer times out in housekeeping and is only counted.
                    request = c.AllocateBackgroundRequestUnderSync(HssOpcode.Shutdown, s.Handle, s);
                    if (request == null)
                    {
                        throw SocketChecks.TooManyRequests();
                    }
                }

                _writer.WriteRequestUnderCommandLock(request, PacketWriter.WriteShutdown(_writer.Buffer, 0, request.MsgId, s.Handle), s);
            }

            lock (c.Sync)
            {
                c.Counters.CountLock();
                s.Machine.OnShutdownSent();
            }
        }

        /// <summary>Ends receiving locally: later receives return 0. Nothing goes to the host (HSS has no such request).</summary>
        public void ShutdownReceive(EngineSocket s)
        {
            lock (_context.Sync)
            {
                _context.Counters.CountLock();
                SocketChecks.ThrowIfUnusable(s);
                s.Machine.OnAppShutdownReceive();
            }
        }
    }
}
