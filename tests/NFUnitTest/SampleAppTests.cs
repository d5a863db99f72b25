using HssDevice.Sample;
using HssDevice.Sockets;
using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>The sample application's own pieces, and one run against the scripted host.</summary>
    [TestClass]
    public class SampleAppTests
    {
        [TestMethod]
        public void Adler32_matches_the_rfc_1950_reference_value()
        {
            var adler = new Adler32();
            byte[] text = System.Text.Encoding.UTF8.GetBytes("Wikipedia");
            adler.Update(text, 0, text.Length);
            Assert.AreEqual(0x11E60398u, adler.Value);
            var empty = new Adler32();
            Assert.AreEqual(1u, empty.Value);
        }

        [TestMethod]
        public void Adler32_is_the_same_in_any_chunking()
        {
            byte[] data = new byte[20000];
            SampleApp.Fill(data, 0, data.Length);
            var whole = new Adler32();
            whole.Update(data, 0, data.Length);
            var parts = new Adler32();
            parts.Update(data, 0, 7);
            parts.Update(data, 7, 9000);
            parts.Update(data, 9007, 20000 - 9007);
            Assert.AreEqual(whole.Value, parts.Value);
        }

        [TestMethod]
        public void Udp_echo_step_passes_against_an_echoing_host_and_fails_against_a_corrupting_one()
        {
            Assert.IsTrue(RunUdpEcho(false).Ok);
            Assert.IsFalse(RunUdpEcho(true).Ok);
        }

        [TestMethod]
        public void Waiting_for_sockets_closed_lasts_until_the_host_answers_the_last_close()
        {
            Rig.Run(rig =>
            {
                SampleResult result = null;
                Background run = Background.Start(() => result = SampleApp.UdpEcho(rig.Engine, HssEndPoint.Parse("127.0.0.1:7"), 1, new NoProgress()));
                rig.Host.Ack(rig.Host.Expect(HssOpcode.Open), HssError.Success);
                rig.Host.Ack(rig.Host.Expect(HssOpcode.Connect), HssError.Success);
                SeenPacket t = rig.Host.Expect(HssOpcode.Transmit);
                rig.Host.AckTransmit(t, t.PayloadLength);
                rig.Host.Transmit(t.SockId, t.Payload, 0, t.PayloadLength);
                rig.Host.Expect(HssOpcode.Ack);
                SeenPacket close = rig.Host.Expect(HssOpcode.Close);
                run.Join();
                Assert.IsTrue(result.Ok);

                Assert.IsFalse(SampleApp.WaitForSocketsClosed(rig.Engine, 50));
                rig.Host.Ack(close, HssError.Success);
                Assert.IsTrue(SampleApp.WaitForSocketsClosed(rig.Engine, 5000));
                Assert.AreEqual(0, rig.Engine.SocketsInUse);
            });
        }

        [TestMethod]
        public void Every_board_gives_valid_engine_settings_with_its_budgets()
        {
            string[] names = HssDevice.Usb.Boards.BoardCatalog.Names;
            Assert.IsTrue(names.Length >= 2);
            for (int i = 0; i < names.Length; i++)
            {
                HssDevice.Usb.BoardSettings board = HssDevice.Usb.Boards.BoardCatalog.Create(names[i]);
                HssDevice.Engine.HssEngineSettings settings = BoardSetup.EngineSettings(board);
                Assert.AreEqual(board.SendWindow, settings.SendWindow, names[i]);
                Assert.AreEqual(board.ReceiveBufferPerSocket, settings.ReceiveBufferPerSocket, names[i]);
                Assert.AreEqual(board.TotalReceiveBudget, settings.ReceiveBudgetTotal, names[i]);
                Assert.AreEqual(board.MaxSockets, settings.MaxSockets, names[i]);
                Assert.AreEqual(board.MaxDataPayload, settings.MaxDataPayload, names[i]);
                Assert.IsTrue(settings.MaxTransmitPayload <= board.MaxDataPayload && settings.MaxTransmitPayload <= board.SendWindow, names[i]);
                Assert.AreEqual(511, (settings.MaxTransmitPayload + 12) % 512, names[i] + ": TRANSMITs end in a short packet");
            }
        }

        [TestMethod]
        public void Transmit_payload_is_aligned_to_end_in_a_short_packet()
        {
            Assert.AreEqual(2035, BoardSetup.PacketAlignedPayload(2048));
            Assert.AreEqual(8179, BoardSetup.PacketAlignedPayload(8192));
            Assert.AreEqual(8179, BoardSetup.PacketAlignedPayload(8690));
            Assert.AreEqual(8691, BoardSetup.PacketAlignedPayload(8691));
            Assert.AreEqual(499, BoardSetup.PacketAlignedPayload(511));
            Assert.AreEqual(499, BoardSetup.PacketAlignedPayload(499));
            Assert.AreEqual(300, BoardSetup.PacketAlignedPayload(300));
        }

        private static SampleResult RunUdpEcho(bool corrupt)
        {
            SampleResult result = null;
            Rig.Run(rig =>
            {
                Background run = Background.Start(() => result = SampleApp.UdpEcho(rig.Engine, HssEndPoint.Parse("127.0.0.1:7"), 3, new NoProgress()));
                rig.Host.Ack(rig.Host.Expect(HssOpcode.Open), HssError.Success);
                rig.Host.Ack(rig.Host.Expect(HssOpcode.Connect), HssError.Success);
                for (int i = 0; i < 3; i++)
                {
                    SeenPacket t = rig.Host.Expect(HssOpcode.Transmit);
                    rig.Host.AckTransmit(t, t.PayloadLength);
                    if (corrupt)
                    {
                        t.Payload[0] ^= 0xFF;
                    }

                    rig.Host.Transmit(t.SockId, t.Payload, 0, t.PayloadLength);
                    rig.Host.Expect(HssOpcode.Ack);
                }

                rig.Host.Ack(rig.Host.Expect(HssOpcode.Close), HssError.Success);
                run.Join();
            });
            return result;
        }

        private sealed class NoProgress : ISampleProgress
        {
            public void Report(string step, int done, int total)
            {
            }

            public void Log(string message)
            {
            }
        }
    }
}
