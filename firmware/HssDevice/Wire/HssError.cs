namespace HssDevice.Wire
{
    /// <summary>One-byte HSS return codes, values as in the spec's table (docs/protocol.md section 10).</summary>
    public static class HssError
    {
        public const byte Success = 0;
        public const byte HostError = 1;
        public const byte InvalidArgument = 2;
        public const byte ProtocolNotSupported = 3;
        public const byte ConnectionRefused = 4;
        public const byte NetworkUnreachable = 5;
        public const byte TimedOut = 6;
        public const byte Mismatch = 7;
        public const byte NotConnected = 8;
        public const byte NoSocket = 9;

        /// <summary>Not in the spec's table: the host's destination policy refused a CONNECT (docs/decisions.md).</summary>
        public const byte Denied = 10;

        /// <summary>The spec's name, e.g. "ECONNREFUSED"; unknown values print as "E?(n)".</summary>
        public static string NameOf(int code)
        {
            switch (code)
            {
                case Success: return "ESUCCESS";
                case HostError: return "EHOSTERR";
                case InvalidArgument: return "EINVAL";
                case ProtocolNotSupported: return "EPROTONOSUPPORT";
                case ConnectionRefused: return "ECONNREFUSED";
                case NetworkUnreachable: return "ENETUNREACH";
                case TimedOut: return "ETIMEDOUT";
                case Mismatch: return "EMISMATCH";
                case NotConnected: return "ENOTCONN";
                case NoSocket: return "ENOSOCK";
                case Denied: return "EDENIED";
                default: return "E?(" + code.ToString() + ")";
            }
        }
    }
}
