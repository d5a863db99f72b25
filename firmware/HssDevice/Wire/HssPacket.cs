using System;

namespace HssDevice.Wire
{
    /// <summary>
    /// A decoded packet: a reusable view over the bytes it was decoded from. Lengths are checked once in
    /// <see cref="Decode"/>, so every field read after a successful decode is in bounds. Decoding allocates nothing.
    /// </summary>
    public sealed class HssPacket
    {
        /// <summary>CONNECT address bytes in network order; 4 or 16 of them are valid (AddressLength).</summary>
        public readonly byte[] Address = new byte[16];

        public ushort Opcode;
        public ushort MsgId;
        public uint SockId;
        public uint PayloadLength;

        /// <summary>The buffer decoded from and where the payload starts in it.</summary>
        public byte[] Buffer;
        public int PayloadOffset;

        // OPEN
        public uint Handle;
        public ushort Family;
        public ushort Protocol;
        public byte SocketType;

        // CONNECT (Family above)
        public ushort Port;
        public int AddressLength;
        public uint FlowInfo;
        public uint ScopeId;

        // ACK / REPLY
        public ushort OrigOpcode;
        public byte Code;
        public bool HasValue;
        public int Value;
        public int ReturnDataOffset;
        public int ReturnDataLength;

        /// <summary>Offset in <see cref="Buffer"/> where decoding failed, for error reports.</summary>
        public int ErrorOffset;

        /// <summary>Header plus payload bytes.</summary>
        public int TotalLength
        {
            get { return HssLayout.HeaderSize + (int)PayloadLength; }
        }

        /// <summary>Reads only the 12-byte header (for framing); false when fewer than 12 bytes are given.</summary>
        public bool DecodeHeader(byte[] buffer, int offset, int count)
        {
            if (count < HssLayout.HeaderSize)
            {
                return false;
            }

            Buffer = buffer;
            Opcode = ByteOrder.ReadUInt16LE(buffer, offset + HssLayout.OpcodeOffset);
            MsgId = ByteOrder.ReadUInt16LE(buffer, offset + HssLayout.MsgIdOffset);
            SockId = ByteOrder.ReadUInt32LE(buffer, offset + HssLayout.SockIdOffset);
            PayloadLength = ByteOrder.ReadUInt32LE(buffer, offset + HssLayout.PayloadLengthOffset);
            PayloadOffset = offset + HssLayout.HeaderSize;
            return true;
        }

        /// <summary>
        /// Decodes one packet from buffer[offset..offset+count). Returns a <see cref="DecodeStatus"/>; on success
        /// the packet occupies <see cref="TotalLength"/> bytes. maxDataPayload bounds TRANSMIT and REPLY payloads.
        /// </summary>
        public int Decode(byte[] buffer, int offset, int count, int maxDataPayload)
        {
            Reset();
            ErrorOffset = offset;
            if (!DecodeHeader(buffer, offset, count))
            {
                return DecodeStatus.Truncated;
            }

            ErrorOffset = offset + HssLayout.OpcodeOffset;
            if (!HssOpcode.IsKnown(Opcode))
            {
                return DecodeStatus.UnknownOpcode;
            }

            ErrorOffset = offset + HssLayout.PayloadLengthOffset;
            if (HssOpcode.IsData(Opcode))
            {
                if (PayloadLength > (uint)maxDataPayload)
                {
                    return DecodeStatus.DataTooLong;
                }
            }
            else if (PayloadLength > HssLayout.MaxCommandPayload)
            {
                return DecodeStatus.CommandTooLong;
            }

            if ((uint)(count - HssLayout.HeaderSize) < PayloadLength)
            {
                ErrorOffset = offset + count;
                return DecodeStatus.Truncated;
            }

            ErrorOffset = PayloadOffset;
            int length = (int)PayloadLength;
            switch (Opcode)
            {
                case HssOpcode.Open:
                    return DecodeOpen(length);
                case HssOpcode.Connect:
                    return DecodeConnect(length);
                case HssOpcode.Ack:
                case HssOpcode.Reply:
                    return DecodeAck(length);
                default:
                    // SHUTDOWN and CLOSE carry nothing; TRANSMIT's payload is application data.
                    return DecodeStatus.Ok;
            }
        }

        private int DecodeOpen(int length)
        {
            if (length < HssLayout.OpenPayloadLength)
            {
                return DecodeStatus.PayloadTooShort;
            }

            Handle = ByteOrder.ReadUInt32LE(Buffer, PayloadOffset + HssLayout.OpenHandleOffset);
            Family = ByteOrder.ReadUInt16LE(Buffer, PayloadOffset + HssLayout.OpenFamilyOffset);
            Protocol = ByteOrder.ReadUInt16LE(Buffer, PayloadOffset + HssLayout.OpenProtocolOffset);
            SocketType = Buffer[PayloadOffset + HssLayout.OpenTypeOffset];
            return DecodeStatus.Ok;
        }

        private int DecodeConnect(int length)
        {
            if (length < 2)
            {
                return DecodeStatus.PayloadTooShort;
            }

            Family = ByteOrder.ReadUInt16LE(Buffer, PayloadOffset + HssLayout.ConnectFamilyOffset);
            int addressOffset;
            if (Family == HssFamily.IPv4)
            {
                if (length < HssLayout.ConnectIPv4PayloadLength)
                {
                    return DecodeStatus.PayloadTooShort;
                }

                AddressLength = 4;
                addressOffset = HssLayout.ConnectIPv4AddressOffset;
            }
            else if (Family == HssFamily.IPv6)
            {
                if (length < HssLayout.ConnectIPv6PayloadLength)
                {
                    return DecodeStatus.PayloadTooShort;
                }

                AddressLength = 16;
                addressOffset = HssLayout.ConnectIPv6AddressOffset;
                FlowInfo = ByteOrder.ReadUInt32BE(Buffer, PayloadOffset + HssLayout.ConnectIPv6FlowInfoOffset);
                ScopeId = ByteOrder.ReadUInt32LE(Buffer, PayloadOffset + HssLayout.ConnectIPv6ScopeIdOffset);
            }
            else
            {
                return DecodeStatus.InvalidValue;
            }

            Port = ByteOrder.ReadUInt16BE(Buffer, PayloadOffset + HssLayout.ConnectPortOffset);
            Array.Copy(Buffer, PayloadOffset + addressOffset, Address, 0, AddressLength);
            return DecodeStatus.Ok;
        }

        private int DecodeAck(int length)
        {
            if (length < HssLayout.AckMinPayloadLength)
            {
                return DecodeStatus.PayloadTooShort;
            }

            OrigOpcode = ByteOrder.ReadUInt16LE(Buffer, PayloadOffset + HssLayout.AckOrigOpcodeOffset);
            Code = Buffer[PayloadOffset + HssLayout.AckCodeOffset];
            ReturnDataOffset = PayloadOffset + HssLayout.AckReturnDataOffset;
            ReturnDataLength = length - HssLayout.AckMinPayloadLength;
            if (ReturnDataLength >= 4)
            {
                HasValue = true;
                Value = ByteOrder.ReadInt32LE(Buffer, ReturnDataOffset);
            }

            return DecodeStatus.Ok;
        }

        private void Reset()
        {
            Opcode = 0;
            MsgId = 0;
            SockId = 0;
            PayloadLength = 0;
            Buffer = null;
            PayloadOffset = 0;
            Handle = 0;
            Family = 0;
            Protocol = 0;
            SocketType = 0;
            Port = 0;
            AddressLength = 0;
            FlowInfo = 0;
            ScopeId = 0;
            OrigOpcode = 0;
            Code = 0;
            HasValue = false;
            Value = 0;
            ReturnDataOffset = 0;
            ReturnDataLength = 0;
        }
    }
}
