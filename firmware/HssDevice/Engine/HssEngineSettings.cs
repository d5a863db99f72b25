using System;
using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// Limits of one engine. Memory is bounded: at most MaxSockets x (ReceiveBufferPerSocket + SendWindow) for open
    /// sockets (allocated when a socket opens), plus one reassembly buffer of MaxDataPayload and one transmit buffer
    /// of MaxTransmitPayload allocated at construction.
    /// </summary>
    public sealed class HssEngineSettings
    {
        public int MaxSockets = 8;

        /// <summary>Largest TRANSMIT payload accepted from the host; bigger ones are answered EINVAL.</summary>
        public int MaxDataPayload = 2048;

        /// <summary>Largest TRANSMIT payload this device sends; also the largest datagram.</summary>
        public int MaxTransmitPayload = 2048;

        /// <summary>Unacknowledged bytes per socket, device to host (docs/protocol.md section 6). Also the send buffer size.</summary>
        public int SendWindow = 4096;

        /// <summary>Received bytes buffered per socket until the application reads them.</summary>
        public int ReceiveBufferPerSocket = 4096;

        /// <summary>Received bytes buffered over all sockets; when spent, the data pipe is not read.</summary>
        /// <remarks>
        /// The default is MaxSockets x ReceiveBufferPerSocket, so sockets whose application does not read can never
        /// take another socket's share; a smaller budget saves memory but lets a few stalled sockets stall the rest.
        /// </remarks>
        public int ReceiveBudgetTotal = 8 * 4096;

        /// <summary>Host TRANSMITs buffered per socket (datagram boundaries and ACK bookkeeping).</summary>
        public int ReceiveRecordsPerSocket = 32;

        /// <summary>Requests (commands and TRANSMITs) outstanding at once on the link.</summary>
        public int MaxOutstandingRequests = 64;

        public int CommandTimeoutMs = 5000;

        /// <summary>CONNECT may wait for the host's own connect timeout.</summary>
        public int ConnectTimeoutMs = 30000;

        /// <summary>How long Close lets unacknowledged data drain before CLOSE is sent anyway.</summary>
        public int CloseLingerMs = 10000;

        /// <summary>Coalesce small stream writes into one TRANSMIT while earlier data is unacknowledged (docs/protocol.md section 6).</summary>
        public bool CoalesceWrites = true;

        /// <summary>
        /// Answer what the host sends: ACK each host TRANSMIT once the application has read it (docs/protocol.md
        /// section 6), ACK the host's SHUTDOWN and CLOSE, answer a bad request EINVAL. False for the reference host,
        /// which expects no answer from a device (the reference device sends none) and leaks memory and logs a line
        /// for each one it gets: the device then answers nothing, refusals included, and bounds the host's data only
        /// by not reading the data pipe while its buffers are full. The host's SHUTDOWN and CLOSE still take effect.
        /// </summary>
        public bool AnswerHostRequests = true;

        /// <summary>The earlier name of <see cref="AnswerHostRequests"/> (same switch), kept for existing callers.</summary>
        public bool AckHostTransmits
        {
            get { return AnswerHostRequests; }
            set { AnswerHostRequests = value; }
        }

        /// <summary>
        /// Send CONNECT right behind an unanswered OPEN (set-up in one round trip; docs/protocol.md section 4). A host
        /// must then act on one device's commands in arrival order, as this project's host does; the reference host
        /// does so in practice (docs/decisions.md). False: Connect first waits for OPEN's answer.
        /// </summary>
        public bool ConnectBehindOpen = true;

        /// <summary>The clock timeouts are measured on; null: the system clock. Tests set a manual one.</summary>
        internal IHssClock Clock;

        /// <summary>Where sockets record their state transitions (tests, debugging); null: not traced.</summary>
        internal SocketStateTrace StateTrace;

        /// <summary>Throws ArgumentException when the limits cannot work together.</summary>
        public void Validate()
        {
            Require(MaxSockets >= 1, "MaxSockets must be at least 1");
            Require(MaxDataPayload >= HssLayout.MaxCommandPayload, "MaxDataPayload must be at least 52");
            Require(MaxTransmitPayload >= 1, "MaxTransmitPayload must be at least 1");
            Require(SendWindow >= MaxTransmitPayload, "SendWindow must hold one TRANSMIT (>= MaxTransmitPayload)");
            Require(ReceiveBufferPerSocket >= MaxDataPayload, "ReceiveBufferPerSocket must hold one TRANSMIT (>= MaxDataPayload)");
            Require(ReceiveBudgetTotal >= ReceiveBufferPerSocket, "ReceiveBudgetTotal must be >= ReceiveBufferPerSocket");
            Require(ReceiveRecordsPerSocket >= 1, "ReceiveRecordsPerSocket must be at least 1");
            Require(MaxOutstandingRequests >= 2, "MaxOutstandingRequests must be at least 2");
            Require(CommandTimeoutMs > 0 && ConnectTimeoutMs > 0 && CloseLingerMs >= 0, "timeouts must be positive");
        }

        private static void Require(bool condition, string message)
        {
            if (!condition)
            {
                throw new ArgumentException(message);
            }
        }
    }
}
