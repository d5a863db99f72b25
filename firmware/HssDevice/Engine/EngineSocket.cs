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

        internal uint HandleValue;
        internal int FamilyValue;
        internal int ProtocolValue;
        internal int TypeValue;

        /// <summary>When a Closing socket sends its CLOSE even with data unacknowledged (CloseLingerMs).</summary>
        internal long CloseDeadlineMs;

        /// <summary>A socket with the buffers settings give it (null: a released placeholder with one-byte buffers).</summary>
        internal EngineSocket(HssEngineSettings settings, EngineCounters counters)
        {
            ReceiveSignal = new EngineSignal(counters);
            SendSignal = new EngineSignal(counters);
            Machine.WakeOnChange(ReceiveSignal, SendSignal);
            if (settings == null)
            {
                Received = new ReceiveBuffer(1, 1);
                Sent = new SendWindow(1, 1, false);
                return;
            }

            Received = new ReceiveBuffer(settings.ReceiveBufferPerSocket, settings.ReceiveRecordsPerSocket);
            Sent = new SendWindow(settings.SendWindow, settings.MaxTransmitPayload, settings.CoalesceWrites);
        }

        public uint Handle
        {
            get { return HandleValue; }
        }

        /// <summary>HSS family (HssFamily.IPv4 or IPv6).</summary>
        public int Family
        {
            get { return FamilyValue; }
        }

        public bool IsDatagram
        {
            get { return TypeValue == HssType.Datagram; }
        }
    }
}
