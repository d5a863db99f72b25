namespace HssDevice.Wire
{
    /// <summary>HSS opcodes (docs/protocol.md section 2). Constants, not an enum, so names print the same on nanoFramework.</summary>
    public static class HssOpcode
    {
        public const ushort Open = 0x0000;
        public const ushort Connect = 0x0001;
        public const ushort Shutdown = 0x0002;
        public const ushort Transmit = 0x0003;
        public const ushort Ack = 0x0004;
        /// <summary>REPLY, called ACKDATA in the spec's opcode table.</summary>
        public const ushort Reply = 0x0005;
        public const ushort Close = 0x0006;

        public static bool IsKnown(int opcode)
        {
            return opcode >= Open && opcode <= Close;
        }

        /// <summary>TRANSMIT and REPLY are data packets (bulk pipe); the rest are commands (at most 64 bytes).</summary>
        public static bool IsData(int opcode)
        {
            return opcode == Transmit || opcode == Reply;
        }

        /// <summary>Requests are answered by exactly one ACK or REPLY; ACK and REPLY are never answered.</summary>
        public static bool IsRequest(int opcode)
        {
            return IsKnown(opcode) && opcode != Ack && opcode != Reply;
        }

        public static string NameOf(int opcode)
        {
            switch (opcode)
            {
                case Open: return "OPEN";
                case Connect: return "CONNECT";
                case Shutdown: return "SHUTDOWN";
                case Transmit: return "TRANSMIT";
                case Ack: return "ACK";
                case Reply: return "REPLY";
                case Close: return "CLOSE";
                default: return "0x" + opcode.ToString("X4");
            }
        }
    }
}
