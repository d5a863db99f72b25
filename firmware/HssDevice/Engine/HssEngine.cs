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
        private readonly SocketRequests _requests;
        private readonly SocketShutdowns _shutdowns;
        private readonly SocketCloser _closer;
        private readonly TransmitScheduler _transmits;
        private readonly ReceivePath _receives;
        private readonly LinkReader _reader;
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
            _closer = new SocketCloser(_context, writer);
            _requests = new SocketRequests(_context, writer);
            _shutdowns = new SocketShutdowns(_context, writer);
            _transmits = new TransmitScheduler(_context, _failure);
            TransmitAnswers transmitAnswers = new TransmitAnswers(_context, _transmits, _closer);
            _receives = new ReceivePath(_context, writer);
            PacketDispatcher dispatcher = new PacketDispatcher(_context, writer, transmitAnswers, _receives, _closer);
            _reader = new LinkReader(_context, _failure, dispatcher, _closer);
            _housekeeping = new Housekeeping(_context, _closer, transmitAnswers);
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
            _failure.FailAll(SocketError.OperationAborted, false);
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

        // The socket operations HssSocket calls (internal: applications use HssSocket).

        internal EngineSocket Open(int family, int protocol, int type)
        {
            return _requests.Open(family, protocol, type);
        }

        internal void AwaitOpen(EngineSocket s, bool sendSide)
        {
            _requests.AwaitOpen(s, sendSide);
        }

        internal void Connect(EngineSocket s, byte[] address, int port, uint flowInfo, uint scopeId, int timeoutMs)
        {
            _requests.Connect(s, address, port, flowInfo, scopeId, timeoutMs);
        }

        internal void ShutdownSend(EngineSocket s, int drainTimeoutMs)
        {
            _shutdowns.ShutdownSend(s, drainTimeoutMs);
        }

        internal void ShutdownReceive(EngineSocket s)
        {
            _shutdowns.ShutdownReceive(s);
        }

        internal void Close(EngineSocket s)
        {
            _closer.Close(s);
        }

        internal void CloseAbandoned(EngineSocket s)
        {
            _closer.CloseAbandoned(s);
        }

        internal int Send(EngineSocket s, byte[] buffer, int offset, int size, int timeoutMs)
        {
            return _transmits.Send(s, buffer, offset, size, timeoutMs);
        }

        internal int Receive(EngineSocket s, byte[] buffer, int offset, int size, int timeoutMs)
        {
            return _receives.Receive(s, buffer, offset, size, timeoutMs);
        }

        internal int Available(EngineSocket s)
        {
            return _receives.Available(s);
        }

        internal bool IsReadable(EngineSocket s)
        {
            return _receives.IsReadable(s);
        }

        internal bool IsWritable(EngineSocket s)
        {
            return _transmits.IsWritable(s);
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

        /// <summary>Waits until the socket's readable or writable state may have changed, or the clock reaches deadlineMs.</summary>
        internal bool WaitForChange(EngineSocket s, bool read, long deadlineMs)
        {
            return (read ? s.ReceiveSignal : s.SendSignal).WaitUntil(_context.Clock, deadlineMs);
        }
    }
}
