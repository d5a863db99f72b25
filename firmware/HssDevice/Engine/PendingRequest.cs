using System.Threading;

namespace HssDevice.Engine
{
    /// <summary>One request this device sent and whose ACK it awaits (docs/protocol.md section 9). Slots are reused.</summary>
    internal sealed class PendingRequest
    {
        public readonly AutoResetEvent Completed = new AutoResetEvent(false);

        public bool InUse;
        public ushort MsgId;
        public int Opcode;
        public uint SockId;
        public EngineSocket Socket;

        /// <summary>TRANSMIT payload bytes this request carries.</summary>
        public int Length;

        /// <summary>No thread waits: the engine finishes the request itself (TRANSMIT, CLOSE after Close()).</summary>
        public bool Background;
        public long DeadlineMs;

        public bool Done;
        public int Code;
        public bool HasValue;
        public int Value;

        /// <summary>Set when the request failed without an answer (link reset, engine stopped).</summary>
        public SocketError LocalError;
    }
}
