using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>The bytes of every packet, among them the examples of docs/protocol.md section 13.</summary>
    [TestClass]
    public class WireEncodeTests
    {
        private static readonly byte[] Buffer = new byte[128];

        [TestMethod]
        public void Open_matches_protocol_example()
        {
            int n = PacketWriter.WriteOpen(Buffer, 0, 0x0102, 0x11223344, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream);
            Assert.AreEqual(21, n);
            Hex.AssertBytes("00 00 02 01 00 00 00 00 09 00 00 00 44 33 22 11 01 00 01 00 01", Buffer, 0, n);
        }

        [TestMethod]
        public void Connect_ipv4_matches_protocol_example()
        {
            byte[] address = new byte[] { 192, 0, 2, 1 };
            int n = PacketWriter.WriteConnectIPv4(Buffer, 0, 3, 1, 443, address, 0);
            Assert.AreEqual(20, n);
            Hex.AssertBytes("01 00 03 00 01 00 00 00 08 00 00 00 01 00 01 bb c0 00 02 01", Buffer, 0, n);
        }

        [TestMethod]
        public void Connect_ipv6_has_payload_28_with_big_endian_flowinfo_and_little_endian_scope()
        {
            byte[] address = Hex.Parse("20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01");
            int n = PacketWriter.WriteConnectIPv6(Buffer, 0, 9, 2, 8080, address, 0, 0x00012345, 7);
            Assert.AreEqual(40, n);
            Hex.AssertBytes("01 00 09 00 02 00 00 00 1c 00 00 00 02 00 1f 90 00 01 23 45 07 00 00 00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01", Buffer, 0, n);
        }

        [TestMethod]
        public void Ack_matches_protocol_example()
        {
            int n = PacketWriter.WriteAck(Buffer, 0, 3, 1, HssOpcode.Connect, HssError.Success);
            Assert.AreEqual(15, n);
            Hex.AssertBytes("04 00 03 00 01 00 00 00 03 00 00 00 01 00 00", Buffer, 0, n);
        }

        [TestMethod]
        public void Close_matches_protocol_example()
        {
            int n = PacketWriter.WriteClose(Buffer, 0, 7, 1);
            Assert.AreEqual(12, n);
            Hex.AssertBytes("06 00 07 00 01 00 00 00 00 00 00 00", Buffer, 0, n);
        }

        [TestMethod]
        public void Shutdown_is_a_bare_header()
        {
            int n = PacketWriter.WriteShutdown(Buffer, 0, 0xFFFF, 0xA0B0C0D0);
            Hex.AssertBytes("02 00 ff ff d0 c0 b0 a0 00 00 00 00", Buffer, 0, n);
        }

        [TestMethod]
        public void Transmit_header_matches_protocol_example()
        {
            int n = PacketWriter.WriteTransmitHeader(Buffer, 0, 8, 1, 5);
            Hex.AssertBytes("03 00 08 00 01 00 00 00 05 00 00 00", Buffer, 0, n);
        }

        [TestMethod]
        public void Transmit_ack_carries_signed_count()
        {
            int n = PacketWriter.WriteAckWithValue(Buffer, 0, 8, 1, HssOpcode.Transmit, HssError.Success, 5);
            Hex.AssertBytes("04 00 08 00 01 00 00 00 07 00 00 00 03 00 00 05 00 00 00", Buffer, 0, n);
            n = PacketWriter.WriteAckWithValue(Buffer, 0, 8, 1, HssOpcode.Transmit, HssError.NoSocket, -HssError.NoSocket);
            Hex.AssertBytes("04 00 08 00 01 00 00 00 07 00 00 00 03 00 09 f7 ff ff ff", Buffer, 0, n);
        }

        [TestMethod]
        public void Reply_carries_long_return_data_and_ack_refuses_it()
        {
            byte[] data = new byte[60];
            data[0] = 0xAA;
            data[59] = 0xBB;
            int n = PacketWriter.WriteAckWithData(Buffer, 0, HssOpcode.Reply, 4, 1, HssOpcode.Connect, HssError.Success, data, 0, 60);
            Assert.AreEqual(12 + 3 + 60, n);
            Hex.AssertBytes("05 00 04 00 01 00 00 00 3f 00 00 00 01 00 00 aa", Buffer, 0, 16);
            Assert.AreEqual((byte)0xBB, Buffer[n - 1]);
            Assert.ThrowsException(typeof(System.ArgumentException), () => PacketWriter.WriteAckWithData(Buffer, 0, HssOpcode.Ack, 4, 1, HssOpcode.Connect, 0, data, 0, 50));
        }

        [TestMethod]
        public void Writers_refuse_a_buffer_too_small()
        {
            byte[] small = new byte[20];
            Assert.ThrowsException(typeof(System.ArgumentException), () => PacketWriter.WriteOpen(small, 0, 1, 1, 1, 1, 1));
            Assert.ThrowsException(typeof(System.ArgumentException), () => PacketWriter.WriteClose(small, 10, 1, 1));
        }

        [TestMethod]
        public void Names_follow_the_spec()
        {
            Assert.AreEqual("CONNECT", HssOpcode.NameOf(HssOpcode.Connect));
            Assert.AreEqual("REPLY", HssOpcode.NameOf(5));
            Assert.AreEqual("0x0007", HssOpcode.NameOf(7));
            Assert.AreEqual("ECONNREFUSED", HssError.NameOf(4));
            Assert.AreEqual("ENOSOCK", HssError.NameOf(9));
        }
    }
}
