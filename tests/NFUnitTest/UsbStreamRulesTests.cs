using System;
using System.Threading;
using HssDevice.Engine;
using HssDevice.Transport.SinglePipe;
using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>
    /// The single-pipe link over stock firmware's UsbStream (StockUsbStream enforces its rules): reads aligned and of
    /// whole packets whatever the caller asks, bytes kept between reads and dropped at link-down, finite timeouts,
    /// and the engine framing afresh after the link went down and came back (a re-enumeration).
    /// </summary>
    [TestClass]
    public class UsbStreamRulesTests
    {
        private const int Hang = 120000;

        private static StreamLink _link;
        private static byte[] _got;
        private static int _gotCount;

        [TestMethod]
        public void The_fake_refuses_what_the_firmware_refuses()
        {
            var stream = new StockUsbStream();
            byte[] buffer = new byte[256];
            Assert.ThrowsException(typeof(ArgumentException), () => { int ignored = stream.Read(buffer, 2, 64); });
            Assert.ThrowsException(typeof(ArgumentException), () => { int ignored = stream.Read(buffer, 0, 100); });
            Assert.ThrowsException(typeof(ArgumentException), () => { int ignored = stream.Read(buffer, 0, 0); });
            Assert.AreEqual(3, stream.Violations);
        }

        [TestMethod]
        public void Rules_accept_aligned_whole_packet_reads_and_finite_timeouts()
        {
            Assert.IsTrue(UsbStreamRules.IsAllowedRead(0, 64));
            Assert.IsTrue(UsbStreamRules.IsAllowedRead(4, 512));
            Assert.IsFalse(UsbStreamRules.IsAllowedRead(1, 64));
            Assert.IsFalse(UsbStreamRules.IsAllowedRead(0, 63));
            Assert.IsFalse(UsbStreamRules.IsAllowedRead(0, 0));
            Assert.IsFalse(UsbStreamRules.IsAllowedRead(-4, 64));
            UsbStreamRules.CheckTimeout(1, "t");
            UsbStreamRules.CheckTimeout(500, "t");
            UsbStreamRules.CheckTimeout(UsbStreamRules.MaxTimeout, "t");
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => UsbStreamRules.CheckTimeout(Timeout.Infinite, "t"));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => UsbStreamRules.CheckTimeout(0, "t"));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => UsbStreamRules.CheckTimeout(32768, "t"));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => new StreamLink(new StockUsbStream(), true, 100));
        }

        [TestMethod]
        [DataRow(0, 7)]
        [DataRow(3, 7)]
        [DataRow(1, 2060)]
        [DataRow(5, 64)]
        public void Reads_are_aligned_whole_packets_whatever_the_caller_asks(int offset, int count)
        {
            var stream = new StockUsbStream();
            var link = new StreamLink(stream, true);
            byte[] sent = TestData.Pattern(1000, offset + count);
            stream.HostWrite(sent, 0, 1000, true);

            byte[] buffer = new byte[offset + count];
            byte[] received = new byte[1000];
            int total = 0;
            while (total < 1000)
            {
                int n = link.ReadData(buffer, offset, count);
                Assert.IsTrue(n > 0 && n <= count);
                Array.Copy(buffer, offset, received, total, n);
                total += n;
            }

            Assert.AreEqual(1000, total);
            for (int i = 0; i < 1000; i++)
            {
                Assert.AreEqual(sent[i], received[i], "byte " + i.ToString());
            }

            Assert.AreEqual(0, stream.Violations);
            int[] counts = stream.ReadCounts();
            for (int i = 0; i < counts.Length; i++)
            {
                Assert.AreEqual(0, counts[i] % UsbStreamRules.PacketSize, "read " + i.ToString() + " asked " + counts[i].ToString());
            }
        }

        [TestMethod]
        public void Bytes_the_caller_did_not_take_are_dropped_when_the_link_goes_down()
        {
            var stream = new StockUsbStream();
            var link = new StreamLink(stream, true);
            stream.HostWrite(TestData.Pattern(100, 1), 0, 100, true);
            byte[] buffer = new byte[10];
            Assert.AreEqual(10, link.ReadData(buffer, 0, 10));

            link.SetConnected(false);
            Assert.AreEqual(0, link.ReadData(buffer, 0, 10), "link down: 0 once");
            link.SetConnected(true);

            byte[] fresh = TestData.Pattern(5, 9);
            stream.HostWrite(fresh, 0, 5, true);
            Assert.AreEqual(5, link.ReadData(buffer, 0, 10), "only the new session's bytes");
            for (int i = 0; i < 5; i++)
            {
                Assert.AreEqual(fresh[i], buffer[i]);
            }
        }

        [TestMethod]
        public void Whole_packets_without_a_zero_length_packet_wait_and_a_timeout_loses_them()
        {
            // Why the host ends a transfer of whole packets with a ZLP: without it the firmware's read waits for more,
            // and when its ReadTimeout expires the bytes it took are gone.
            var stream = new StockUsbStream();
            stream.ReadTimeoutMs = 50;
            _link = new StreamLink(stream, true);
            stream.HostWrite(TestData.Pattern(128, 2), 0, 128, false);
            Thread reader = new Thread(ReadOnce);
            reader.Start();
            Wait.Until(() => stream.LostBytes == 128);

            byte[] ended = TestData.Pattern(128, 3);
            stream.HostWrite(ended, 0, 128, true);
            Assert.IsTrue(reader.Join(Hang));
            Assert.AreEqual(128, _gotCount);
            for (int i = 0; i < 128; i++)
            {
                Assert.AreEqual(ended[i], _got[i]);
            }
        }

        [TestMethod]
        public void The_engine_frames_afresh_after_the_link_went_down_and_up()
        {
            var stream = new StockUsbStream();
            var link = new StreamLink(stream, true);
            var engine = new HssEngine(link, new HssEngineSettings());
            engine.Start();
            try
            {
                // Half a header of the old session, then a re-enumeration (the firmware's disconnect and connect).
                byte[] open = new byte[64];
                int n = PacketWriter.WriteOpen(open, 0, 77, 5, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream);
                stream.HostWrite(open, 0, 6, true);
                Wait.Until(() => stream.ReadCounts().Length >= 2);
                link.SetConnected(false);
                stream.Disconnect();
                Wait.Until(() => engine.Stats.LinkResets >= 1);
                stream.Connect();
                link.SetConnected(true);

                // The new session's first packet is read from its first byte: the OPEN is refused with an ACK.
                stream.HostWrite(open, 0, n, true);
                Wait.Until(() => stream.Written().Length >= HssLayout.HeaderSize);
                var ack = new HssPacket();
                byte[] written = stream.Written();
                Assert.AreEqual(DecodeStatus.Ok, ack.Decode(written, 0, written.Length, HssLayout.MaxCommandPayload));
                Assert.AreEqual((int)HssOpcode.Ack, (int)ack.Opcode);
                Assert.AreEqual(77, (int)ack.MsgId);
                Assert.AreEqual((int)HssError.InvalidArgument, (int)ack.Code);
                // Lost framing would have reset the link a second time (and sent no ACK for message 77).
                Assert.AreEqual(1, engine.Stats.LinkResets, "framing held");
                Assert.AreEqual(0, stream.Violations);
            }
            finally
            {
                engine.Dispose();
            }
        }

        private static void ReadOnce()
        {
            _got = new byte[256];
            _gotCount = _link.ReadData(_got, 0, 256);
        }
    }
}
