using System;
using System.IO;
using System.Threading;
using HssDevice.Transport.NativeUsb;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>
    /// NativeUsbLink over a fake native function: short reads pass through, LINK_RESET reads as 0 once, a data write
    /// is handed over in the pieces the function takes and ends one transfer, a call that gets 0 waits for the
    /// wake handler (no polling), link-down writes throw, Close wakes every waiter.
    /// </summary>
    [TestClass]
    public class NativeUsbLinkTests
    {
        // A pause that lets a waiting thread poll if it were going to; never what a result depends on.
        private const int Settle = 100;

        [TestMethod]
        [DataRow(1)]
        [DataRow(5)]
        [DataRow(64)]
        public void Reads_return_what_the_function_gives_a_short_read_at_a_time(int chunk)
        {
            var function = new FakeNativeUsbFunction(false);
            function.ReadChunk = chunk;
            var link = new NativeUsbLink(function);
            byte[] sent = Hex.Parse("03 00 08 00 01 00 00 00 05 00 00 00 68 65 6c 6c 6f");
            function.QueueData(sent);

            byte[] got = new byte[sent.Length];
            int total = 0;
            while (total < sent.Length)
            {
                int n = link.ReadData(got, total, got.Length - total);
                Assert.IsTrue(n > 0 && n <= chunk, "read " + n + " with chunk " + chunk);
                total += n;
            }

            Hex.AssertBytes("03 00 08 00 01 00 00 00 05 00 00 00 68 65 6c 6c 6f", got, 0, got.Length);
        }

        [TestMethod]
        public void A_command_read_returns_one_whole_packet()
        {
            var function = new FakeNativeUsbFunction(false);
            var link = new NativeUsbLink(function);
            function.QueueCommand(Hex.Parse("04 00 03 00 01 00 00 00 03 00 00 00 01 00 00"));
            function.QueueCommand(Hex.Parse("06 00 07 00 01 00 00 00 00 00 00 00"));

            byte[] buffer = new byte[64];
            Assert.AreEqual(15, link.ReadCommand(buffer, 0, 64));
            Hex.AssertBytes("04 00 03 00 01 00 00 00 03 00 00 00 01 00 00", buffer, 0, 15);
            Assert.AreEqual(12, link.ReadCommand(buffer, 3, 61));
            Hex.AssertBytes("06 00 07 00 01 00 00 00 00 00 00 00", buffer, 3, 12);
            Assert.IsTrue(link.HasCommandPipe);
        }

        [TestMethod]
        public void A_data_read_with_nothing_queued_waits_for_the_handler_without_polling()
        {
            var function = new FakeNativeUsbFunction(false);
            var link = new NativeUsbLink(function);
            byte[] buffer = new byte[16];
            int read = -1;
            Background reader = Background.Start(() => { read = link.ReadData(buffer, 0, 16); });

            Wait.Until(() => function.ReadDataCalls >= 1);
            Thread.Sleep(Settle);
            Assert.IsFalse(reader.Finished, "the read returned with nothing queued");
            Assert.AreEqual(1, function.ReadDataCalls, "the read polled instead of waiting");

            // Bytes alone do not wake the reader; the function's event does.
            function.QueueData(Hex.Parse("aa bb cc"));
            function.Raise(NativeUsbEvents.DataReadable);
            reader.Join();
            Assert.AreEqual(3, read);
            Hex.AssertBytes("aa bb cc", buffer, 0, 3);
        }

        [TestMethod]
        public void A_command_read_wakes_on_its_own_event_only()
        {
            var function = new FakeNativeUsbFunction(false);
            var link = new NativeUsbLink(function);
            byte[] buffer = new byte[64];
            int read = -1;
            Background reader = Background.Start(() => { read = link.ReadCommand(buffer, 0, 64); });
            Wait.Until(() => function.ReadCommandCalls >= 1);

            // Data and write events are other roles' business.
            function.Raise(NativeUsbEvents.DataReadable | NativeUsbEvents.DataWritable | NativeUsbEvents.CommandWritable);
            Thread.Sleep(Settle);
            Assert.AreEqual(1, function.ReadCommandCalls, "a wake-up of another role woke the command reader");

            function.QueueCommand(Hex.Parse("06 00 07 00 01 00 00 00 00 00 00 00"));
            function.Raise(NativeUsbEvents.CommandReadable);
            reader.Join();
            Assert.AreEqual(12, read);
        }

        [TestMethod]
        public void Link_reset_reads_as_0_once_then_reads_wait_for_the_next_session()
        {
            var function = new FakeNativeUsbFunction(false);
            var link = new NativeUsbLink(function);
            byte[] buffer = new byte[64];
            int dataRead = -1;
            int commandRead = -1;
            Background dataReader = Background.Start(() => { dataRead = link.ReadData(buffer, 0, 32); });
            Background commandReader = Background.Start(() => { commandRead = link.ReadCommand(new byte[64], 0, 64); });
            Wait.Until(() => function.ReadDataCalls >= 1 && function.ReadCommandCalls >= 1);

            function.GoDown();
            function.Raise(NativeUsbEvents.LinkChanged);
            dataReader.Join();
            commandReader.Join();
            Assert.AreEqual(0, dataRead, "LINK_RESET must read as 0 (link went down)");
            Assert.AreEqual(0, commandRead, "LINK_RESET must read as 0 (link went down)");
            Assert.IsFalse(link.IsUp);

            // Once only: the next read waits for bytes of the next session.
            dataRead = -1;
            int callsBefore = function.ReadDataCalls;
            dataReader = Background.Start(() => { dataRead = link.ReadData(buffer, 0, 32); });
            Wait.Until(() => function.ReadDataCalls > callsBefore);
            Thread.Sleep(Settle);
            Assert.IsFalse(dataReader.Finished, "a second 0 was reported for one link-down");

            function.GoUp();
            function.QueueData(Hex.Parse("01 02"));
            function.Raise(NativeUsbEvents.LinkChanged | NativeUsbEvents.DataReadable);
            dataReader.Join();
            Assert.AreEqual(2, dataRead);
            Assert.IsTrue(link.IsUp);
        }

        [TestMethod]
        [DataRow(1)]
        [DataRow(5)]
        [DataRow(16)]
        public void A_data_write_goes_over_in_the_pieces_the_function_takes_and_ends_one_transfer(int room)
        {
            var function = new FakeNativeUsbFunction(false);
            function.WriteRoom = room;
            var link = new NativeUsbLink(function);
            byte[] packet = Hex.Parse("03 00 08 00 01 00 00 00 05 00 00 00 68 65 6c 6c 6f");
            Background writer = Background.Start(() => link.WriteData(packet, 0, packet.Length));

            // Each time the queue is full, the writer waits until the function says there is room again.
            int given = room;
            while (!writer.Finished)
            {
                // The writer's last call found the queue full: it waits now (or is about to).
                Wait.Until(() => writer.Finished || function.WriteRoom == 0 && function.LastDataWriteTaken == 0);
                if (!writer.Finished)
                {
                    function.WriteRoom = room;
                    given += room;
                    function.Raise(NativeUsbEvents.DataWritable);
                }

                Assert.IsTrue(given < 200, "the writer did not finish");
            }

            writer.Join();
            Hex.AssertBytes("03 00 08 00 01 00 00 00 05 00 00 00 68 65 6c 6c 6f", function.DataWritten(), 0, packet.Length);
            Assert.AreEqual(packet.Length, function.DataWritten().Length);
            Assert.AreEqual(1, function.TransferEnds, "one IHssLink write is one transfer: " + function.DataWriteLog());

            // Every call carries the rest of the transfer with endOfTransfer, so it ends with the last byte taken.
            if (room == 5)
            {
                Assert.AreEqual("17/5/end 12/0/end 12/5/end 7/0/end 7/5/end 2/0/end 2/2/end", function.DataWriteLog());
            }
        }

        [TestMethod]
        public void A_full_command_queue_makes_the_writer_wait_for_room()
        {
            var function = new FakeNativeUsbFunction(false);
            function.CommandRoom = 0;
            var link = new NativeUsbLink(function);
            byte[] ack = Hex.Parse("04 00 03 00 01 00 00 00 03 00 00 00 01 00 00");
            Background writer = Background.Start(() => link.WriteCommand(ack, 0, ack.Length));
            Wait.Until(() => function.WriteCommandCalls >= 1);
            Thread.Sleep(Settle);
            Assert.IsFalse(writer.Finished);
            Assert.AreEqual(1, function.WriteCommandCalls, "the writer polled instead of waiting");

            function.CommandRoom = 1;
            function.Raise(NativeUsbEvents.CommandWritable);
            writer.Join();
            Assert.AreEqual(1, function.CommandsWritten);
            Hex.AssertBytes("04 00 03 00 01 00 00 00 03 00 00 00 01 00 00", function.CommandWritten(0), 0, 15);
        }

        [TestMethod]
        public void Writes_on_a_link_that_is_down_throw_IOException()
        {
            var function = new FakeNativeUsbFunction(false);
            var link = new NativeUsbLink(function);
            function.GoDown();
            Assert.ThrowsException(typeof(IOException), () => link.WriteData(new byte[12], 0, 12));
            Assert.ThrowsException(typeof(IOException), () => link.WriteCommand(new byte[12], 0, 12));
        }

        [TestMethod]
        public void A_writer_waiting_for_room_fails_when_the_link_goes_down()
        {
            var function = new FakeNativeUsbFunction(false);
            function.WriteRoom = 0;
            var link = new NativeUsbLink(function);
            Background writer = Background.Start(() => link.WriteData(new byte[100], 0, 100));
            Wait.Until(() => function.WriteDataCalls >= 1);

            function.GoDown();
            function.Raise(NativeUsbEvents.LinkChanged);
            AssertFailsWith(writer, typeof(IOException));
        }

        [TestMethod]
        public void Other_native_failures_surface_as_IOException_naming_the_status()
        {
            var function = new FakeNativeUsbFunction(false);
            var link = new NativeUsbLink(function);
            function.FailWith = NativeUsbStatus.Port;
            string message = null;
            try
            {
                link.ReadData(new byte[8], 0, 8);
            }
            catch (IOException e)
            {
                message = e.Message;
            }

            Assert.IsNotNull(message, "expected IOException");
            Assert.IsTrue(message.IndexOf("Port") >= 0, message);

            Assert.ThrowsException(typeof(IOException), () => link.ReadCommand(new byte[64], 0, 64));
            Assert.ThrowsException(typeof(IOException), () => link.WriteData(new byte[8], 0, 8));
        }

        [TestMethod]
        public void Close_wakes_every_blocked_reader_and_writer()
        {
            var function = new FakeNativeUsbFunction(false);
            function.WriteRoom = 0;
            function.CommandRoom = 0;
            var link = new NativeUsbLink(function);
            Background dataReader1 = Background.Start(() => link.ReadData(new byte[8], 0, 8));
            Background dataReader2 = Background.Start(() => link.ReadData(new byte[8], 0, 8));
            Background commandReader = Background.Start(() => link.ReadCommand(new byte[64], 0, 64));
            Background dataWriter = Background.Start(() => link.WriteData(new byte[8], 0, 8));
            Background commandWriter = Background.Start(() => link.WriteCommand(new byte[12], 0, 12));
            Wait.Until(() => function.ReadDataCalls >= 2 && function.ReadCommandCalls >= 1
                && function.WriteDataCalls >= 1 && function.WriteCommandCalls >= 1);

            link.Close();
            AssertFailsWith(dataReader1, typeof(ObjectDisposedException));
            AssertFailsWith(dataReader2, typeof(ObjectDisposedException));
            AssertFailsWith(commandReader, typeof(ObjectDisposedException));
            AssertFailsWith(dataWriter, typeof(ObjectDisposedException));
            AssertFailsWith(commandWriter, typeof(ObjectDisposedException));
            Assert.AreEqual(1, function.CloseCalls);
            Assert.IsFalse(function.HasHandler, "Close leaves the handler installed");

            link.Close();
            Assert.AreEqual(1, function.CloseCalls, "a second Close closed the function again");
            Assert.ThrowsException(typeof(ObjectDisposedException), () => link.ReadData(new byte[4], 0, 4));
            Assert.ThrowsException(typeof(ObjectDisposedException), () => link.WriteData(new byte[4], 0, 4));
        }

        [TestMethod]
        public void Single_pipe_sends_commands_as_whole_transfers_on_the_data_pipe()
        {
            var function = new FakeNativeUsbFunction(true);
            function.WriteRoom = 7;
            var link = new NativeUsbLink(function);
            Assert.IsFalse(link.HasCommandPipe);
            Assert.ThrowsException(typeof(NotSupportedException), () => link.ReadCommand(new byte[64], 0, 64));

            byte[] close = Hex.Parse("06 00 07 00 01 00 00 00 00 00 00 00");
            Background writer = Background.Start(() => link.WriteCommand(close, 0, close.Length));
            Wait.Until(() => function.WriteRoom == 0 && function.WriteDataCalls >= 2);
            function.WriteRoom = 64;
            function.Raise(NativeUsbEvents.DataWritable);
            writer.Join();
            Assert.AreEqual(0, function.WriteCommandCalls);
            Assert.AreEqual(1, function.TransferEnds);
            Hex.AssertBytes("06 00 07 00 01 00 00 00 00 00 00 00", function.DataWritten(), 0, 12);
        }

        [TestMethod]
        public void Arguments_are_checked_before_the_function_is_called()
        {
            var function = new FakeNativeUsbFunction(false);
            var link = new NativeUsbLink(function);
            Assert.ThrowsException(typeof(ArgumentNullException), () => new NativeUsbLink(null));
            Assert.ThrowsException(typeof(ArgumentNullException), () => link.WriteData(null, 0, 0));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => link.WriteData(new byte[4], 2, 3));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => link.ReadData(new byte[4], -1, 1));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => link.ReadData(new byte[4], 0, 0));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => link.ReadCommand(new byte[4], 0, 5));
            Assert.AreEqual(0, function.ReadDataCalls + function.WriteDataCalls + function.ReadCommandCalls);
        }

        private static void AssertFailsWith(Background call, Type expected)
        {
            Exception error = null;
            try
            {
                call.Join();
            }
            catch (BackgroundException e)
            {
                error = e.InnerException;
            }

            Assert.IsNotNull(error, "expected " + expected.Name);
            Assert.IsInstanceOfType(error, expected, error.Message);
        }
    }
}
