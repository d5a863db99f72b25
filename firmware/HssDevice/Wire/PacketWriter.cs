using System;

namespace HssDevice.Wire
{
    /// <summary>
    /// Encodes packets into caller-provided buffers and returns the number of bytes written. Allocates nothing,
    /// so the data path can reuse one buffer per pipe.
    /// </summary>
    public static class PacketWriter
    {
        public static void WriteHeader(byte[] buffer, int offset, int opcode, int msgId, uint sockId, int payloadLength)
        {
            Require(buffer, offset, HssLayout.HeaderSize);
            ByteOrder.WriteUInt16LE(buffer, offset + HssLayout.OpcodeOffset, opcode);
            ByteOrder.WriteUInt16LE(buffer, offset + HssLayout.MsgIdOffset, msgId);
            ByteOrder.WriteUInt32LE(buffer, offset + HssLayout.SockIdOffset, sockId);
            ByteOrder.WriteUInt32LE(buffer, offset + HssLayout.PayloadLengthOffset, (uint)payloadLength);
        }

        public static int WriteOpen(byte[] buffer, int offset, int msgId, uint handle, int family, int protocol, int type)
        {
            int length = HssLayout.HeaderSize + HssLayout.OpenPayloadLength;
            Require(buffer, offset, length);
            WriteHeader(buffer, offset, HssOpcode.Open, msgId, 0, HssLayout.OpenPayloadLength);
            int p = offset + HssLayout.HeaderSize;
            ByteOrder.WriteUInt32LE(buffer, p + HssLayout.OpenHandleOffset, handle);
            ByteOrder.WriteUInt16LE(buffer, p + HssLayout.OpenFamilyOffset, family);
            ByteOrder.WriteUInt16LE(buffer, p + HssLayout.OpenProtocolOffset, protocol);
            buffer[p + HssLayout.OpenTypeOffset] = (byte)type;
            return length;
        }

        /// <summary>CONNECT for IPv4: address is 4 bytes in network order at addressOffset.</summary>
        public static int WriteConnectIPv4(byte[] buffer, int offset, int msgId, uint sockId, int port, byte[] address, int addressOffset)
        {
            int length = HssLayout.HeaderSize + HssLayout.ConnectIPv4PayloadLength;
            Require(buffer, offset, length);
            Require(address, addressOffset, 4);
            WriteHeader(buffer, offset, HssOpcode.Connect, msgId, sockId, HssLayout.ConnectIPv4PayloadLength);
            int p = offset + HssLayout.HeaderSize;
            ByteOrder.WriteUInt16LE(buffer, p + HssLayout.ConnectFamilyOffset, HssFamily.IPv4);
            ByteOrder.WriteUInt16BE(buffer, p + HssLayout.ConnectPortOffset, port);
            Array.Copy(address, addressOffset, buffer, p + HssLayout.ConnectIPv4AddressOffset, 4);
            return length;
        }

        /// <summary>CONNECT for IPv6 with payload_len 28 (docs/protocol.md section 5): address is 16 bytes in network order.</summary>
        public static int WriteConnectIPv6(byte[] buffer, int offset, int msgId, uint sockId, int port, byte[] address, int addressOffset, uint flowInfo, uint scopeId)
        {
            int length = HssLayout.HeaderSize + HssLayout.ConnectIPv6PayloadLength;
            Require(buffer, offset, length);
            Require(address, addressOffset, 16);
            WriteHeader(buffer, offset, HssOpcode.Connect, msgId, sockId, HssLayout.ConnectIPv6PayloadLength);
            int p = offset + HssLayout.HeaderSize;
            ByteOrder.WriteUInt16LE(buffer, p + HssLayout.ConnectFamilyOffset, HssFamily.IPv6);
            ByteOrder.WriteUInt16BE(buffer, p + HssLayout.ConnectPortOffset, port);
            ByteOrder.WriteUInt32BE(buffer, p + HssLayout.ConnectIPv6FlowInfoOffset, flowInfo);
            ByteOrder.WriteUInt32LE(buffer, p + HssLayout.ConnectIPv6ScopeIdOffset, scopeId);
            Array.Copy(address, addressOffset, buffer, p + HssLayout.ConnectIPv6AddressOffset, 16);
            return length;
        }

        public static int WriteShutdown(byte[] buffer, int offset, int msgId, uint sockId)
        {
            Require(buffer, offset, HssLayout.HeaderSize);
            WriteHeader(buffer, offset, HssOpcode.Shutdown, msgId, sockId, 0);
            return HssLayout.HeaderSize;
        }

        public static int WriteClose(byte[] buffer, int offset, int msgId, uint sockId)
        {
            Require(buffer, offset, HssLayout.HeaderSize);
            WriteHeader(buffer, offset, HssOpcode.Close, msgId, sockId, 0);
            return HssLayout.HeaderSize;
        }

        /// <summary>ACK with no return data (15 bytes); also the reference's 3-byte TRANSMIT ACK.</summary>
        public static int WriteAck(byte[] buffer, int offset, int msgId, uint sockId, int origOpcode, int code)
        {
            int length = HssLayout.HeaderSize + HssLayout.AckMinPayloadLength;
            Require(buffer, offset, length);
            WriteHeader(buffer, offset, HssOpcode.Ack, msgId, sockId, HssLayout.AckMinPayloadLength);
            WriteAckPayload(buffer, offset + HssLayout.HeaderSize, origOpcode, code);
            return length;
        }

        /// <summary>ACK with a 4-byte signed value: the TRANSMIT answer (count accepted, or minus an HSS code).</summary>
        public static int WriteAckWithValue(byte[] buffer, int offset, int msgId, uint sockId, int origOpcode, int code, int value)
        {
            int length = HssLayout.HeaderSize + HssLayout.AckWithValuePayloadLength;
            Require(buffer, offset, length);
            WriteHeader(buffer, offset, HssOpcode.Ack, msgId, sockId, HssLayout.AckWithValuePayloadLength);
            WriteAckPayload(buffer, offset + HssLayout.HeaderSize, origOpcode, code);
            ByteOrder.WriteUInt32LE(buffer, offset + HssLayout.HeaderSize + HssLayout.AckReturnDataOffset, (uint)value);
            return length;
        }

        /// <summary>ACK (return data at most 49 bytes) or REPLY (any length) carrying return data.</summary>
        public static int WriteAckWithData(byte[] buffer, int offset, int opcode, int msgId, uint sockId, int origOpcode, int code, byte[] data, int dataOffset, int dataLength)
        {
            if (opcode != HssOpcode.Ack && opcode != HssOpcode.Reply)
            {
                throw new ArgumentException("opcode must be ACK or REPLY");
            }

            if (opcode == HssOpcode.Ack && dataLength > HssLayout.MaxAckReturnData)
            {
                throw new ArgumentException("ACK return data is at most 49 bytes; use REPLY");
            }

            int payloadLength = HssLayout.AckMinPayloadLength + dataLength;
            int length = HssLayout.HeaderSize + payloadLength;
            Require(buffer, offset, length);
            WriteHeader(buffer, offset, opcode, msgId, sockId, payloadLength);
            WriteAckPayload(buffer, offset + HssLayout.HeaderSize, origOpcode, code);
            if (dataLength > 0)
            {
                Array.Copy(data, dataOffset, buffer, offset + HssLayout.HeaderSize + HssLayout.AckReturnDataOffset, dataLength);
            }

            return length;
        }

        /// <summary>The 12-byte TRANSMIT header; the caller places payloadLength bytes right after it.</summary>
        public static int WriteTransmitHeader(byte[] buffer, int offset, int msgId, uint sockId, int payloadLength)
        {
            WriteHeader(buffer, offset, HssOpcode.Transmit, msgId, sockId, payloadLength);
            return HssLayout.HeaderSize;
        }

        private static void WriteAckPayload(byte[] buffer, int payloadOffset, int origOpcode, int code)
        {
            ByteOrder.WriteUInt16LE(buffer, payloadOffset + HssLayout.AckOrigOpcodeOffset, origOpcode);
            buffer[payloadOffset + HssLayout.AckCodeOffset] = (byte)code;
        }

        private static void Require(byte[] buffer, int offset, int length)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException("buffer");
            }

            if (offset < 0 || length < 0 || offset > buffer.Length - length)
            {
                throw new ArgumentException("buffer too small for the packet");
            }
        }
    }
}
