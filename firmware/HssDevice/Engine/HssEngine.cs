using System;
using System.Threading;
using HssDevice.Transport;
using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// The device side of HSS: owns the link, its reader threads (one per pipe, none per socket), the socket table
    /// and the table of outstanding requests. Sockets call into it; it turns calls into packets and packets into
    /// socket state.
    ///
    /// Locks, always taken in this order: _commandWriteLock, then _dataWriteLock, then _sync. _sync guards all state
    /// and is never held across a link write or a wait.
    /// </summary>
    public sealed partial class HssEngine : IDisposable
    {
        private const int HousekeepingPeriodMs = 100;

        private readonly IHssLink _link;
        private readonly HssEngineSettings _settings;
        private readonly EngineStats _stats = new EngineStats();
        private readonly object _sync = new object();
        private readonly object _commandWriteLock = new object();
        private readonly object _dataWriteLock = new object();
        private readonly SocketTable _sockets;
        private readonly PendingTable _pending;
        private readonly byte[] _commandTx = new byte[HssLayout.MaxCommandPacket];
        private readonly byte[] _dataTx;
        private readonly byte[] _commandRx = new byte[HssLayout.MaxCommandPacket];
        private readonly byte[] _dataRx;
        private readonly HssPacket _commandPacket = new HssPacket();
        private readonly HssPacket _dataPacket = new HssPacket();
        private readonly PacketReassembler _reassembler;
        private readonly AutoResetEvent _receiveSpace = new AutoResetEvent(false);
        private readonly EngineSocket[] _housekeepingScratch;
        private readonly uint[] _framingLostHandles;
        private readonly IHssClock _clock;

        private Thread _commandThread;
        private Thread _dataThread;
        private Timer _housekeeping;
        private bool _running;
        private bool _disposed;
        private int _totalBuffered;
        private int _linkGeneration;
        private bool _flushStarved;
        private bool _flushWanted;
        private bool _housekeepingRunning;

        // A byte-stream link lost its framing: this session's bytes cannot be parsed any more (see OnFramingLost).
        private bool _sessionEnded;

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
            _link = link;
            _settings = settings;
            _clock = settings.Clock != null ? settings.Clock : SystemClock.Instance;
            _sockets = new SocketTable(settings.MaxSockets);
            _housekeepingScratch = new EngineSocket[settings.MaxSockets];
            _framingLostHandles = new uint[settings.MaxSockets];
            _pending = new PendingTable(settings.MaxOutstandingRequests);
            _dataTx = new byte[HssLayout.HeaderSize + settings.MaxTransmitPayload];
            // One read can take a whole TRANSMIT (fewer ReadData calls for large ones).
            _dataRx = new byte[HssLayout.HeaderSize + settings.MaxDataPayload];
            _reassembler = new PacketReassembler(settings.MaxDataPayload);
        }

        public HssEngineSettings Settings
        {
            get { return _settings; }
        }

        public EngineStats Stats
        {
            get { return _stats; }
        }

        /// <summary>The clock every timeout of this engine is measured on.</summary>
        internal IHssClock Clock
        {
            get { return _clock; }
        }

        /// <summary>Bytes buffered for the application over all sockets (never more than ReceiveBudgetTotal).</summary>
        public int TotalBuffered
        {
            get { lock (_sync) { return _totalBuffered; } }
        }

        /// <summary>Requests (commands and TRANSMITs) sent and not yet answered.</summary>
        internal int PendingRequests
        {
            get { lock (_sync) { return _pending.InUse; } }
        }

        /// <summary>Sockets in the table, closing ones included.</summary>
        public int SocketsInUse
        {
            get
            {
                lock (_sync)
                {
                    return _sockets.InUse;
                }
            }
        }

        /// <summary>Starts the reader threads. Call once.</summary>
        public void Start()
        {
            lock (_sync)
            {
                if (_running || _disposed)
                {
                    throw new InvalidOperationException("engine already started or disposed");
                }

                _running = true;
            }

            if (_link.HasCommandPipe)
            {
                _commandThread = new Thread(CommandReaderLoop);
                _commandThread.Start();
            }

            _dataThread = new Thread(DataReaderLoop);
            _dataThread.Start();
            _housekeeping = new Timer(OnHousekeepingTimer, null, HousekeepingPeriodMs, HousekeepingPeriodMs);
        }

        /// <summary>Stops the engine: every socket fails with OperationAborted, every waiter wakes.</summary>
        public void Dispose()
        {
            lock (_sync)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                _running = false;
            }

            if (_housekeeping != null)
            {
                _housekeeping.Dispose();
            }

            FailAll(SocketError.OperationAborted, false);
            _link.Close();
            _receiveSpace.Set();
            if (_commandThread != null)
            {
                _commandThread.Join(2000);
            }

            if (_dataThread != null)
            {
                _dataThread.Join(2000);
            }
        }

        /// <summary>
        /// The link went down or its framing was lost: every socket fails with NetworkReset and every pending
        /// request completes with it (docs/protocol.md section 11). Buffered received data stays readable.
        /// </summary>
        public void ResetLink()
        {
            lock (_sync)
            {
                _linkGeneration++;
                _stats.LinkResets++;
            }

            FailAll(SocketError.NetworkReset, true);
        }

        private void FailAll(SocketError error, bool releaseClosed)
        {
            lock (_sync)
            {
                for (int i = 0; i < _pending.Size; i++)
                {
                    PendingRequest r = _pending[i];
                    if (!r.InUse)
                    {
                        continue;
                    }

                    if (r.Background)
                    {
                        FreeRequestLocked(r);
                    }
                    else
                    {
                        r.Done = true;
                        r.LocalError = error;
                        r.Completed.Set();
                    }
                }

                for (int i = 0; i < _sockets.Size; i++)
                {
                    EngineSocket s = _sockets[i];
                    if (!s.Machine.InUse)
                    {
                        continue;
                    }

                    FailLocked(s, error, HssSocketException.NoHssCode);
                    if (releaseClosed && s.Machine.IsAppClosed)
                    {
                        ReleaseLocked(s);
                    }
                }
            }

            _receiveSpace.Set();
        }

        private long Now()
        {
            return _clock.NowMs;
        }

        /// <summary>The clock's time after milliseconds; long.MaxValue (no deadline) for a negative value.</summary>
        private long DeadlineAfter(int milliseconds)
        {
            return milliseconds < 0 ? long.MaxValue : Now() + milliseconds;
        }

        private bool Passed(long deadlineMs)
        {
            return deadlineMs != long.MaxValue && Now() >= deadlineMs;
        }

        private EngineSocket FindLocked(uint handle)
        {
            return _sockets.Find(handle);
        }

        /// <summary>Marks the socket failed (first cause wins), drops unsent data and wakes its waiters.</summary>
        private void FailLocked(EngineSocket s, SocketError error, int hssCode)
        {
            s.Machine.OnFailure(error, hssCode);
            DropSendsLocked(s);
            s.ReceiveSignal.Set();
            s.SendSignal.Set();
        }

        private void DropSendsLocked(EngineSocket s)
        {
            s.SendRing.Clear();
            s.InFlightBytes = 0;
            s.InFlightCount = 0;
            for (int i = 0; i < _pending.Size; i++)
            {
                PendingRequest r = _pending[i];
                if (r.InUse && r.Socket == s && r.Opcode == HssOpcode.Transmit)
                {
                    FreeRequestLocked(r);
                }
            }
        }

        /// <summary>Frees a request slot; when a flush waited for one, the next FlushAll sends again.</summary>
        private void FreeRequestLocked(PendingRequest request)
        {
            _pending.Free(request);
            if (_flushStarved)
            {
                _flushStarved = false;
                _flushWanted = true;
            }
        }

        /// <summary>Returns the socket's slot to the table; its handle may be reused from now on.</summary>
        private void ReleaseLocked(EngineSocket s)
        {
            _totalBuffered -= s.ReceiveRing.Count;
            s.ReceiveRing.Clear();
            s.RecordCount = 0;
            DropSendsLocked(s);
            s.Machine.OnReleased();
            s.ReceiveSignal.Set();
            s.SendSignal.Set();
            _receiveSpace.Set();
        }

        /// <summary>Writes _commandTx[0..length) as one command; caller holds _commandWriteLock.</summary>
        private void WriteCommandLocked(int length)
        {
            try
            {
                if (_link.HasCommandPipe)
                {
                    _link.WriteCommand(_commandTx, 0, length);
                }
                else
                {
                    lock (_dataWriteLock)
                    {
                        _link.WriteData(_commandTx, 0, length);
                    }
                }
            }
            catch (Exception)
            {
                OnWriteFailed();
                throw new HssSocketException(SocketError.NetworkReset, "the link failed while writing a command");
            }
        }

        private void OnWriteFailed()
        {
            bool running;
            lock (_sync)
            {
                running = _running;
            }

            if (running)
            {
                ResetLink();
            }
        }

        private void OnHousekeepingTimer(object state)
        {
            RunHousekeeping();
        }

        /// <summary>
        /// Times out background requests and close lingers on the engine's clock, sends CLOSEs that waited, and
        /// retries sends that waited for a request slot. A timer runs it every HousekeepingPeriodMs; tests with a
        /// manual clock call it right after moving the time.
        /// </summary>
        internal void RunHousekeeping()
        {
            int toClose = 0;
            lock (_sync)
            {
                // Timer callbacks may overlap when one is held up (a slow link write): one at a time.
                if (!_running || _housekeepingRunning)
                {
                    return;
                }

                _housekeepingRunning = true;

                long now = Now();
                for (int i = 0; i < _pending.Size; i++)
                {
                    PendingRequest r = _pending[i];
                    if (r.InUse && r.Background && r.Opcode != HssOpcode.Transmit && r.DeadlineMs <= now)
                    {
                        // A CLOSE the host never answered: give the handle back anyway.
                        _stats.TimedOutRequests++;
                        EngineSocket s = r.Socket;
                        int opcode = r.Opcode;
                        FreeRequestLocked(r);
                        if (opcode == HssOpcode.Close && s != null && s.Machine.IsAppClosed)
                        {
                            ReleaseLocked(s);
                        }
                    }
                }

                for (int i = 0; i < _sockets.Size; i++)
                {
                    EngineSocket s = _sockets[i];
                    if (s.Machine.State == SocketState.Closing && s.CloseDeadlineMs <= now)
                    {
                        _housekeepingScratch[toClose++] = s;
                    }
                }
            }

            try
            {
                for (int i = 0; i < toClose; i++)
                {
                    SendCloseInBackground(_housekeepingScratch[i]);
                    _housekeepingScratch[i] = null;
                }

                // Sends that waited for a free request slot (freed by a timeout, a reset or a command's answer).
                FlushAll();
            }
            catch (Exception)
            {
                // A failing link is already a link reset; the timer must go on.
            }
            finally
            {
                lock (_sync)
                {
                    _housekeepingRunning = false;
                }
            }
        }
    }
}
