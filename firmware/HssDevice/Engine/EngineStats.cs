namespace HssDevice.Engine
{
    /// <summary>Counters of what went wrong on the link; read them to diagnose, never to decide.</summary>
    public sealed class EngineStats
    {
        /// <summary>Packets that broke docs/protocol.md section 11 rules (dropped, answered EINVAL where possible).</summary>
        public int ProtocolErrors;

        /// <summary>ACKs or REPLYs that matched no outstanding request (late, duplicate or wrong).</summary>
        public int UnmatchedAnswers;

        /// <summary>Requests the host never answered in time.</summary>
        public int TimedOutRequests;

        public int LinkResets;

        /// <summary>Packets whose handling threw (e.g. the link failed while answering); the reader thread went on.</summary>
        public int HandlerFailures;

        /// <summary>TRANSMITs from the host for a socket that could not take them (answered with a negative ACK).</summary>
        public int RejectedTransmits;

        /// <summary>Bytes dropped on a byte-stream link after it lost its framing, until the link went down.</summary>
        public int BytesDroppedAfterFramingLoss;

        public int TransmitsSent;
        public int TransmitsReceived;
    }
}
