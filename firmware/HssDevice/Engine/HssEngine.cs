using System;
using HssDevice.Transport;

namespace HssDevice.Engine
{
    /// <summary>
    /// The device side of HSS: what an application starts (directly, or once through <see cref="HssDevice.Sockets.HssNetwork"/>) and
    /// what wires the parts that do the work, each owning one concern:
    /// <see cref="LinkReader"/> (reader threads, framing) hands packets to <see cref="PacketDispatcher"/>;
    /// <see cref="SocketRequests"/> (OPEN, CONNECT), <see cref="SocketShutdowns"/> and <see cref="SocketCloser"/> (CLOSE) write through
    /// <see cref="CommandWriter"/>; <see cref="TransmitScheduler"/> sends data within the window and <see cref="TransmitAnswers"/> takes its ACKs;
    /// <see cref="ReceivePath"/> buffers the host's data; <see cref="Housekeeping"/> runs the timeouts;
    /// <see cref="LinkFailure"/> fails everything when the link goes. They share one <see cref="EngineContext"/>
    /// (its lock order is documented there).
    /// </summary>
    public sealed class HssEngine : IDisposable
    {
        private const int ReaderJoinTimeoutMs = 2000;

        private readonly EngineContext _context;
        private readonly LinkFailure _failure;
        private readonly LinkReader _reader;

        // The parts HssSocket calls directly (no forwarders here): set-up, half-closes, close, data each way.
        internal readonly SocketRequests Requests;
        internal readonly SocketShutdowns Shutdowns;
        internal readonly SocketCloser Closer;
        internal readonly TransmitScheduler Transmits;
        internal readonly ReceivePath Receives;
        private readonly Housekeeping _housekeeping;

        public HssEngine(IHssLink link, HssEngineSettings settings)
        {
            if (link == null)
            {
                throw new ArgumentNullException("link");
            }

            if (settings == null)
            {
                settings = new HssEngineSettings();
            }

            settings.Validate();
            _context = new EngineContext(link, settings);
            _failure = new LinkFailure(_context);
            CommandWriter writer = new CommandWriter(_context, _failure);
            Closer = new SocketCloser(_context, writer);
            Requests = new SocketRequests(_context, writer);
            Shutdowns = new SocketShutdowns(_context, writer);
            Transmits = new TransmitScheduler(_context, _failure);
            TransmitAnswers transmitAnswers = new TransmitAnswers(_context, Transmits, Closer);
            Receives = new ReceivePath(_context, writer);
            PacketDispatcher dispatcher = new PacketDispatcher(_context, writer, transmitAnswers, Receives, Closer);
            _reader = new LinkReader(_context, _failure, dispatcher, Closer);
            _housekeeping = new Housekeeping(_context, Closer, transmitAnswers);
        }

        public HssEngineSettings Settings
        {
            get { return _context.Settings; }
        }

        public EngineStats Stats
        {
            get { return _context.Stats; }
        }

        /// <summary>Locks, event sets and waits, reader reads: counted only where HSS_COUNTERS is defined (the benchmarks).</summary>
        internal EngineCounters Counters
        {
            get { return _context.Counters; }
        }

        /// <summary>The clock every timeout of this engine is measured on.</summary>
        internal IHssClock Clock
        {
            get { return _context.Clock; }
        }

        /// <summary>Bytes buffered for the application over all sockets (never more than ReceiveBudgetTotal).</summary>
        public int TotalBuffered
        {
            get { lock (_context.Sync) { return _context.TotalBuffered; } }
        }

        /// <summary>Requests (commands and TRANSMITs) sent and not yet answered.</summary>
        internal int PendingRequests
        {
            get { lock (_context.Sync) { return _context.Requests.InUse; } }
        }

        /// <summary>Sockets in the table, closing ones included.</summary>
        public int SocketsInUse
        {
            get { lock (_context.Sync) { return _context.Sockets.InUse; } }
        }

        /// <summary>True between Start and Dispose.</summary>
        public bool IsRunning
        {
            get { return _context.IsRunning(); }
        }

        /// <summary>Starts the reader threads and the housekeeping timer. Call once.</summary>
        public void Start()
        {
            lock (_context.Sync)
            {
                _context.Counters.CountLock();
                if (_context.Running || _context.Disposed)
                {
                    throw new InvalidOperationException("engine already started or disposed");
                }

                _context.Running = true;
            }

            _reader.Start();
            _housekeeping.Start();
        }

        /// <summary>Stops the engine: every socket fails with OperationAborted, every waiter wakes.</summary>
        public void Dispose()
        {
            lock (_context.Sync)
            {
                _context.Counters.CountLock();
                if (_context.Disposed)
                {
                    return;
                }

                _context.Disposed = true;
                _context.Running = false;
            }

            _housekeeping.Dispose();
            _failure.FailAll(SocketError.OperationAborted, AppClosedSockets.Keep);
            _context.Link.Close();
            _context.ReceiveSpace.Set();
            _reader.Join(ReaderJoinTimeoutMs);
        }

        /// <summary>
        /// The link went down or its framing was lost: every socket fails with NetworkReset and every pending
        /// request completes with it (docs/protocol.md section 11). Buffered received data stays readable.
        /// </summary>
        public void ResetLink()
        {
            _failure.ResetLink();
        }

        /// <summary>
        /// Times out background requests and close lingers on the engine's clock, sends CLOSEs that waited, and
        /// retries sends that waited for a request slot. A timer runs it; tests with a manual clock call it.
        /// </summary>
        internal void RunHousekeeping()
        {
            _housekeeping.Run();
        }

        /// <summary>Connected (one side may have ended) and not failed or closed by the host.</summary>
        internal bool IsConnected(EngineSocket s)
        {
            lock (_context.Sync)
            {
                _context.Counters.CountLock();
                return s.Machine.IsConnected && !s.Machine.HasError;
            }
        }

        internal bool HasError(EngineSocket s)
        {
            lock (_context.Sync)
            {
                _context.Counters.CountLock();
                return s.Machine.HasError;
            }
        }

        /// <summary>
        /// Waits until a socket's readable state (its ReceiveSignal) or writable state (its SendSignal) may have
        /// changed, or the clock reaches deadlineMs.
        /// </summary>
        internal bool WaitForChange(EngineSignal change, long deadlineMs)
        {
            return change.WaitUntil(_context.Clock, deadlineMs);
        }
    }
}
