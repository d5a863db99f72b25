using System.Threading;
using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// The engine's side of one socket: its handle (what the host knows), its buffers and its state. Allocated once
    /// per table slot and reused, so opening sockets allocates nothing. Fields are guarded by the engine's lock.
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

        internal bool InUse;
        internal uint HandleValue;
        internal int FamilyValue;
        internal int ProtocolValue;
        internal int TypeValue;
        internal int StateValue;

        internal int InFlightBytes;
        internal int InFlightCount;

        internal bool LocalSendShutdown;
        internal bool ShutdownAcknowledged;
        internal bool LocalReceiveShutdown;
        internal bool RemoteShutdown;
        internal bool RemoteClosed;
        internal bool AppClosed;
        internal bool CloseSent;
        internal long CloseDeadlineMs;
        internal SocketError Failure;
        internal int FailureHssCode;

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

        /// <summary>One of <see cref="SocketStates"/>.</summary>
        public int State
        {
            get { return StateValue; }
        }

        internal void Reset()
        {
            ReceiveRing.Clear();
            SendRing.Clear();
            RecordHead = 0;
            RecordCount = 0;
            RecordConsumed = 0;
            InFlightBytes = 0;
            InFlightCount = 0;
            LocalSendShutdown = false;
            ShutdownAcknowledged = false;
            LocalReceiveShutdown = false;
            RemoteShutdown = false;
            RemoteClosed = false;
            AppClosed = false;
            CloseSent = false;
            CloseDeadlineMs = 0;
            Failure = SocketError.Success;
            FailureHssCode = HssSocketException.NoHssCode;
            StateValue = SocketStates.Opening;
            ReceiveSignal.Reset();
            SendSignal.Reset();
        }
    }

    /// <summary>Lifecycle of an <see cref="EngineSocket"/>.</summary>
    public static class SocketStates
    {
        public const int Free = 0;
        /// <summary>OPEN sent, not yet acknowledged.</summary>
        public const int Opening = 1;
        public const int Open = 2;
        public const int Connecting = 3;
        public const int Connected = 4;
        /// <summary>Closed by the application; CLOSE pending or sent, handle not yet reusable.</summary>
        public const int Closing = 5;
    }
}
