using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>The data-pipe reassembler at every split offset, with packed transfers and bad framing.</summary>
    [TestClass]
    public class ReassemblerTests
    {
        // A TRANSMIT of 5 bytes, an ACK, a CLOSE and a TRANSMIT of 0 bytes, back to back (one packed transfer).
        private const string Stream =
            "03 00 08 00 01 00 00 00 05 00 00 00 68 65 6c 6c 6f " +
            "04 00 03 00 01 00 00 00 03 00 00 00 01 00 00 " +
            "06 00 07 00 01 00 00 00 00 00 00 00 " +
            "03 00 09 00 01 00 00 00 00 00 00 00";

        private static readonly int[] Lengths = new int[] { 17, 15, 12, 12 };

        /// <summary>Feeds the bytes in transfers of the given sizes (cycled) and checks the packets that come out.</summary>
        private static void FeedInChunks(byte[] bytes, int[] chunkSizes)
        {
            var r = new PacketReassembler(64);
            int position = 0;
            int expectedPosition = 0;
            int packets = 0;
            int chunk = 0;
            while (position < bytes.Length)
            {
                int size = chunkSizes[chunk++ % chunkSizes.Length];
                if (size > bytes.Length - position)
                {
                    size = bytes.Length - position;
                }

                byte[] transfer = new byte[size];
                System.Array.Copy(bytes, position, transfer, 0, size);
                position += size;
                int used = 0;
                while (used < size)
                {
                    used += r.Feed(transfer, used, size - used);
                    if (r.HasPacket)
                    {
                        Assert.AreEqual(Lengths[packets], r.PacketLength, "packet " + packets.ToString());
                        for (int i = 0; i < r.PacketLength; i++)
                        {
                            Assert.AreEqual(bytes[expectedPosition + i], r.PacketBuffer[i]);
                        }

                        expectedPosition += r.PacketLength;
                        packets++;
                        r.Release();
                    }
                }
            }

            Assert.AreEqual(Lengths.Length, packets);
            Assert.AreEqual(0, r.Pending);
        }

        [TestMethod]
        public void Packets_are_reassembled_at_every_split_offset_of_two_transfers()
        {
            byte[] bytes = Hex.Parse(Stream);
            for (int split = 1; split < bytes.Length; split++)
            {
                FeedInChunks(bytes, new int[] { split, bytes.Length });
            }
        }

        [TestMethod]
        public void Packets_are_reassembled_at_chunk_limits_1_5_12_13_64()
        {
            byte[] bytes = Hex.Parse(Stream);
            int[] limits = new int[] { 1, 5, 12, 13, 64 };
            for (int i = 0; i < limits.Length; i++)
            {
                FeedInChunks(bytes, new int[] { limits[i] });
            }

            FeedInChunks(bytes, new int[] { 3, 1, 7, 2, 11 });
        }

        [TestMethod]
        public void A_payload_spanning_many_transfers_is_reassembled()
        {
            var r = new PacketReassembler(4096);
            byte[] header = new byte[12];
            PacketWriter.WriteTransmitHeader(header, 0, 1, 1, 3000);
            Assert.AreEqual(12, r.Feed(header, 0, 12));
            byte[] chunk = new byte[64];
            int fed = 0;
            while (fed < 3000)
            {
                for (int i = 0; i < chunk.Length; i++)
                {
                    chunk[i] = (byte)(fed + i);
                }

                int n = 3000 - fed < 64 ? 3000 - fed : 64;
                Assert.AreEqual(n, r.Feed(chunk, 0, n));
                fed += n;
            }

            Assert.IsTrue(r.HasPacket);
            Assert.AreEqual(3012, r.PacketLength);
            Assert.AreEqual(unchecked((byte)2999), r.PacketBuffer[3011]);
        }

        [TestMethod]
        public void Held_packet_stops_consumption_until_released()
        {
            var r = new PacketReassembler(64);
            byte[] bytes = Hex.Parse(Stream);
            Assert.AreEqual(17, r.Feed(bytes, 0, bytes.Length));
            Assert.AreEqual(0, r.Feed(bytes, 17, bytes.Length - 17));
            r.Release();
            Assert.AreEqual(15, r.Feed(bytes, 17, bytes.Length - 17));
        }

        [TestMethod]
        public void Oversized_data_is_reported_then_skipped_keeping_framing()
        {
            var r = new PacketReassembler(64);
            byte[] bytes = Hex.Parse("03 00 08 00 01 00 00 00 64 00 00 00");
            byte[] all = new byte[12 + 100 + 12];
            System.Array.Copy(bytes, all, 12);
            PacketWriter.WriteClose(all, 112, 7, 1);
            Assert.AreEqual(12, r.Feed(all, 0, all.Length));
            Assert.IsTrue(r.HasPacket);
            Assert.IsTrue(r.IsOversized);
            r.Release();
            int used = r.Feed(all, 12, all.Length - 12);
            Assert.AreEqual(112, used);
            Assert.IsTrue(r.HasPacket);
            Assert.IsFalse(r.IsOversized);
            Assert.AreEqual((byte)HssOpcode.Close, r.PacketBuffer[0]);
        }

        [TestMethod]
        public void Untrusted_header_loses_framing_until_reset()
        {
            var r = new PacketReassembler(64);
            byte[] bad = Hex.Parse("09 00 08 00 01 00 00 00 05 00 00 00 01 02");
            r.Feed(bad, 0, bad.Length);
            Assert.IsTrue(r.FramingLost);
            Assert.AreEqual(DecodeStatus.UnknownOpcode, r.FramingError);
            Assert.AreEqual(0, r.Feed(bad, 0, bad.Length));
            r.Reset();
            byte[] longCommand = Hex.Parse("06 00 07 00 01 00 00 00 40 00 00 00");
            r.Feed(longCommand, 0, 12);
            Assert.AreEqual(DecodeStatus.CommandTooLong, r.FramingError);
            r.Reset();
            byte[] huge = Hex.Parse("03 00 07 00 01 00 00 00 00 00 00 7f");
            r.Feed(huge, 0, 12);
            Assert.AreEqual(DecodeStatus.DataTooLong, r.FramingError);
        }
    }
}
