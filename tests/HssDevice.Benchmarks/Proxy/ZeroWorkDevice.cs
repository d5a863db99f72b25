using System;
using System.Threading;
using HssDevice.Engine;
using HssDevice.Wire;

namespace HssDevice.Benchmarks.Proxy
{
    /// <summary>
    /// The link's own cost: a device that does only what the link forces on any device. One reader thread per pipe
    /// (a USB read blocks a thread), TRANSMITs written from the application's thread straight out of its buffer
    /// within the window, the command reader crediting ACKs back (waking the sender only when it waits), and the
    /// data reader framing host TRANSMITs and ACKing each at once without handing the bytes to anyone. No socket
    /// table, no OPEN/CONNECT, no coalescing, no receive buffering: what the engine adds over this is its share.
    /// </summary>
    public sealed class ZeroWorkDevice : IProxyDevice
    {
        private const uint Handle = 1;

        private readonly ProxyHostLink _link;
        private readonly HssEngineSettings _settings;
        private readonly object _window = new object();
        private readonly byte[] _tx;
        private readonly byte[] _commandRx = new byte[HssLayout.MaxCommandPacket];
        private readonly byte[] _ackTx = new byte[HssLayout.MaxCommandPacket];
        private readonly byte[] _dataRx;
        private readonly HssPacket _command = new HssPacket();
        private readonly HssPacket _data = new HssPacket();
        private readonly PacketReassembler _reassembler;
        private readonly Thread _commandThread;
        private readonly Thread _dataThread;
        private int _inFlight;
        private int _nextMsgId;
        private bool _senderWaiting;
        private volatile bool _running = true;

        public ZeroWorkDevice(ProxyHostLink link, HssEngineSettings settings)
        {
            _link = link;
            _settings = settings;
            _tx = new byte[HssLayout.HeaderSize + settings.MaxTransmitPayload];
            _dataRx = new byte[HssLayout.HeaderSize + settings.MaxDataPayload];
            _reassembler = new PacketReassembler(settings.MaxDataPayload);
            _commandThread = new Thread(CommandReaderLoop);
            _commandThread.IsBackground = true;
            _commandThread.Start();
            _dataThread = new Thread(DataReaderLoop);
            _dataThread.IsBackground = true;
            _dataThread.Start();
        }

        public string Name
        {
            get { return "zero-work"; }
        }

        public uint SocketHandle
        {
            get { return Handle; }
        }

        public bool ApplicationReceives
        {
            get { return false; }
        }

        public void Send(byte[] buffer, int offset, int size)
        {
            while (size > 0)
            {
                int chunk = size < _settings.MaxTransmitPayload ? size : _settings.MaxTransmitPayload;
                lock (_window)
                {
                    while (_inFlight + chunk > _settings.SendWindow)
                    {
                        _senderWaiting = true;
                        if (!Monitor.Wait(_window, _settings.CommandTimeoutMs) || !_running)
                        {
                            throw new TimeoutException("zero-work device: the window stayed full");
                        }
                    }

                    _senderWaiting = false;
                    _inFlight += chunk;
                }

                PacketWriter.WriteTransmitHeader(_tx, 0, _nextMsgId, Handle, chunk);
                _nextMsgId = (_nextMsgId + 1) & 0x7FFF;
                Array.Copy(buffer, offset, _tx, HssLayout.HeaderSize, chunk);
                _link.WriteData(_tx, 0, HssLayout.HeaderSize + chunk);
                offset += chunk;
                size -= chunk;
            }
        }

        public int Receive(byte[] buffer, int offset, int size)
        {
            throw new NotSupportedException("the zero-work device's data reader consumes host TRANSMITs itself");
        }

        public void Dispose()
        {
            _running = false;
            _link.Close();
            lock (_window)
            {
                Monitor.PulseAll(_window);
            }

            _commandThread.Join(2000);
            _dataThread.Join(2000);
        }

        private void CommandReaderLoop()
        {
            try
            {
                while (_running)
                {
                    int n = _link.ReadCommand(_commandRx, 0, _commandRx.Length);
                    if (_command.Decode(_commandRx, 0, n, HssLayout.MaxCommandPayload) != DecodeStatus.Ok)
                    {
                        continue;
                    }

                    if (_command.Opcode == HssOpcode.Ack && _command.OrigOpcode == HssOpcode.Transmit && _command.HasValue)
                    {
                        lock (_window)
                        {
                            _inFlight -= _command.Value;
                            if (_senderWaiting)
                            {
                                Monitor.Pulse(_window);
                            }
                        }
                    }
                }
            }
            catch (ObjectDisposedException)
            {
                // Closed: the run is over.
            }
        }

        private void DataReaderLoop()
        {
            try
            {
                while (_running)
                {
                    int n = _link.ReadData(_dataRx, 0, _dataRx.Length);
                    int used = 0;
                    while (used < n)
                    {
                        used += _reassembler.Feed(_dataRx, used, n - used);
                        if (_reassembler.HasPacket)
                        {
                            _data.DecodeHeader(_reassembler.PacketBuffer, 0, HssLayout.HeaderSize);
                            int ack = PacketWriter.WriteAckWithValue(_ackTx, 0, _data.MsgId, _data.SockId, HssOpcode.Transmit, HssError.Success, (int)_data.PayloadLength);
                            _link.WriteCommand(_ackTx, 0, ack);
                            _reassembler.Release();
                        }
                    }
                }
            }
            catch (ObjectDisposedException)
            {
                // Closed: the run is over.
            }
        }
    }
}
