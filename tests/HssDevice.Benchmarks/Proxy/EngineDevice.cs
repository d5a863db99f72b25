using HssDevice.Engine;
using HssDevice.Sockets;

namespace HssDevice.Benchmarks.Proxy
{
    /// <summary>The device engine under measurement: <see cref="HssEngine"/> and one connected TCP <see cref="HssSocket"/>.</summary>
    public sealed class EngineDevice : IProxyDevice
    {
        private readonly HssEngine _engine;
        private readonly HssSocket _socket;

        public EngineDevice(ProxyHostLink link, HssEngineSettings settings, int timeoutMs)
        {
            _engine = new HssEngine(link, settings);
            try
            {
                _engine.Start();
                _socket = new HssSocket(_engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                _socket.Connect(new HssEndPoint(HssIPAddress.Loopback, 7));
                _socket.SendTimeout = timeoutMs;
                _socket.ReceiveTimeout = timeoutMs;
            }
            catch
            {
                _engine.Dispose();
                throw;
            }
        }

        /// <summary>The engine's own counts (non-zero only in a build with HSS_COUNTERS, as this project's).</summary>
        internal EngineCounters Counters
        {
            get { return _engine.Counters; }
        }

        public string Name
        {
            get { return "engine"; }
        }

        public uint SocketHandle
        {
            get { return _socket.Handle; }
        }

        public bool ApplicationReceives
        {
            get { return true; }
        }

        public void Send(byte[] buffer, int offset, int size)
        {
            _socket.Send(buffer, offset, size, SocketFlags.None);
        }

        public int Receive(byte[] buffer, int offset, int size)
        {
            return _socket.Receive(buffer, offset, size, SocketFlags.None);
        }

        public void Dispose()
        {
            _socket.Close();
            _engine.Dispose();
        }
    }
}
