using HssDevice.Engine;
using HssDevice.Sockets;
using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>An engine on a fake link with a scripted host: what most engine tests start from.</summary>
    public sealed class Rig
    {
        public FakeLink Link;
        public FakeHost Host;
        public HssEngine Engine;
        internal ManualClock Clock;

        public static HssEngineSettings SmallSettings()
        {
            var s = new HssEngineSettings();
            s.MaxDataPayload = 256;
            s.MaxTransmitPayload = 256;
            s.SendWindow = 1024;
            s.ReceiveBufferPerSocket = 1024;
            s.ReceiveBudgetTotal = 2048;
            s.ReceiveRecordsPerSocket = 8;
            s.CommandTimeoutMs = 1500;
            s.ConnectTimeoutMs = 1500;
            s.CloseLingerMs = 1000;
            return s;
        }

        public static Rig Start(bool commandPipe, HssEngineSettings settings)
        {
            var rig = new Rig();
            // Engine timeouts move only when a test calls Advance: load on the machine cannot trigger one.
            rig.Clock = new ManualClock();
            settings.Clock = rig.Clock;
            rig.Link = new FakeLink(commandPipe);
            rig.Host = new FakeHost(rig.Link);
            rig.Engine = new HssEngine(rig.Link, settings);
            rig.Engine.Start();
            return rig;
        }

        public static Rig Start()
        {
            return Start(true, SmallSettings());
        }

        /// <summary>
        /// Starts a rig with a command pipe and <see cref="SmallSettings"/>, runs body on it and stops the rig,
        /// whether body passes or fails. nanoFramework's [Setup]/[Cleanup] run once per class, so each test uses this.
        /// </summary>
        public static void Run(RigBody body)
        {
            Run(true, SmallSettings(), body);
        }

        /// <summary>Starts a rig on the given profile and settings, runs body on it and stops the rig.</summary>
        public static void Run(bool commandPipe, HssEngineSettings settings, RigBody body)
        {
            Rig rig = Start(commandPipe, settings);
            bool bodyPassed = false;
            try
            {
                body(rig);
                bodyPassed = true;
            }
            finally
            {
                if (bodyPassed)
                {
                    rig.Stop();
                }
                else
                {
                    // The body's failure is what the test reports: a second failure while stopping must not replace it.
                    rig.StopQuietly();
                }
            }
        }

        /// <summary>Opens and connects a socket, answering OPEN and CONNECT (sent back to back) by hand.</summary>
        public HssSocket OpenConnected(SocketType type)
        {
            HssSocket socket = null;
            ProtocolType protocol = type == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp;
            Background open = Background.Start(() =>
            {
                socket = new HssSocket(Engine, AddressFamily.InterNetwork, type, protocol);
                socket.Connect(new HssEndPoint(HssIPAddress.Loopback, 7));
            });
            Host.Ack(Host.Expect(HssOpcode.Open), HssError.Success);
            Host.Ack(Host.Expect(HssOpcode.Connect), HssError.Success);
            open.Join();
            Assert.IsTrue(socket.Connected);
            return socket;
        }

        /// <summary>
        /// Opens a socket, answering its OPEN with success by hand and waiting until the engine has read that answer
        /// (the constructor returns before it); not connected.
        /// </summary>
        public HssSocket OpenAnswered(AddressFamily family, SocketType type, ProtocolType protocol)
        {
            var socket = new HssSocket(Engine, family, type, protocol);
            Host.Ack(Host.Expect(HssOpcode.Open), HssError.Success);
            Engine.Requests.AwaitOpenToReceive(socket.EngineSocket);
            return socket;
        }

        /// <summary>Moves the engine's clock and runs its housekeeping once, as its timer would.</summary>
        public void Advance(int milliseconds)
        {
            Clock.Advance(milliseconds);
            Engine.RunHousekeeping();
        }

        /// <summary>
        /// Runs call on its own thread, lets its timeout expire on the clock once it waits (milliseconds later) and
        /// returns the HssSocketException it must end with.
        /// </summary>
        public HssSocketException ExpireTimeout(int milliseconds, System.Threading.ThreadStart call)
        {
            Background b = Background.Start(call);
            Clock.AwaitTimedWaiters(1);
            Clock.Advance(milliseconds);
            Engine.RunHousekeeping();
            return b.JoinFailure();
        }

        public void Stop()
        {
            Host.StopResponder();
            Engine.Dispose();
        }

        private void StopQuietly()
        {
            try
            {
                Stop();
            }
            catch (System.Exception)
            {
                // Already failing: the body's exception, still propagating, is the one to report.
            }
        }
    }
}
