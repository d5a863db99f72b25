namespace HssDevice.Wire
{
    /// <summary>Outcome of decoding one packet (docs/protocol.md section 11 names the protocol errors).</summary>
    public static class DecodeStatus
    {
        public const int Ok = 0;
        /// <summary>Fewer bytes than the header or its payload_len announce.</summary>
        public const int Truncated = 1;
        public const int UnknownOpcode = 2;
        /// <summary>A command whose payload_len is over 52.</summary>
        public const int CommandTooLong = 3;
        /// <summary>A data packet whose payload_len is over the receiver's maximum.</summary>
        public const int DataTooLong = 4;
        public const int PayloadTooShort = 5;
        /// <summary>A field the layout depends on holds a value with no meaning (CONNECT family).</summary>
        public const int InvalidValue = 6;

        public static string Describe(int status)
        {
            switch (status)
            {
                case Ok: return "ok";
                case Truncated: return "truncated: fewer bytes than the header or payload_len announce";
                case UnknownOpcode: return "unknown opcode";
                case CommandTooLong: return "command payload_len over 52";
                case DataTooLong: return "data payload_len over the receiver's maximum";
                case PayloadTooShort: return "payload too short for its opcode";
                case InvalidValue: return "invalid field value";
                default: return "status " + status.ToString();
            }
        }
    }
}
