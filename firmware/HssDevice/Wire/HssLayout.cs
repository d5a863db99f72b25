namespace HssDevice.Wire
{
    /// <summary>
    /// Field offsets and sizes, declared once next to the wire diagrams of docs/protocol.md.
    ///
    ///   header (section 1):  0 opcode u16 | 2 msg_id u16 | 4 sock_id u32 | 8 payload_len u32
    ///   OPEN (section 4):    0 handle u32 | 4 family u16 | 6 protocol u16 | 8 type u8
    ///   CONNECT v4 (5):      0 family u16 | 2 port u16 BE | 4 address[4]
    ///   CONNECT v6 (5):      0 family u16 | 2 port u16 BE | 4 flowinfo u32 BE | 8 scope_id u32 LE | 12 address[16]
    ///   ACK/REPLY (7):       0 orig_opcode u16 | 2 code u8 | 3 return data (TRANSMIT: i32 LE)
    /// </summary>
    public static class HssLayout
    {
        public const int HeaderSize = 12;
        public const int OpcodeOffset = 0;
        public const int MsgIdOffset = 2;
        public const int SockIdOffset = 4;
        public const int PayloadLengthOffset = 8;

        /// <summary>Command packets are at most 64 bytes with the header (section 3).</summary>
        public const int MaxCommandPacket = 64;
        public const int MaxCommandPayload = MaxCommandPacket - HeaderSize;

        public const int OpenPayloadLength = 9;
        public const int OpenHandleOffset = 0;
        public const int OpenFamilyOffset = 4;
        public const int OpenProtocolOffset = 6;
        public const int OpenTypeOffset = 8;

        public const int ConnectFamilyOffset = 0;
        public const int ConnectPortOffset = 2;
        public const int ConnectIPv4AddressOffset = 4;
        public const int ConnectIPv4PayloadLength = 8;
        public const int ConnectIPv6FlowInfoOffset = 4;
        public const int ConnectIPv6ScopeIdOffset = 8;
        public const int ConnectIPv6AddressOffset = 12;
        public const int ConnectIPv6PayloadLength = 28;
        /// <summary>The spec's 0x28: the whole packet length, written as payload_len by some senders; accepted.</summary>
        public const int ConnectIPv6PayloadLengthSpec = 40;

        public const int AckOrigOpcodeOffset = 0;
        public const int AckCodeOffset = 2;
        public const int AckReturnDataOffset = 3;
        public const int AckMinPayloadLength = 3;
        /// <summary>ACK of a TRANSMIT with its 4-byte signed count (spec 3.3.6.1).</summary>
        public const int AckWithValuePayloadLength = 7;
        public const int MaxAckReturnData = MaxCommandPayload - AckMinPayloadLength;
    }
}
