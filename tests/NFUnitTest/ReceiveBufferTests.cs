using HssDevice.Engine;
using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>One socket's receive buffer on its own: records per host TRANSMIT and the ACKs reading makes.</summary>
    [TestClass]
    public class ReceiveBufferTests
    {
        [TestMethod]
        public void A_stream_read_acks_each_transmit_once_it_is_wholly_read()
        {
            var b = new ReceiveBuffer(64, 4);
            b.Append(new byte[] { 1, 2, 3 }, 0, 3, 10);
            b.Append(new byte[] { 4, 5 }, 0, 2, 11);
            var into = new byte[4];
            int acks;
            Assert.AreEqual(4, b.TakeStream(into, 0, 4, out acks));
            Assert.AreEqual(1, acks);
            Assert.AreEqual((ushort)10, b.AckMsgId[0]);
            Assert.AreEqual(3, b.AckValue[0]);
            Assert.AreEqual((byte)4, into[3]);
            Assert.AreEqual(1, b.RecordCount);
            Assert.AreEqual(1, b.TakeStream(into, 0, 4, out acks));
            Assert.AreEqual(1, acks);
            Assert.AreEqual((ushort)11, b.AckMsgId[0]);
            Assert.AreEqual(2, b.AckValue[0]);
            Assert.AreEqual(0, b.Count);
        }

        [TestMethod]
        public void A_datagram_read_cut_to_the_buffer_discards_the_rest_and_acks_its_whole_length()
        {
            var b = new ReceiveBuffer(64, 4);
            b.Append(new byte[] { 1, 2, 3, 4, 5 }, 0, 5, 7);
            b.Append(new byte[] { 9 }, 0, 1, 8);
            var into = new byte[2];
            int released;
            Assert.AreEqual(2, b.TakeDatagram(into, 0, 2, out released));
            Assert.AreEqual(5, released);
            Assert.AreEqual(5, b.AckValue[0]);
            Assert.AreEqual((ushort)7, b.AckMsgId[0]);
            Assert.AreEqual(1, b.TakeDatagram(into, 0, 2, out released));
            Assert.AreEqual((byte)9, into[0]);
        }

        [TestMethod]
        public void Fits_counts_bytes_and_record_slots()
        {
            var b = new ReceiveBuffer(8, 2);
            Assert.IsTrue(b.Fits(8));
            Assert.IsFalse(b.Fits(9));
            b.Append(new byte[1], 0, 1, 1);
            b.Append(new byte[1], 0, 1, 2);
            // Bytes left, but no record slot for a third TRANSMIT.
            Assert.IsFalse(b.Fits(1));
        }

        [TestMethod]
        public void Refusing_all_lists_every_buffered_transmit_with_minus_the_code_and_clear_drops_the_bytes()
        {
            var b = new ReceiveBuffer(16, 4);
            b.Append(new byte[3], 0, 3, 21);
            b.Append(new byte[4], 0, 4, 22);
            Assert.AreEqual(2, b.RefuseAll(HssError.NotConnected));
            Assert.AreEqual((ushort)21, b.AckMsgId[0]);
            Assert.AreEqual((ushort)22, b.AckMsgId[1]);
            Assert.AreEqual(-HssError.NotConnected, b.AckValue[1]);
            Assert.AreEqual(0, b.RecordCount);
            Assert.AreEqual(7, b.Clear());
            Assert.AreEqual(0, b.Count);
        }
    }
}
