using System;
using System.Threading;
using HssDevice.Engine;
using HssDevice.Wire;

namespace HssDevice.Sockets
{
    /// <summary>
    /// A socket on the host, used like System.Net.Sockets.Socket: Connect, Send, Receive, Shutdown, Close, Poll,
    /// Available, timeouts. Failures throw <see cref="HssSocketException"/> with a SocketError and the HSS code.
    /// One thread may send while another receives; two threads receiving (or polling) the same socket at once
    /// are not supported.
    /// </summary>
    public sealed class HssSocket : IDisposable
    {
        private readonly HssEngine _engine;
        private readonly EngineSocket _socket;
        private readonly SocketType _socketType;
        private readonly AddressFamily _addressFamily;
        private readonly ProtocolType _protocolType;
        private HssEndPoint _remote;
        private bool _closed;
        private int _receiveTimeout = Timeout.Infinite;
        private int _sendTimeout = Timeout.Infinite;

        /// <summary>
        /// Opens a socket on the host through the engine <see cref="HssNetwork.Start"/> started: sends OPEN and
        /// returns without waiting for its ACK, so Connect's CONNECT follows at once (one round trip). A refused OPEN
        /// is reported by the first operation (Connect) with the OPEN's codes; a full local table throws
        /// TooManyOpenSockets here. Throws InvalidOperationException when HssNetwork is not started.
        /// </summary>
        public HssSocket(AddressFamily addressFamily, SocketType socketType, ProtocolType protocolType)
            : this(HssNetwork.Require(), addressFamily, socketType, protocolType)
        {
        }

        /// <summary>Opens a socket on the host through this engine (a process running several engines).</summary>
        public HssSocket(HssEngine engine, AddressFamily addressFamily, SocketType socketType, ProtocolType protocolType)
        {
            if (engine == null)
            {
                throw new ArgumentNullException("engine");
            }

            int family = addressFamily == AddressFamily.InterNetwork ? HssFamily.IPv4 : addressFamily == AddressFamily.InterNetworkV6 ? HssFamily.IPv6 : 0;
            int protocol = protocolType == ProtocolType.Tcp ? HssProtocol.Tcp : protocolType == ProtocolType.Udp ? HssProtocol.Udp : 0;
            int type = socketType == SocketType.Stream ? HssType.Stream : socketType == SocketType.Dgram ? HssType.Datagram : 0;
            if (family == 0)
            {
                throw new HssSocketException(SocketError.AddressFamilyNotSupported, "only InterNetwork and InterNetworkV6 are supported");
            }

            _engine = engine;
            _addressFamily = addressFamily;
            _socketType = socketType;
            _protocolType = protocolType;
            _socket = engine.Requests.Open(family, protocol, type);
        }

        public AddressFamily AddressFamily
        {
            get { return _addressFamily; }
        }

        public SocketType SocketType
        {
            get { return _socketType; }
        }

        public ProtocolType ProtocolType
        {
            get { return _protocolType; }
        }

        /// <summary>The engine's side of this socket (tests look at its state).</summary>
        internal EngineSocket EngineSocket
        {
            get { return _socket; }
        }

        /// <summary>The handle the host knows this socket by.</summary>
        public uint Handle
        {
            get { return _socket.Handle; }
        }

        public bool Connected
        {
            get { return !_closed && _engine.IsConnected(_socket); }
        }

        public HssEndPoint RemoteEndPoint
        {
            get { return _remote; }
        }

        /// <summary>
        /// Always null: the socket lives on the host, and HSS never tells the device the local address or port the
        /// host's OS chose (OPEN and CONNECT answers carry no data, docs/protocol.md section 7).
        /// </summary>
        public HssEndPoint LocalEndPoint
        {
            get { return null; }
        }

        /// <summary>Bytes received and not yet read.</summary>
        public int Available
        {
            get
            {
                ThrowIfClosed();
                _engine.Requests.AwaitOpenToReceive(_socket);
                return _engine.Receives.Available(_socket);
            }
        }

        /// <summary>Milliseconds a Receive may block; 0 or -1 means forever (as nanoFramework's Socket).</summary>
        public int ReceiveTimeout
        {
            get { return _receiveTimeout; }
            set { _receiveTimeout = NormalizeTimeout(value); }
        }

        /// <summary>Milliseconds a Send may block on a full window; 0 or -1 means forever.</summary>
        public int SendTimeout
        {
            get { return _sendTimeout; }
            set { _sendTimeout = NormalizeTimeout(value); }
        }

        /// <summary>
        /// Connects to the remote endpoint through the host (CONNECT). For UDP, sets the peer. CONNECT goes out right
        /// behind an unanswered OPEN; if the host refused the OPEN, this throws the OPEN's SocketError and HSS code.
        /// </summary>
        public void Connect(HssEndPoint remoteEP)
        {
            if (remoteEP == null)
            {
                throw new ArgumentNullException("remoteEP");
            }

            ThrowIfClosed();
            _engine.Requests.Connect(_socket, remoteEP.Address.GetAddressBytes(), remoteEP.Port, remoteEP.FlowInfo, remoteEP.ScopeId, _engine.Settings.ConnectTimeoutMs);
            _remote = remoteEP;
        }

        public int Send(byte[] buffer)
        {
            return Send(buffer, 0, buffer == null ? 0 : buffer.Length, SocketFlags.None);
        }

        public int Send(byte[] buffer, SocketFlags socketFlags)
        {
            return Send(buffer, 0, buffer == null ? 0 : buffer.Length, socketFlags);
        }

        public int Send(byte[] buffer, int size, SocketFlags socketFlags)
        {
            return Send(buffer, 0, size, socketFlags);
        }

        /// <summary>Sends size bytes (a stream socket queues them within the window; a datagram socket sends one datagram).</summary>
        public int Send(byte[] buffer, int offset, int size, SocketFlags socketFlags)
        {
            CheckFlags(socketFlags);
            ThrowIfClosed();
            _engine.Requests.AwaitOpenToSend(_socket);
            return _engine.Transmits.Send(_socket, buffer, offset, size, _sendTimeout);
        }

        public int Receive(byte[] buffer)
        {
            return Receive(buffer, 0, buffer == null ? 0 : buffer.Length, SocketFlags.None);
        }

        public int Receive(byte[] buffer, SocketFlags socketFlags)
        {
            return Receive(buffer, 0, buffer == null ? 0 : buffer.Length, socketFlags);
        }

        public int Receive(byte[] buffer, int size, SocketFlags socketFlags)
        {
            return Receive(buffer, 0, size, socketFlags);
        }

        /// <summary>Reads what has arrived, blocking until something does; 0 at end of stream.</summary>
        public int Receive(byte[] buffer, int offset, int size, SocketFlags socketFlags)
        {
            CheckFlags(socketFlags);
            ThrowIfClosed();
            _engine.Requests.AwaitOpenToReceive(_socket);
            return _engine.Receives.Receive(_socket, buffer, offset, size, _receiveTimeout);
        }

        /// <summary>Send: waits for sent data to be acknowledged, then SHUTDOWN. Receive: local only.</summary>
        public void Shutdown(SocketShutdown how)
        {
            ThrowIfClosed();
            if (how == SocketShutdown.Receive)
            {
                _engine.Requests.AwaitOpenToReceive(_socket);
            }
            else
            {
                _engine.Requests.AwaitOpenToSend(_socket);
            }

            if (how == SocketShutdown.Receive || how == SocketShutdown.Both)
            {
                _engine.Shutdowns.ShutdownReceive(_socket);
            }

            if (how == SocketShutdown.Send || how == SocketShutdown.Both)
            {
                _engine.Shutdowns.ShutdownSend(_socket, _sendTimeout);
            }
        }

        /// <summary>
        /// Waits up to microSeconds (-1: forever) for the socket to be readable (data, end of stream or error),
        /// writable (window has room) or in error.
        /// </summary>
        public bool Poll(int microSeconds, SelectMode mode)
        {
            ThrowIfClosed();
            // Whole milliseconds on the engine's clock, rounded up so a short poll still waits.
            long deadline = microSeconds < 0 ? long.MaxValue : _engine.Clock.NowMs + ((microSeconds + 999L) / 1000L);
            while (true)
            {
                bool ready = mode == SelectMode.SelectRead ? _engine.Receives.IsReadable(_socket)
                    : mode == SelectMode.SelectWrite ? _engine.Transmits.IsWritable(_socket)
                    : _engine.HasError(_socket);
                if (ready)
                {
                    return true;
                }

                if (deadline != long.MaxValue && _engine.Clock.NowMs >= deadline)
                {
                    return false;
                }

                _engine.WaitForChange(mode == SelectMode.SelectWrite ? _socket.SendSignal : _socket.ReceiveSignal, deadline);
            }
        }

        /// <summary>
        /// Closes at once; buffered sends still drain before the host is told (CLOSE). Before OPEN's answer, CLOSE
        /// waits for it (none goes if the OPEN was refused).
        /// </summary>
        public void Close()
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _engine.Closer.Close(_socket);
        }

        public void Dispose()
        {
            Close();
            GC.SuppressFinalize(this);
        }

        /// <summary>A socket the application forgot to close gives its slot back (a board has only a few).</summary>
        ~HssSocket()
        {
            if (!_closed && _socket != null)
            {
                _engine.Closer.CloseAbandoned(_socket);
            }
        }

        private static int NormalizeTimeout(int value)
        {
            if (value < -1)
            {
                throw new ArgumentOutOfRangeException("value");
            }

            return value == 0 ? Timeout.Infinite : value;
        }

        private static void CheckFlags(SocketFlags flags)
        {
            if (flags != SocketFlags.None)
            {
                throw new HssSocketException(SocketError.InvalidArgument, "HSS supports no socket flags");
            }
        }

        private void ThrowIfClosed()
        {
            if (_closed)
            {
                throw new ObjectDisposedException("HssSocket");
            }
        }
    }
}
