using System;
using HssDevice.Engine;
using HssDevice.Transport;

namespace HssDevice.Sockets
{
    /// <summary>
    /// Starts HSS once for the application, as a nanoFramework app brings its network up once: after
    /// <see cref="Start"/>, <c>new HssSocket(AddressFamily, SocketType, ProtocolType)</c> uses this engine. A process
    /// that runs several engines (the host tools emulate many devices in one process) passes each engine to
    /// HssSocket's other constructor instead.
    /// </summary>
    public static class HssNetwork
    {
        private static readonly object Gate = new object();
        private static HssEngine _engine;

        /// <summary>The engine Start made, or null before Start and after Stop.</summary>
        public static HssEngine Engine
        {
            get
            {
                lock (Gate)
                {
                    return _engine;
                }
            }
        }

        /// <summary>
        /// Makes and starts the default engine on link (settings null: the defaults). Throws
        /// InvalidOperationException when already started; call Stop first to start on another link.
        /// </summary>
        public static HssEngine Start(IHssLink link, HssEngineSettings settings)
        {
            lock (Gate)
            {
                if (_engine != null)
                {
                    throw new InvalidOperationException("HssNetwork is already started; call HssNetwork.Stop first");
                }

                HssEngine engine = new HssEngine(link, settings);
                engine.Start();
                _engine = engine;
                return engine;
            }
        }

        /// <summary>Stops the default engine (its sockets fail with OperationAborted); nothing when not started.</summary>
        public static void Stop()
        {
            HssEngine engine;
            lock (Gate)
            {
                engine = _engine;
                _engine = null;
            }

            if (engine != null)
            {
                engine.Dispose();
            }
        }

        /// <summary>The default engine; throws InvalidOperationException naming the fix when Start was not called.</summary>
        internal static HssEngine Require()
        {
            HssEngine engine = Engine;
            if (engine == null)
            {
                throw new InvalidOperationException("HSS is not started: call HssNetwork.Start(link, settings) before new HssSocket(...), or pass an engine");
            }

            return engine;
        }
    }
}
