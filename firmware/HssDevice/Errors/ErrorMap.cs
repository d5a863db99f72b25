using HssDevice.Wire;

namespace HssDevice
{
    /// <summary>The one place where HSS return codes become socket errors.</summary>
    public static class ErrorMap
    {
        public static SocketError ToSocketError(int hssCode)
        {
            switch (hssCode)
            {
                case HssError.Success: return SocketError.Success;
                case HssError.InvalidArgument: return SocketError.InvalidArgument;
                case HssError.ProtocolNotSupported: return SocketError.ProtocolNotSupported;
                case HssError.ConnectionRefused: return SocketError.ConnectionRefused;
                case HssError.NetworkUnreachable: return SocketError.NetworkUnreachable;
                case HssError.TimedOut: return SocketError.TimedOut;
                case HssError.Mismatch: return SocketError.AddressFamilyNotSupported;
                case HssError.NotConnected: return SocketError.NotConnected;
                case HssError.NoSocket: return SocketError.NotSocket;
                case HssError.Denied: return SocketError.AccessDenied;
                default: return SocketError.SocketError;
            }
        }

        /// <summary>The exception for a request the host answered with a failure code.</summary>
        public static HssSocketException FromHss(int hssCode, int origOpcode)
        {
            return new HssSocketException(ToSocketError(hssCode), hssCode,
                HssOpcode.NameOf(origOpcode) + " failed on the host: " + HssError.NameOf(hssCode));
        }
    }
}
