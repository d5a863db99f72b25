using HssDevice.Transport;
using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// What every part of one engine shares: the one lock, the link, settings, clock, counters, the socket and
    /// request tables, the run flags, and the few changes under the lock that touch several of them at once (fail,
    /// release, free a request).
    ///
    /// The engine's three locks, always taken in this order (the one place it is written), and the suffix of a
    /// method that must be called with one held:
    ///   1. CommandWriter.CommandLock  the command buffer and the TRANSMIT-ACK batch   ...UnderCommandLock
    ///   2. DataWriteLock               the data pipe and the TRANSMIT being written     ...UnderDataWriteLock
    ///   3. Sync                        every other field of the engine and its sockets  ...UnderSync
    /// Sync is never held across a link write or a wait. A thread may skip a lock, never take one out of order.
    /// </summary>
    internal sealed class EngineContext
    {
        /// <summary>How often housekeeping runs, and how long a thread that polls waits at most (real time).</summary>
        public const int HousekeepingPeriodMs = 100;

        public readonly object Sync = new object();

        /// <summary>Held while the data pipe is written (TRANSMITs; commands too on a single-pipe link).</summary>
        public readonly object DataWriteLock = new object();

        public readonly IHssLink Link;
        public readonly HssEngineSettings Settings;
        public readonly IHssClock Clock;
        public readonly EngineStats Stats = new EngineStats();

        /// <summary>Counted only in builds that define HSS_COUNTERS (the benchmarks).</summary>
        public readonly EngineCounters Counters = new EngineCounters();
        public readonly SocketTable Sockets;
        public readonly PendingTable Requests;

        /// <summary>Set whenever received bytes leave the buffers: a host TRANSMIT waiting for room looks again.</summary>
        public readonly EngineSignal ReceiveSpace;

        public bool Running;
        public bool Disposed;

        /// <summary>Bytes buffered for the application over all sockets (never more than ReceiveBudgetTotal).</summary>
        public int TotalBuffered;

        /// <summary>Counts link resets: a host TRANSMIT held across one is dropped (the host forgot it).</summary>
        public int LinkGeneration;

        /// <summary>A byte-stream link lost its framing: this session's bytes cannot be parsed any more (LinkReader).</summary>
        public bool SessionEnded;

        /// <summary>A flush found every request slot taken; the next freed slot sets FlushWanted.</summary>
        public bool FlushStarved;

        /// <summary>The next FlushAll sends again (a slot was freed after a flush starved).</summary>
        public bool FlushWanted;

        public EngineContext(IHssLink link, HssEngineSettings settings)
        {
            Link = link;
            Settings = settings;
            Clock = settings.Clock != null ? settings.Clock : SystemClock.Instance;
            ReceiveSpace = new EngineSignal(Counters);
            Sockets = new SocketTable(settings.MaxSockets, Counters);
            Requests = new PendingTable(settings.MaxOutstandingRequests);
        }

        public long Now()
        {
            return Clock.NowMs;
        }

        /// <summary>The clock's time after milliseconds; long.MaxValue (no deadline) for a negative value.</summary>
        public long DeadlineAfter(int milliseconds)
        {
            return milliseconds < 0 ? long.MaxValue : Now() + milliseconds;
        }

        /// <summary>
        /// The deadline of a call that is about to wait: taken once, at its first wait, so a call that never waits
        /// never reads the clock (issue 9: DateTime.UtcNow is a native call on a board). NoDeadlineYet until then.
        /// </summary>
        public long DeadlineOnFirstWait(long deadlineMs, int timeoutMs)
        {
            return deadlineMs != NoDeadlineYet ? deadlineMs : DeadlineAfter(timeoutMs);
        }

        /// <summary>A call's deadline before its first wait (see DeadlineOnFirstWait).</summary>
        public const long NoDeadlineYet = long.MinValue;

        public bool Passed(long deadlineMs)
        {
            return deadlineMs != long.MaxValue && Now() >= deadlineMs;
        }

        public bool IsRunning()
        {
            lock (Sync)
            {
                Counters.CountLock();
                return Running;
            }
        }

        /// <summary>
        /// A request nobody waits for (OPEN, SHUTDOWN, CLOSE): its answer is handled by the reader, its timeout by
        /// housekeeping. Null when every slot is taken.
        /// </summary>
        public PendingRequest AllocateBackgroundRequestUnderSync(int opcode, uint sockId, EngineSocket s)
        {
            return Requests.Allocate(opcode, sockId, s, true, DeadlineAfter(Settings.CommandTimeoutMs));
        }

        /// <summary>A request its caller waits for (CONNECT) until timeoutMs. Null when every slot is taken.</summary>
        public PendingRequest AllocateAwaitedRequestUnderSync(int opcode, EngineSocket s, int timeoutMs)
        {
            return Requests.Allocate(opcode, s.Handle, s, false, DeadlineAfter(timeoutMs));
        }

        /// <summary>
        /// A TRANSMIT of socket s: answered in the background and never timed out (its ACK comes, or a link reset or
        /// the socket's failure frees it). Null when every slot is taken.
        /// </summary>
        public PendingRequest AllocateTransmitUnderSync(EngineSocket s)
        {
            return Requests.Allocate(HssOpcode.Transmit, s.Handle, s, true, long.MaxValue);
        }

        /// <summary>Frees a request slot; when a flush waited for one, the next FlushAll sends again.</summary>
        public void FreeRequestUnderSync(PendingRequest request)
        {
            Requests.Free(request);
            if (FlushStarved)
            {
                FlushStarved = false;
                FlushWanted = true;
            }
        }

        /// <summary>Marks the socket failed (first cause wins; the state machine wakes its waiters) and drops unsent data.</summary>
        public void FailUnderSync(EngineSocket s, SocketError error, int hssCode)
        {
            s.Machine.OnFailure(error, hssCode);
            DropSendsUnderSync(s);
        }

        /// <summary>Drops the socket's unsent and unacknowledged data with the TRANSMIT requests carrying it.</summary>
        public void DropSendsUnderSync(EngineSocket s)
        {
            s.Sent.Clear();
            for (int i = 0; i < Requests.Size; i++)
            {
                PendingRequest r = Requests[i];
                if (r.InUse && r.Socket == s && r.Opcode == HssOpcode.Transmit)
                {
                    FreeRequestUnderSync(r);
                }
            }
        }

        /// <summary>Drops what the socket buffered for the application, giving its bytes back to the total budget.</summary>
        public void DropReceivedUnderSync(EngineSocket s)
        {
            TotalBuffered -= s.Received.Clear();
            ReceiveSpace.Set();
        }

        /// <summary>Returns the socket's slot to the table; its handle may be reused from now on.</summary>
        public void ReleaseUnderSync(EngineSocket s)
        {
            DropReceivedUnderSync(s);
            DropSendsUnderSync(s);
            s.Machine.OnReleased();
        }
    }
}
