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
            var acks = new TransmitAckBatch(4);
            Assert.AreEqual(4, b.TakeStream(into, 0, 4, acks));
            Assert.AreEqual(1, acks.Count);
            Assert.AreEqual((ushort)10, acks.MsgIdAt(0));
            Assert.AreEqual(3, acks.ValueAt(0));
            Assert.AreEqual((byte)4, into[3]);
            Assert.AreEqual(1, b.RecordCount);
            acks.Clear();
            Assert.AreEqual(1, b.TakeStream(into, 0, 4, acks));
            Assert.AreEqual(1, acks.Count);
            Assert.AreEqual((ushort)11, acks.MsgIdAt(0));
            Assert.AreEqual(2, acks.ValueAt(0));
            Assert.AreEqual(0, b.Count);
        }

        [TestMethod]
        public void A_datagram_read_cut_to_the_buffer_discards_the_rest_and_acks_its_whole_length()
        {
            var b = new ReceiveBuffer(64, 4);
            b.Append(new byte[] { 1, 2, 3, 4, 5 }, 0, 5, 7);
            b.Append(new byte[] { 9 }, 0, 1, 8);
            var into = new byte[2];
            var acks = new TransmitAckBatch(4);
            int released;
            Assert.AreEqual(2, b.TakeDatagram(into, 0, 2, acks, out released));
            Assert.AreEqual(5, released);
            Assert.AreEqual(5, acks.ValueAt(0));
            Assert.AreEqual((ushort)7, acks.MsgIdAt(0));
            Assert.AreEqual(1, b.TakeDatagram(into, 0, 2, acks, out released));
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
            var acks = new TransmitAckBatch(4);
            Assert.AreEqual(2, b.RefuseAll(HssError.NotConnected, acks));
            Assert.AreEqual(2, acks.Count);
            Assert.AreEqual((ushort)21, acks.MsgIdAt(0));
            Assert.AreEqual((ushort)22, acks.MsgIdAt(1));
            Assert.AreEqual(-HssError.NotConnected, acks.ValueAt(1));
            Assert.AreEqual(0, b.RecordCount);
            Assert.AreEqual(7, b.Clear());
            Assert.AreEqual(0, b.Count);
        }

        [TestMethod]
        public void A_read_the_host_forgot_lists_no_ack()
        {
            var b = new ReceiveBuffer(16, 4);
            b.Append(new byte[3], 0, 3, 31);
            Assert.AreEqual(3, b.TakeStream(new byte[8], 0, 8, null));
            Assert.AreEqual(0, b.RecordCount);
        }
    }
}
