using System;

namespace HssDevice
{
    /// <summary>
    /// A socket operation failed. <see cref="SocketErrorCode"/> is what System.Net code expects;
    /// <see cref="HssCode"/> is the HSS return code the host sent, or -1 when the failure was local
    /// (timeout, link reset, closed socket).
    /// </summary>
    public class HssSocketException : Exception
    {
        public const int NoHssCode = -1;

        public HssSocketException(SocketError socketError, int hssCode, string message)
            : base(message)
        {
            SocketErrorCode = socketError;
            HssCode = hssCode;
        }

        public HssSocketException(SocketError socketError, string message)
            : this(socketError, NoHssCode, message)
        {
        }

        public SocketError SocketErrorCode { get; private set; }

        /// <summary>The numeric SocketError, as System.Net.Sockets.SocketException.ErrorCode.</summary>
        public int ErrorCode
        {
            get { return (int)SocketErrorCode; }
        }

        public int HssCode { get; private set; }
    }
}
