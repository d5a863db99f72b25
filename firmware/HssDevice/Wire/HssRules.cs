namespace HssDevice.Wire
{
    /// <summary>
    /// The protocol's rules that both ends apply, written once: the device engine, the host engine and the test
    /// hosts all call these. Pure functions: no state, no I/O, no threads (each end keeps its own threading).
    /// What a request's payload must hold (its lengths) is checked once, by <see cref="HssPacket.Decode"/>.
    /// </summary>
    public static class HssRules
    {
        /// <summary>The code a bad request is answered with (docs/protocol.md section 11).</summary>
        public const int BadPacketCode = HssError.InvalidArgument;

        /// <summary>
        /// How a receiver frames a byte stream at the header in buffer[offset..offset+12) (docs/protocol.md section 11):
        /// DecodeStatus.Ok with the payload length to take, or with oversized set for a data packet over
        /// maxDataPayload whose payload (at most PacketReassembler.SkipLimit) is skipped after its header is
        /// delivered; otherwise the status with which framing is lost (unknown opcode, command over 52 bytes, data
        /// too long to skip). The device's PacketReassembler and the host's framer both call it.
        /// </summary>
        public static int CheckFrameHeader(byte[] buffer, int offset, int maxDataPayload, out int payloadLength, out bool oversized)
        {
            int opcode = ByteOrder.ReadUInt16LE(buffer, offset + HssLayout.OpcodeOffset);
            uint length = ByteOrder.ReadUInt32LE(buffer, offset + HssLayout.PayloadLengthOffset);
            payloadLength = 0;
            oversized = false;
            if (!HssOpcode.IsKnown(opcode))
            {
                return DecodeStatus.UnknownOpcode;
            }

            if (!HssOpcode.IsData(opcode))
            {
                if (length > HssLayout.MaxCommandPayload)
                {
                    return DecodeStatus.CommandTooLong;
                }
            }
            else if (length > (uint)maxDataPayload)
            {
                if (length > PacketReassembler.SkipLimit)
                {
                    return DecodeStatus.DataTooLong;
                }

                oversized = true;
            }

            payloadLength = (int)length;
            return DecodeStatus.Ok;
        }

        /// <summary>
        /// Is an ACK/REPLY (answerMsgId, answerOrigOpcode, answerSockId) the answer to the request (msgId, opcode,
        /// sockId)? All three must agree (docs/protocol.md section 9); an OPEN's answer carries the new handle.
        /// </summary>
        public static bool IsAnswerTo(int answerMsgId, int answerOrigOpcode, uint answerSockId, int msgId, int opcode, uint sockId)
        {
            return answerMsgId == msgId && answerOrigOpcode == opcode && answerSockId == sockId;
        }

        /// <summary>
        /// What the ACK of a TRANSMIT of sentLength bytes means, for the sender (docs/protocol.md section 6):
        /// ESUCCESS when the receiver took every byte; otherwise the HSS code the socket fails with. A non-zero code,
        /// or a negative value (minus the code), is a refusal; a non-negative count smaller than sentLength means the
        /// receiver lost data and is EHOSTERR; an ACK with no value (the reference's 3-byte form) is success.
        /// Values that are not a code (int.MinValue, under -255) are EHOSTERR, never negated.
        /// </summary>
        public static int TransmitAckOutcome(int code, bool hasValue, int value, int sentLength)
        {
            if (code != HssError.Success)
            {
                return code;
            }

            if (!hasValue)
            {
                return HssError.Success;
            }

            if (value < 0)
            {
                return value >= -255 ? -value : HssError.HostError;
            }

            return value < sentLength ? HssError.HostError : HssError.Success;
        }

        /// <summary>The value a receiver puts in a TRANSMIT's ACK: the byte count taken, or minus the code.</summary>
        public static int TransmitAckValue(int code, int count)
        {
            return code == HssError.Success ? count : -code;
        }

        /// <summary>
        /// The message ID after previous: a u16 from 1, wrapping from 0xFFFF to 1, never 0 (docs/protocol.md
        /// section 9). The caller skips IDs whose answer is still outstanding.
        /// </summary>
        public static ushort NextMsgId(int previous)
        {
            return previous >= 0xFFFF || previous < 1 ? (ushort)1 : (ushort)(previous + 1);
        }

        /// <summary>
        /// A bad packet (docs/protocol.md section 11) is dropped and counted; it is answered with
        /// <see cref="BadPacketCode"/> only when it was a request whose whole header could be read.
        /// </summary>
        public static bool AnswersBadPacket(int opcode, int bytesRead)
        {
            return bytesRead >= HssLayout.HeaderSize && HssOpcode.IsRequest(opcode);
        }

        /// <summary>Answers to TRANSMIT carry the 4-byte value; answers to other requests carry none.</summary>
        public static bool AnswerCarriesValue(int origOpcode)
        {
            return origOpcode == HssOpcode.Transmit;
        }
    }
}
