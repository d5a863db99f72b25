using System;
using System.Threading;
using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// The engine's periodic work on its clock: times out background requests (a CLOSE the host never answered
    /// gives the handle back anyway), sends CLOSEs whose linger ended, and retries sends that waited for a request
    /// slot. A timer runs it every HousekeepingPeriodMs; tests with a manual clock call Run right after moving time.
    /// </summary>
    internal sealed class Housekeeping : IDisposable
    {
        private readonly EngineContext _context;
        private readonly SocketCloser _closer;
        private readonly TransmitAnswers _transmitAnswers;
        private Timer _timer;
        private bool _running;

        public Housekeeping(EngineContext context, SocketCloser closer, TransmitAnswers transmitAnswers)
        {
            _context = context;
            _closer = closer;
            _transmitAnswers = transmitAnswers;
        }

        public void Start()
        {
            _timer = new Timer(OnTimer, null, EngineContext.HousekeepingPeriodMs, EngineContext.HousekeepingPeriodMs);
        }

        public void Dispose()
        {
            if (_timer != null)
            {
                _timer.Dispose();
            }
        }

        public void Run()
        {
            lock (_context.Sync)
            {
                _context.Counters.CountLock();
                // Timer callbacks may overlap when one is held up (a slow link write): one at a time.
                if (!_context.Running || _running)
                {
                    return;
                }

                _running = true;
                TimeOutBackgroundRequestsUnderSync();
            }

            try
            {
                _closer.SendDueCloses();

                // Sends that waited for a free request slot (freed by a timeout, a reset or a command's answer).
                _transmitAnswers.FlushAll();
            }
            catch (Exception)
            {
                // A failing link is already a link reset; the timer must go on.
            }
            finally
            {
                lock (_context.Sync)
                {
                    _context.Counters.CountLock();
                    _running = false;
                }
            }
        }

        private void OnTimer(object state)
        {
            Run();
        }

        private void TimeOutBackgroundRequestsUnderSync()
        {
            EngineContext c = _context;
            long now = c.Now();
            for (int i = 0; i < c.Requests.Size; i++)
            {
                PendingRequest r = c.Requests[i];
                if (r.InUse && r.Background && r.Opcode != HssOpcode.Transmit && r.DeadlineMs <= now)
                {
                    // A CLOSE the host never answered: give the handle back anyway. An OPEN: see OnOpenTimedOutUnderSync.
                    c.Stats.TimedOutRequests++;
                    EngineSocket s = r.Socket;
                    int opcode = r.Opcode;
                    c.FreeRequestUnderSync(r);
                    if (opcode == HssOpcode.Close && s != null && s.Machine.IsAppClosed)
                    {
                        c.ReleaseUnderSync(s);
                    }
                    else if (opcode == HssOpcode.Open && s != null && s.Machine.InUse)
                    {
                        OnOpenTimedOutUnderSync(s, now);
                    }
                }
            }
        }

        /// <summary>
        /// An OPEN the host never answered: it may have opened it late, so the socket is closed (CLOSE below, in
        /// SendDueCloses, and its answer or timeout frees the handle); a CONNECT waiting behind it and any later
        /// operation fail with TimedOut.
        /// </summary>
        private void OnOpenTimedOutUnderSync(EngineSocket s, long now)
        {
            s.Machine.OnOpenTimedOut();
            s.CloseDeadlineMs = now;
            SocketRequests.HandOverConnectUnderSync(_context, s);
        }
    }
}
