using System;
using System.IO;
using System.Threading;
using HssDevice.Transport.SinglePipe;
using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>
    /// The single-pipe link (StreamLink) over a stream that takes and gives bytes in chunks of 1, 5, 12, 13 and 64:
    /// packets go out whole and back to back, reads return what the stream delivers, link loss reads as 0 once,
    /// reconnection resumes, Close wakes a blocked reader.
    /// </summary>
    [TestClass]
    public class StreamLinkTests
    {
        // Waits here are safety nets against a hung test, never part of what is checked.
        // Generous: with 1-byte chunks every byte yields the CPU, and a loaded CI machine may take a minute.
        private const int Hang = 120000;

        private const int Writers = 4;
        private const int PacketsPerWriter = 25;

        // A TRANSMIT of 5 bytes, an ACK, a CLOSE and a TRANSMIT of 0 bytes, back to back.
        private const string Packets =
            "03 00 08 00 01 00 00 00 05 00 00 00 68 65 6c 6c 6f " +
            "04 00 03 00 01 00 00 00 03 00 00 00 01 00 00 " +
            "06 00 07 00 01 00 00 00 00 00 00 00 " +
            "03 00 09 00 01 00 00 00 00 00 00 00";

        private static readonly int[] PacketLengths = new int[] { 17, 15, 12, 12 };

        private static StreamLink _sharedLink;
        private static int _readResult;
        private static Exception _readError;
        private static byte[] _readBuffer;
        private static int _writerFailures;
        private static int _nextWriterId;

        [TestMethod]
        [DataRow(1)]
        [DataRow(5)]
        [DataRow(12)]
        [DataRow(13)]
        [DataRow(64)]
        public void Packets_go_out_whole_and_back_to_back(int chunkLimit)
        {
            var stream = new ChunkedStream(chunkLimit);
            var link = new StreamLink(stream, true);
            byte[] bytes = Hex.Parse(Packets);

            int offset = 0;
            for (int i = 0; i < PacketLengths.Length; i++)
            {
                // The ACK and the CLOSE are command packets: in this profile they share the pipe with data.
                if (i == 1 || i == 2)
                {
                    link.WriteCommand(bytes, offset, PacketLengths[i]);
                }
                else
                {
                    link.WriteData(bytes, offset, PacketLengths[i]);
                }

                offset += PacketLengths[i];
            }

            // No framing of the link's own: the pipe carries exactly the packets.
            Hex.AssertBytes(Packets, stream.Written(), 0, bytes.Length);
            Assert.AreEqual(bytes.Length, stream.Written().Length);

            // Each packet was one Write, which the stream took in pieces of at most chunkLimit bytes.
            int pieces = 0;
            for (int i = 0; i < PacketLengths.Length; i++)
            {
                pieces += (PacketLengths[i] + chunkLimit - 1) / chunkLimit;
            }

            Assert.AreEqual(pieces, stream.WriteChunks);
        }

        [TestMethod]
        [DataRow(1)]
        [DataRow(5)]
        [DataRow(12)]
        [DataRow(13)]
        [DataRow(64)]
        public void Concurrent_writers_never_interleave_a_packet(int chunkLimit)
        {
            var stream = new ChunkedStream(chunkLimit);
            _sharedLink = new StreamLink(stream, true);
            _writerFailures = 0;
            _nextWriterId = 0;

            Thread[] threads = new Thread[Writers];
            for (int w = 0; w < Writers; w++)
            {
                threads[w] = new Thread(new ThreadStart(WriteManyPackets));
                threads[w].Start();
            }

            for (int w = 0; w < Writers; w++)
            {
                Assert.IsTrue(threads[w].Join(Hang), "writer hung");
            }

            Assert.AreEqual(0, _writerFailures);
            Assert.AreEqual(0, stream.OverlappingWrites, "two packets were being written at once");

            // Every packet comes out whole: its payload bytes all carry its sock_id, and each writer's count is right.
            byte[] written = stream.Written();
            var reassembler = new PacketReassembler(1024);
            int[] perWriter = new int[Writers + 1];
            int used = 0;
            while (used < written.Length)
            {
                used += reassembler.Feed(written, used, written.Length - used);
                if (reassembler.HasPacket)
                {
                    byte[] packet = reassembler.PacketBuffer;
                    uint sockId = ByteOrder.ReadUInt32LE(packet, HssLayout.SockIdOffset);
                    Assert.IsTrue(sockId >= 1 && sockId <= Writers, "sock_id " + sockId.ToString());
                    for (int i = HssLayout.HeaderSize; i < reassembler.PacketLength; i++)
                    {
                        Assert.AreEqual((byte)sockId, packet[i], "a byte of another writer inside a packet");
                    }

                    perWriter[sockId]++;
                    reassembler.Release();
                }

                Assert.IsFalse(reassembler.FramingLost, "packet boundaries lost");
            }

            Assert.AreEqual(0, reassembler.Pending);
            for (int w = 1; w <= Writers; w++)
            {
                Assert.AreEqual(PacketsPerWriter, perWriter[w], "packets of writer " + w.ToString());
            }
        }

        [TestMethod]
        [DataRow(1)]
        [DataRow(5)]
        [DataRow(12)]
        [DataRow(13)]
        [DataRow(64)]
        public void Reads_return_what_the_stream_delivers(int chunkLimit)
        {
            var stream = new ChunkedStream(chunkLimit);
            var link = new StreamLink(stream, true);
            byte[] bytes = Hex.Parse(Packets);
            stream.Deliver(bytes, 0, bytes.Length);

            byte[] received = new byte[bytes.Length];
            byte[] buffer = new byte[64];
            int total = 0;
            while (total < bytes.Length)
            {
                int n = link.ReadData(buffer, 0, buffer.Length);
                int expected = bytes.Length - total < chunkLimit ? bytes.Length - total : chunkLimit;
                expected = expected < buffer.Length ? expected : buffer.Length;
                Assert.AreEqual(expected, n, "a read returns what the stream gave, no more, no less");
                Array.Copy(buffer, 0, received, total, n);
                total += n;
            }

            Hex.AssertBytes(Packets, received, 0, received.Length);
        }

        [TestMethod]
        public void Reads_honour_the_callers_buffer_range()
        {
            var stream = new ChunkedStream(64);
            var link = new StreamLink(stream, true);
            byte[] bytes = Hex.Parse(Packets);
            stream.Deliver(bytes, 0, bytes.Length);

            byte[] buffer = new byte[20];
            int n = link.ReadData(buffer, 3, 7);
            Assert.AreEqual(7, n);
            Hex.AssertBytes("00 00 00 03 00 08 00 01 00 00 00 00 00 00 00 00 00 00 00 00", buffer, 0, buffer.Length);
        }

        [TestMethod]
        public void Stream_link_is_single_pipe_and_refuses_command_reads()
        {
            var link = new StreamLink(new ChunkedStream(64), true);
            Assert.IsFalse(link.HasCommandPipe);
            Assert.ThrowsException(typeof(NotSupportedException), () => link.ReadCommand(new byte[64], 0, 64));
        }

        [TestMethod]
        public void Bad_arguments_are_rejected()
        {
            var link = new StreamLink(new ChunkedStream(64), true);
            Assert.ThrowsException(typeof(ArgumentNullException), () => link.WriteData(null, 0, 0));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => link.WriteData(new byte[4], 2, 3));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => link.ReadData(new byte[4], -1, 1));
            Assert.ThrowsException(typeof(ArgumentNullException), () => new StreamLink(null, true));
        }

        [TestMethod]
        public void Disconnect_makes_a_pending_read_return_zero()
        {
            var stream = new ChunkedStream(64);
            _sharedLink = new StreamLink(stream, true);
            Thread reader = StartReader();
            Assert.IsTrue(stream.ReaderWaiting.WaitOne(Hang, false), "reader never blocked");

            // The connection event, then UsbStream's ReadTimeout lets the blocked read look at the link again.
            _sharedLink.SetConnected(false);
            stream.ExpireReadTimeout();

            Assert.IsTrue(reader.Join(Hang), "pending read not woken by the disconnect");
            Assert.IsNull(_readError);
            Assert.AreEqual(0, _readResult);
            Assert.IsFalse(_sharedLink.IsUp);
        }

        [TestMethod]
        public void Disconnect_makes_the_next_read_return_zero_once_then_reconnect_resumes()
        {
            var stream = new ChunkedStream(5);
            _sharedLink = new StreamLink(stream, true);
            _sharedLink.SetConnected(false);
            Assert.AreEqual(0, _sharedLink.ReadData(new byte[16], 0, 16));

            // Down already reported: the next read waits for the link to come back, then gets the new bytes.
            Thread reader = StartReader();
            _sharedLink.SetConnected(true);
            stream.Deliver(Hex.Parse("03 00 01 00"), 0, 4);
            Assert.IsTrue(reader.Join(Hang), "read did not resume after reconnect");
            Assert.IsNull(_readError);
            Assert.AreEqual(4, _readResult);
            Hex.AssertBytes("03 00 01 00", _readBuffer, 0, 4);
            Assert.IsTrue(_sharedLink.IsUp);
        }

        [TestMethod]
        public void A_stream_that_loses_the_host_reports_down_before_the_event_arrives()
        {
            var stream = new ChunkedStream(13);
            var link = new StreamLink(stream, true);
            stream.Disconnect();
            Assert.AreEqual(0, link.ReadData(new byte[16], 0, 16));
            Assert.IsInstanceOfType(link.LastReadError, typeof(InvalidOperationException));
            Assert.IsFalse(link.IsUp);

            // The event follows: no second report. Reconnect: reads resume.
            link.SetConnected(false);
            link.SetConnected(true);
            stream.Connect();
            stream.Deliver(Hex.Parse("06 00 07 00 01 00 00 00 00 00 00 00"), 0, 12);
            byte[] buffer = new byte[16];
            Assert.AreEqual(12, link.ReadData(buffer, 0, 16));
            Hex.AssertBytes("06 00 07 00 01 00 00 00 00 00 00 00", buffer, 0, 12);
        }

        [TestMethod]
        public void A_read_failure_the_event_does_not_explain_is_retried()
        {
            var stream = new ChunkedStream(12);
            var link = new StreamLink(stream, true);
            link.ReadRetryDelay = 0;
            stream.Disconnect();
            Assert.AreEqual(0, link.ReadData(new byte[16], 0, 16));

            // The connection input still says connected: after the retry delay the link reads the stream again.
            stream.Connect();
            stream.Deliver(Hex.Parse("01 02 03"), 0, 3);
            Assert.AreEqual(3, link.ReadData(new byte[16], 0, 16));
            Assert.IsTrue(link.IsUp);
        }

        [TestMethod]
        public void The_end_of_the_stream_is_link_down()
        {
            var stream = new ChunkedStream(64);
            var link = new StreamLink(stream, true);
            stream.Deliver(Hex.Parse("01 02"), 0, 2);
            stream.End();
            Assert.AreEqual(2, link.ReadData(new byte[16], 0, 16));
            Assert.AreEqual(0, link.ReadData(new byte[16], 0, 16));
            Assert.IsInstanceOfType(link.LastReadError, typeof(IOException));
        }

        [TestMethod]
        public void A_link_that_starts_down_waits_for_the_host_without_reporting_zero()
        {
            var stream = new ChunkedStream(64);
            _sharedLink = new StreamLink(stream, false);
            Assert.IsFalse(_sharedLink.IsUp);
            Thread reader = StartReader();
            stream.Deliver(Hex.Parse("0a"), 0, 1);
            _sharedLink.SetConnected(true);
            Assert.IsTrue(reader.Join(Hang));
            Assert.IsNull(_readError);
            Assert.AreEqual(1, _readResult);
        }

        [TestMethod]
        public void Writes_while_down_fail_with_IOException()
        {
            var stream = new ChunkedStream(64);
            var link = new StreamLink(stream, true);
            link.SetConnected(false);
            Assert.ThrowsException(typeof(IOException), () => link.WriteData(new byte[12], 0, 12));
            Assert.AreEqual(0, stream.Written().Length);
        }

        [TestMethod]
        public void A_stream_write_failure_becomes_IOException()
        {
            var stream = new ChunkedStream(64);
            var link = new StreamLink(stream, true);
            stream.Disconnect();
            Assert.ThrowsException(typeof(IOException), () => link.WriteCommand(new byte[12], 0, 12));
        }

        [TestMethod]
        public void Close_unblocks_a_blocked_read()
        {
            var stream = new ChunkedStream(64);
            _sharedLink = new StreamLink(stream, true);
            Thread reader = StartReader();
            Assert.IsTrue(stream.ReaderWaiting.WaitOne(Hang, false), "reader never blocked");

            _sharedLink.Close();

            Assert.IsTrue(reader.Join(Hang), "Close did not wake the blocked read");
            Assert.IsInstanceOfType(_readError, typeof(ObjectDisposedException));
            Assert.IsTrue(stream.IsClosed);
            Assert.ThrowsException(typeof(ObjectDisposedException), () => _sharedLink.ReadData(new byte[4], 0, 4));
            Assert.ThrowsException(typeof(ObjectDisposedException), () => _sharedLink.WriteData(new byte[4], 0, 4));
        }

        [TestMethod]
        public void Close_unblocks_a_read_waiting_for_the_link_to_come_back()
        {
            var stream = new ChunkedStream(64);
            _sharedLink = new StreamLink(stream, true);
            _sharedLink.SetConnected(false);
            Assert.AreEqual(0, _sharedLink.ReadData(new byte[4], 0, 4));
            Thread reader = StartReader();

            _sharedLink.Close();

            Assert.IsTrue(reader.Join(Hang), "Close did not wake the waiting read");
            Assert.IsInstanceOfType(_readError, typeof(ObjectDisposedException));
        }

        private static Thread StartReader()
        {
            _readResult = -1;
            _readError = null;
            _readBuffer = new byte[64];
            var reader = new Thread(new ThreadStart(ReadOnce));
            reader.Start();
            return reader;
        }

        private static void ReadOnce()
        {
            try
            {
                _readResult = _sharedLink.ReadData(_readBuffer, 0, _readBuffer.Length);
            }
            catch (Exception e)
            {
                _readError = e;
            }
        }

        private static void WriteManyPackets()
        {
            // Each writer takes the next sock_id (1..Writers) and fills its payloads with that byte.
            uint sockId = (uint)Interlocked.Increment(ref _nextWriterId);
            byte[] packet = new byte[HssLayout.HeaderSize + 40];
            try
            {
                for (int i = 0; i < PacketsPerWriter; i++)
                {
                    int payload = (i * 7) % 41;
                    PacketWriter.WriteTransmitHeader(packet, 0, i, sockId, payload);
                    for (int b = 0; b < payload; b++)
                    {
                        packet[HssLayout.HeaderSize + b] = (byte)sockId;
                    }

                    _sharedLink.WriteData(packet, 0, HssLayout.HeaderSize + payload);
                }
            }
            catch (Exception)
            {
                Interlocked.Increment(ref _writerFailures);
            }
        }
    }
}
