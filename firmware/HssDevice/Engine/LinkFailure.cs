
namespace HssDevice.Engine
{
    /// <summary>
    /// What a lost link (or a stopped engine) does to the engine: every socket fails, every waiting request
    /// completes with the error, background requests are dropped (docs/protocol.md section 11). Matches are made
    /// under the lock and waiters signalled there; nothing is written to the link.
    /// </summary>
    internal sealed class LinkFailure
    {
        private readonly EngineContext _context;

        public LinkFailure(EngineContext context)
        {
            _context = context;
        }

        /// <summary>The link went down or lost its framing: NetworkReset for all. Buffered received data stays readable.</summary>
        public void ResetLink()
        {
            lock (_context.Sync)
            {
                _context.Counters.CountLock();
                _context.LinkGeneration++;
                _context.Stats.LinkResets++;
            }

            FailAll(SocketError.NetworkReset, AppClosedSockets.Release);
        }

        /// <summary>A link write threw: a reset, unless the engine is stopping anyway.</summary>
        public void OnWriteFailed()
        {
            if (_context.IsRunning())
            {
                ResetLink();
            }
        }

        /// <summary>
        /// Fails every socket and request with error. Sockets the application closed are released (the host forgot
        /// their handles with the link), or kept when the engine stops and nothing will reuse them.
        /// </summary>
        public void FailAll(SocketError error, AppClosedSockets appClosed)
        {
            EngineContext c = _context;
            lock (c.Sync)
            {
                c.Counters.CountLock();
                for (int i = 0; i < c.Requests.Size; i++)
                {
                    PendingRequest r = c.Requests[i];
                    if (!r.InUse)
                    {
                        continue;
                    }

                    if (r.Background)
                    {
                        c.FreeRequestUnderSync(r);
                    }
                    else
                    {
                        r.Done = true;
                        r.LocalError = error;
                        c.Counters.CountSet(heard: true);
                        r.Completed.Set();
                    }
                }

                for (int i = 0; i < c.Sockets.Size; i++)
                {
                    EngineSocket s = c.Sockets[i];
                    if (!s.Machine.InUse)
                    {
                        continue;
                    }

                    c.FailUnderSync(s, error, HssSocketException.NoHssCode);
                    if (appClosed == AppClosedSockets.Release && s.Machine.IsAppClosed)
                    {
                        c.ReleaseUnderSync(s);
                    }
                }
            }

            c.ReceiveSpace.Set();
        }
    }

    /// <summary>What FailAll does with sockets the application has already closed.</summary>
    internal enum AppClosedSockets
    {
        /// <summary>Left in the table (the engine is stopping).</summary>
        Keep,

        /// <summary>Their slots are freed: the host forgot their handles.</summary>
        Release,
    }
}
