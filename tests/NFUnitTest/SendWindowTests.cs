using HssDevice.Engine;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>One socket's send window on its own: unsent bytes, TRANSMITs in flight, coalescing, datagrams.</summary>
    [TestClass]
    public class SendWindowTests
    {
        [TestMethod]
        public void Written_bytes_are_unsent_until_taken_and_held_until_acknowledged()
        {
            var w = new SendWindow(100, 40, true);
            Assert.AreEqual(30, w.Write(TestData.Pattern(30, 1), 0, 30));
            Assert.AreEqual(30, w.Unsent);
            Assert.IsTrue(w.MayFlushNow, "nothing in flight: the first bytes go at once");
            var tx = new byte[50];
            Assert.AreEqual(30, w.TakeTransmit(tx, 10));
            Assert.AreEqual(TestData.Pattern(30, 1)[29], tx[39]);
            Assert.AreEqual(0, w.Unsent);
            Assert.AreEqual(30, w.InFlightBytes);
            Assert.AreEqual(1, w.InFlightCount);
            Assert.IsFalse(w.IsDrained);
            w.OnAcknowledged(30, false);
            Assert.IsTrue(w.IsDrained);
            Assert.AreEqual(0, w.InFlightCount);
            Assert.AreEqual(100, w.Free);
        }

        [TestMethod]
        public void With_a_transmit_in_flight_less_than_a_full_transmit_waits_for_its_ack()
        {
            var w = new SendWindow(100, 40, true);
            w.Write(new byte[10], 0, 10);
            w.TakeTransmit(new byte[40], 0);
            w.Write(new byte[39], 0, 39);
            Assert.IsTrue(w.WaitsForAck);
            Assert.IsFalse(w.MayFlushNow);
            w.Write(new byte[1], 0, 1);
            Assert.IsFalse(w.WaitsForAck, "a full TRANSMIT's worth goes without waiting");
            Assert.IsTrue(w.MayFlushNow);
            Assert.AreEqual(40, w.TakeTransmit(new byte[40], 0));
            Assert.AreEqual(2, w.InFlightCount);
        }

        [TestMethod]
        public void The_ack_it_waited_for_lets_the_coalesced_bytes_go_as_one_transmit()
        {
            var w = new SendWindow(100, 40, true);
            w.Write(new byte[5], 0, 5);
            w.TakeTransmit(new byte[40], 0);
            w.Write(new byte[3], 0, 3);
            w.Write(new byte[4], 0, 4);
            Assert.IsFalse(w.MayFlushNow);
            w.OnAcknowledged(5, false);
            Assert.IsTrue(w.MayFlushNow);
            Assert.AreEqual(7, w.TakeTransmit(new byte[40], 0));
        }

        [TestMethod]
        public void Without_coalescing_unsent_bytes_never_wait()
        {
            var w = new SendWindow(100, 40, false);
            w.Write(new byte[5], 0, 5);
            w.TakeTransmit(new byte[40], 0);
            w.Write(new byte[1], 0, 1);
            Assert.IsFalse(w.WaitsForAck);
            Assert.IsTrue(w.MayFlushNow);
        }

        [TestMethod]
        public void A_take_is_at_most_one_full_transmit_and_the_ring_bounds_writes()
        {
            var w = new SendWindow(100, 40, true);
            Assert.AreEqual(100, w.Write(new byte[150], 0, 150));
            Assert.AreEqual(0, w.Free);
            Assert.IsFalse(w.IsWritable(false));
            Assert.AreEqual(40, w.TakeTransmit(new byte[40], 0));
            Assert.AreEqual(60, w.Unsent);
            Assert.IsTrue(w.MayFlushNow, "a full TRANSMIT's worth is unsent");
        }

        [TestMethod]
        public void Datagrams_count_in_flight_without_entering_the_ring()
        {
            var w = new SendWindow(100, 60, true);
            Assert.IsTrue(w.DatagramFits(60));
            w.OnDatagramSent(60);
            Assert.IsFalse(w.DatagramFits(41));
            Assert.IsTrue(w.DatagramFits(40));
            Assert.IsTrue(w.IsWritable(true));
            Assert.IsTrue(w.IsDrained, "a datagram never enters the ring");
            Assert.AreEqual(0, w.Unsent);
            w.OnAcknowledged(60, true);
            Assert.AreEqual(0, w.InFlightBytes);
            Assert.AreEqual(100, w.Free);
        }

        [TestMethod]
        public void Clear_drops_unsent_and_in_flight()
        {
            var w = new SendWindow(100, 40, true);
            w.Write(new byte[50], 0, 50);
            w.TakeTransmit(new byte[40], 0);
            w.Clear();
            Assert.IsTrue(w.IsDrained);
            Assert.AreEqual(0, w.InFlightBytes);
            Assert.AreEqual(0, w.InFlightCount);
            Assert.IsFalse(w.MayFlushNow);
        }
    }
}
