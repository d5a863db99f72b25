using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// The engine's side of one socket: its handle (what the host knows), its buffers and its state machine. Each
    /// open allocates one (buffers included, never per packet), so a call still holding a closed socket can never act
    /// on the next socket of the same slot. Fields are guarded by the engine's lock.
    /// </summary>
    internal sealed class EngineSocket
    {
        /// <summary>Host TRANSMITs buffered for the application and the ACKs reading them produced.</summary>
        internal readonly ReceiveBuffer Received;

        /// <summary>What the application sent and the host has not acknowledged yet, and the rules over it.</summary>
        internal readonly SendWindow Sent;

        /// <summary>
        /// Wake a blocked Receive and a blocked Send. The state machine sets both on every state change; beside it
        /// only data sets them: host data arriving (ReceiveSignal), the window opening (SendSignal).
        /// </summary>
        internal readonly EngineSignal ReceiveSignal;
        internal readonly EngineSignal SendSignal;

        /// <summary>Lifecycle, half-closes and failure: the only place a socket's state lives.</summary>
        internal readonly SocketStateMachine Machine = new SocketStateMachine();

        /// <summary>What the host knows the socket by (non-zero, unique among live sockets).</summary>
        internal uint Handle;

        /// <summary>HSS family, protocol and type (HssFamily, HssProtocol, HssType), as sent in OPEN.</summary>
        internal int Family;
        internal int Protocol;
        internal int Type;

        /// <summary>When a Closing socket sends its CLOSE even with data unacknowledged (CloseLingerMs).</summary>
        internal long CloseDeadlineMs;

        /// <summary>A socket with the buffers settings give it.</summary>
        internal EngineSocket(HssEngineSettings settings, EngineCounters counters)
            : this(new ReceiveBuffer(settings.ReceiveBufferPerSocket, settings.ReceiveRecordsPerSocket),
                new SendWindow(settings.SendWindow, settings.MaxTransmitPayload, settings.CoalesceWrites), counters)
        {
        }

        private EngineSocket(ReceiveBuffer received, SendWindow sent, EngineCounters counters)
        {
            Received = received;
            Sent = sent;
            ReceiveSignal = new EngineSignal(counters);
            SendSignal = new EngineSignal(counters);
            Machine.WakeOnChange(ReceiveSignal, SendSignal);
        }

        /// <summary>A released socket with one-byte buffers: what an empty slot of the table holds.</summary>
        internal static EngineSocket ReleasedPlaceholder(EngineCounters counters)
        {
            var s = new EngineSocket(new ReceiveBuffer(1, 1), new SendWindow(1, 1, coalesceWrites: false), counters);
            s.Machine.OnReleased();
            return s;
        }

        public bool IsDatagram
        {
            get { return Type == HssType.Datagram; }
        }
    }
}
