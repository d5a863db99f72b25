using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>Decoding every packet, and every impossible length.</summary>
    [TestClass]
    public class WireDecodeTests
    {
        private static readonly HssPacket Packet = new HssPacket();

        private static int Decode(string hex)
        {
            byte[] bytes = Hex.Parse(hex);
            return Packet.Decode(bytes, 0, bytes.Length, 4096);
        }

        [TestMethod]
        public void Open_decodes_handle_family_protocol_type()
        {
            Assert.AreEqual(DecodeStatus.Ok, Decode("00 00 02 01 00 00 00 00 09 00 00 00 44 33 22 11 01 00 01 00 01"));
            Assert.AreEqual(HssOpcode.Open, Packet.Opcode);
            Assert.AreEqual((ushort)0x0102, Packet.MsgId);
            Assert.AreEqual(0x11223344u, Packet.Handle);
            Assert.AreEqual(HssFamily.IPv4, Packet.Family);
            Assert.AreEqual(HssProtocol.Tcp, Packet.Protocol);
            Assert.AreEqual(HssType.Stream, Packet.SocketType);
            Assert.AreEqual(21, Packet.TotalLength);
        }

        [TestMethod]
        public void Connect_ipv4_decodes_port_and_address()
        {
            Assert.AreEqual(DecodeStatus.Ok, Decode("01 00 03 00 01 00 00 00 08 00 00 00 01 00 01 bb c0 00 02 01"));
            Assert.AreEqual((ushort)443, Packet.Port);
            Assert.AreEqual(4, Packet.AddressLength);
            Hex.AssertBytes("c0 00 02 01", Packet.Address, 0, 4);
        }

        [TestMethod]
        public void Connect_ipv6_accepts_payload_28_and_40()
        {
            string body = "02 00 1f 90 00 01 23 45 07 00 00 00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01";
            Assert.AreEqual(DecodeStatus.Ok, Decode("01 00 09 00 02 00 00 00 1c 00 00 00 " + body));
            Assert.AreEqual((ushort)8080, Packet.Port);
            Assert.AreEqual(0x00012345u, Packet.FlowInfo);
            Assert.AreEqual(7u, Packet.ScopeId);
            Assert.AreEqual(16, Packet.AddressLength);
            Hex.AssertBytes("20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01", Packet.Address, 0, 16);

            Assert.AreEqual(DecodeStatus.Ok, Decode("01 00 09 00 02 00 00 00 28 00 00 00 " + body + " 00 00 00 00 00 00 00 00 00 00 00 00"));
            Assert.AreEqual(52, Packet.TotalLength);
            Assert.AreEqual((ushort)8080, Packet.Port);
        }

        [TestMethod]
        public void Connect_with_unknown_family_is_invalid()
        {
            Assert.AreEqual(DecodeStatus.InvalidValue, Decode("01 00 03 00 01 00 00 00 08 00 00 00 03 00 01 bb c0 00 02 01"));
        }

        [TestMethod]
        public void Ack_short_form_has_no_value_and_long_form_has_one()
        {
            Assert.AreEqual(DecodeStatus.Ok, Decode("04 00 08 00 01 00 00 00 03 00 00 00 03 00 00"));
            Assert.AreEqual(HssOpcode.Transmit, Packet.OrigOpcode);
            Assert.IsFalse(Packet.HasValue);
            Assert.AreEqual(DecodeStatus.Ok, Decode("04 00 08 00 01 00 00 00 07 00 00 00 03 00 09 f7 ff ff ff"));
            Assert.IsTrue(Packet.HasValue);
            Assert.AreEqual(-9, Packet.Value);
            Assert.AreEqual((byte)9, Packet.Code);
        }

        [TestMethod]
        public void Transmit_payload_is_located_not_copied()
        {
            byte[] bytes = Hex.Parse("ff ff 03 00 08 00 01 00 00 00 05 00 00 00 68 65 6c 6c 6f");
            Assert.AreEqual(DecodeStatus.Ok, Packet.Decode(bytes, 2, bytes.Length - 2, 4096));
            Assert.AreSame(bytes, Packet.Buffer);
            Assert.AreEqual(14, Packet.PayloadOffset);
            Assert.AreEqual(5u, Packet.PayloadLength);
        }

        [TestMethod]
        public void Impossible_lengths_are_reported()
        {
            Assert.AreEqual(DecodeStatus.Truncated, Decode("00 00 02 01 00 00 00 00 09 00 00"));
            Assert.AreEqual(DecodeStatus.Truncated, Decode("00 00 02 01 00 00 00 00 09 00 00 00 44 33"));
            Assert.AreEqual(DecodeStatus.PayloadTooShort, Decode("00 00 02 01 00 00 00 00 02 00 00 00 44 33"));
            Assert.AreEqual(DecodeStatus.PayloadTooShort, Decode("01 00 03 00 01 00 00 00 04 00 00 00 01 00 01 bb"));
            Assert.AreEqual(DecodeStatus.PayloadTooShort, Decode("04 00 03 00 01 00 00 00 02 00 00 00 01 00"));
            Assert.AreEqual(DecodeStatus.CommandTooLong, Decode("06 00 07 00 01 00 00 00 35 00 00 00"));
            Assert.AreEqual(DecodeStatus.DataTooLong, Decode("03 00 08 00 01 00 00 00 01 10 00 00"));
            Assert.AreEqual(DecodeStatus.DataTooLong, Decode("03 00 08 00 01 00 00 00 ff ff ff ff"));
            Assert.AreEqual(DecodeStatus.UnknownOpcode, Decode("07 00 07 00 01 00 00 00 00 00 00 00"));
            Assert.AreEqual(DecodeStatus.UnknownOpcode, Decode("00 01 07 00 01 00 00 00 00 00 00 00"));
        }

        [TestMethod]
        public void Error_offset_points_at_the_bad_field()
        {
            byte[] bytes = Hex.Parse("06 00 07 00 01 00 00 00 35 00 00 00");
            Packet.Decode(bytes, 0, bytes.Length, 4096);
            Assert.AreEqual(HssLayout.PayloadLengthOffset, Packet.ErrorOffset);
            bytes = Hex.Parse("09 00 07 00 01 00 00 00 00 00 00 00");
            Packet.Decode(bytes, 0, bytes.Length, 4096);
            Assert.AreEqual(0, Packet.ErrorOffset);
        }

        [TestMethod]
        public void Byte_order_helpers_round_trip()
        {
            byte[] b = new byte[4];
            ByteOrder.WriteUInt32LE(b, 0, 0x01020304);
            Hex.AssertBytes("04 03 02 01", b, 0, 4);
            Assert.AreEqual(0x01020304u, ByteOrder.ReadUInt32LE(b, 0));
            ByteOrder.WriteUInt32BE(b, 0, 0x01020304);
            Hex.AssertBytes("01 02 03 04", b, 0, 4);
            Assert.AreEqual(0x01020304u, ByteOrder.ReadUInt32BE(b, 0));
            ByteOrder.WriteUInt16BE(b, 0, 0xABCD);
            Assert.AreEqual((ushort)0xABCD, ByteOrder.ReadUInt16BE(b, 0));
            ByteOrder.WriteUInt32LE(b, 0, 0xFFFFFFFE);
            Assert.AreEqual(-2, ByteOrder.ReadInt32LE(b, 0));
        }
    }
}
