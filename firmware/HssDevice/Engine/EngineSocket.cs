using System.Threading;
using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// The engine's side of one socket: its handle (what the host knows), its buffers and its state machine. Each
    /// open allocates one (buffers included, never per packet), so a call still holding a closed socket can never act
    /// on the next socket of the same slot. Fields are guarded by the engine's lock.
    /// </summary>
    public sealed class EngineSocket
    {
        internal readonly ByteRing ReceiveRing;
        internal readonly ByteRing SendRing;
        internal readonly AutoResetEvent ReceiveSignal = new AutoResetEvent(false);
        internal readonly AutoResetEvent SendSignal = new AutoResetEvent(false);

        // One entry per host TRANSMIT still buffered: its msg_id (for the ACK) and length (datagram boundary).
        internal readonly ushort[] RecordMsgId;
        internal readonly int[] RecordLength;
        internal int RecordHead;
        internal int RecordCount;
        internal int RecordConsumed;

        // ACKs collected under the lock and sent after it.
        internal readonly ushort[] AckMsgId;
        internal readonly int[] AckValue;

        /// <summary>Lifecycle, half-closes and failure: the only place a socket's state lives.</summary>
        internal readonly SocketStateMachine Machine = new SocketStateMachine();

        internal uint HandleValue;
        internal int FamilyValue;
        internal int ProtocolValue;
        internal int TypeValue;

        internal int InFlightBytes;
        internal int InFlightCount;
        internal long CloseDeadlineMs;

        internal EngineSocket(int receiveBuffer, int sendWindow, int records)
        {
            ReceiveRing = new ByteRing(receiveBuffer);
            SendRing = new ByteRing(sendWindow);
            RecordMsgId = new ushort[records];
            RecordLength = new int[records];
            AckMsgId = new ushort[records];
            AckValue = new int[records];
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
