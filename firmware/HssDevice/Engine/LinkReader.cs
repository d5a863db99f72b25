using System;
using System.Threading;
using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// The reader threads, one per pipe (none per socket): they read, frame and decode packets and hand each to the
    /// <see cref="PacketDispatcher"/>. A pipe that goes down is a link reset; a data pipe whose framing is lost ends
    /// the session (docs/protocol.md sections 3 and 11). Buffers are allocated once.
    /// </summary>
    internal sealed class LinkReader
    {
        private readonly EngineContext _context;
        private readonly LinkFailure _failure;
        private readonly PacketDispatcher _dispatcher;
        private readonly SocketCloser _closer;
        private readonly byte[] _commandRx = new byte[HssLayout.MaxCommandPacket];
        private readonly byte[] _dataRx;
        private readonly HssPacket _commandPacket = new HssPacket();
        private readonly HssPacket _dataPacket = new HssPacket();
        private readonly PacketReassembler _reassembler;
        private readonly uint[] _framingLostHandles;
        private Thread _commandThread;
        private Thread _dataThread;

        public LinkReader(EngineContext context, LinkFailure failure, PacketDispatcher dispatcher, SocketCloser closer)
        {
            _context = context;
            _failure = failure;
            _dispatcher = dispatcher;
            _closer = closer;
            HssEngineSettings settings = context.Settings;
            // One read can take a whole TRANSMIT (fewer ReadData calls for large ones).
            _dataRx = new byte[HssLayout.HeaderSize + settings.MaxDataPayload];
            _reassembler = new PacketReassembler(settings.MaxDataPayload);
            _framingLostHandles = new uint[settings.MaxSockets];
        }

        /// <summary>Starts the threads; the engine is already marked running.</summary>
        public void Start()
        {
            if (_context.Link.HasCommandPipe)
            {
                _commandThread = new Thread(CommandReaderLoop);
                _commandThread.Start();
            }

            _dataThread = new Thread(DataReaderLoop);
            _dataThread.Start();
        }

        /// <summary>Waits for the threads to end; the engine stopped running and closed the link first.</summary>
        public void Join(int timeoutMs)
        {
            if (_commandThread != null)
            {
                _commandThread.Join(timeoutMs);
            }

            if (_dataThread != null)
            {
                _dataThread.Join(timeoutMs);
            }
        }

        // Neither loop takes Sync per read (issue 9: one lock per packet, the handler's): a stopped engine has
        // closed its link, so the next read fails and the loop ends there.
        private void CommandReaderLoop()
        {
            while (true)
            {
                int n;
                try
                {
                    n = _context.Link.ReadCommand(_commandRx, 0, _commandRx.Length);
                    _context.Counters.CountRead();
                }
                catch (Exception)
                {
                    n = 0;
                }

                if (n <= 0)
                {
                    if (!_context.IsRunning())
                    {
                        return;
                    }

                    _failure.ResetLink();
                    continue;
                }

                // One command per interrupt transfer (docs/protocol.md section 3): the transfer frames the packet.
                int status = _commandPacket.Decode(_commandRx, 0, n, HssLayout.MaxCommandPayload);
                if (status == DecodeStatus.Ok && _commandPacket.TotalLength != n)
                {
                    status = DecodeStatus.Truncated;
                }

                _dispatcher.HandleGuarded(_commandPacket, status, n);
            }
        }

        private void DataReaderLoop()
        {
            // The reassembler is reset only when this pipe itself went down or lost framing: a reset caused by a
            // failed write leaves the bytes of this pipe in step.
            while (true)
            {
                int n;
                try
                {
                    n = _context.Link.ReadData(_dataRx, 0, _dataRx.Length);
                    _context.Counters.CountRead();
                }
                catch (Exception)
                {
                    n = 0;
                }

                if (n <= 0)
                {
                    if (!_context.IsRunning())
                    {
                        return;
                    }

                    _reassembler.Reset();
                    lock (_context.Sync)
                    {
                        _context.Counters.CountLock();
                        // The link went down: the next bytes start a new session, framed from its first byte.
                        _context.SessionEnded = false;
                    }

                    _failure.ResetLink();
                    continue;
                }

                // Only this thread writes SessionEnded (here and in OnFramingLost), so it reads it without the lock.
                if (_context.SessionEnded && CountDropped(n))
                {
                    continue;
                }

                FeedData(n);
            }
        }

        /// <summary>Frames n bytes just read from the data pipe and dispatches every whole packet.</summary>
        private void FeedData(int n)
        {
            int used = 0;
            while (used < n)
            {
                used += _reassembler.Feed(_dataRx, used, n - used);
                if (_reassembler.FramingLost)
                {
                    OnFramingLost();
                    return;
                }

                if (_reassembler.HasPacket)
                {
                    if (_reassembler.IsOversized)
                    {
                        _dataPacket.DecodeHeader(_reassembler.PacketBuffer, 0, HssLayout.HeaderSize);
                        _dispatcher.HandleGuarded(_dataPacket, DecodeStatus.DataTooLong, HssLayout.HeaderSize);
                    }
                    else
                    {
                        int length = _reassembler.PacketLength;
                        int status = _dataPacket.Decode(_reassembler.PacketBuffer, 0, length, _reassembler.MaxDataPayload);
                        _dispatcher.HandleGuarded(_dataPacket, status, length);
                    }

                    _reassembler.Release();
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
            EngineContext c = _context;
            int count = 0;
            lock (c.Sync)
            {
                c.Counters.CountLock();
                c.Stats.ProtocolErrors++;
                for (int i = 0; i < c.Sockets.Size; i++)
                {
                    SocketStateMachine m = c.Sockets[i].Machine;
                    if (m.InUse && !m.IsCloseSent && m.State != SocketState.RemoteClosed && m.State != SocketState.Opening)
                    {
                        _framingLostHandles[count++] = c.Sockets[i].Handle;
                    }
                }
            }

            if (!c.Link.HasCommandPipe)
            {
                lock (c.Sync)
                {
                    c.Counters.CountLock();
                    c.SessionEnded = true;
                }
            }

            _failure.ResetLink();
            _reassembler.Reset();
            for (int i = 0; i < count; i++)
            {
                _closer.SendCloseForHandle(_framingLostHandles[i]);
            }
        }

        /// <summary>A byte-stream session ended by lost framing waits for the link to go down: n bytes dropped. Returns true.</summary>
        private bool CountDropped(int n)
        {
            lock (_context.Sync)
            {
                _context.Counters.CountLock();
                _context.Stats.BytesDroppedAfterFramingLoss += n;
            }

            return true;
        }
    }
}
