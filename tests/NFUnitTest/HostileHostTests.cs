using HssDevice.Engine;
using HssDevice.Sockets;
using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>
    /// A host that misbehaves: floods, bad lengths, answers to nothing, TRANSMITs for unknown sockets, no ACKs, lost
    /// framing. The engine answers what the protocol says, counts the rest, stays within its memory budget
    /// (TotalBuffered, PendingRequests) and keeps serving.
    /// </summary>
    [TestClass]
    public class HostileHostTests
    {
        [TestMethod]
        public void Single_pipe_lost_framing_ends_the_session_until_the_link_goes_down()
        {
            Rig.Run(false, Rig.SmallSettings(), rig =>
            {
                HssSocket a = rig.OpenConnected(SocketType.Stream);
                // A header whose length cannot be trusted, then what looks like a request inside its "payload".
                rig.Link.HostSendData(Hex.Parse("0a 00 01 00 01 00 00 00 10 00 00 00"), 12);
                rig.Host.Shutdown(a.Handle);
                Assert.AreEqual(a.Handle, rig.Host.Expect(HssOpcode.Close).SockId);
                Wait.Until(() => rig.Engine.Stats.BytesDroppedAfterFramingLoss > 0);
                Assert.IsTrue(a.Poll(-1, SelectMode.SelectError));
                // Nothing after the bad header is parsed: the SHUTDOWN is not answered, opens fail at once.
                TestData.ExpectSocketError(SocketError.NetworkReset, () => new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
                Assert.IsNull(rig.Host.Next(0));

                // The link goes down and up: a new session, framed from its first byte.
                rig.Link.HostDisconnect();
                Wait.Until(() => rig.Engine.Stats.LinkResets == 2);
                rig.Host.StartResponder();
                var b = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                b.Connect(new HssEndPoint(HssIPAddress.Loopback, 80));
                rig.Host.StopResponder();
                rig.Host.Transmit(b.Handle, TestData.Pattern(5, 0), 0, 5);
                Assert.AreEqual(5, b.Receive(new byte[8]));
            });
        }

        [TestMethod]
        public void Answers_to_nothing_are_counted_and_change_nothing()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                for (int i = 0; i < 500; i++)
                {
                    rig.Host.AckRaw(1 + i, i % 2 == 0 ? s.Handle : 999u, i % 3 == 0 ? HssOpcode.Transmit : HssOpcode.Connect, 0, 0);
                }

                Wait.Until(() => rig.Engine.Stats.UnmatchedAnswers == 500);
                Assert.IsTrue(s.Connected);
                AssertStillServes(rig, s);
            });
        }

        [TestMethod]
        public void Transmits_for_unknown_sockets_are_refused_with_enosock_and_buffer_nothing()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                for (int i = 0; i < 200; i++)
                {
                    rig.Host.Transmit(12345, TestData.Pattern(200, i), 0, 200);
                    SeenPacket ack = rig.Host.Expect(HssOpcode.Ack);
                    Assert.AreEqual(-HssError.NoSocket, ack.Value);
                }

                Assert.AreEqual(200, rig.Engine.Stats.RejectedTransmits);
                Assert.AreEqual(0, rig.Engine.TotalBuffered);
                AssertStillServes(rig, s);
            });
        }

        [TestMethod]
        public void Commands_with_bad_lengths_are_answered_einval_and_counted()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                // SHUTDOWN claiming 53 payload bytes (over the 52 a command may carry), and a CLOSE cut short.
                byte[] longCommand = new byte[HssLayout.HeaderSize + 53];
                PacketWriter.WriteShutdown(longCommand, 0, 77, s.Handle);
                ByteOrder.WriteUInt32LE(longCommand, HssLayout.PayloadLengthOffset, 53);
                rig.Link.HostSendCommand(longCommand, longCommand.Length);
                SeenPacket refused = rig.Host.Expect(HssOpcode.Ack);
                Assert.AreEqual(77, refused.MsgId);
                Assert.AreEqual(HssError.InvalidArgument, refused.Code);
                rig.Link.HostSendCommand(longCommand, 6);
                Wait.Until(() => rig.Engine.Stats.ProtocolErrors == 2);
                Assert.IsTrue(s.Connected, "a bad command changes no socket");
                AssertStillServes(rig, s);
            });
        }

        [TestMethod]
        public void A_host_that_never_acks_fills_the_window_and_no_more()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                s.SendTimeout = 500;
                HssSocketException e = rig.ExpireTimeout(500, () =>
                {
                    for (int i = 0; i < 100; i++)
                    {
                        s.Send(TestData.Pattern(100, i));
                    }
                });
                Assert.AreEqual((int)SocketError.TimedOut, e.ErrorCode);
                int unanswered = rig.Engine.PendingRequests;
                Assert.IsTrue(unanswered > 0 && unanswered <= rig.Engine.Settings.MaxOutstandingRequests);
                int sent = 0;
                for (SeenPacket t = rig.Host.Next(200); t != null; t = rig.Host.Next(200))
                {
                    sent += t.PayloadLength;
                }

                // Never more than one window unacknowledged (coalescing may hold back the window's last partial TRANSMIT).
                Assert.IsTrue(sent <= rig.Engine.Settings.SendWindow, "over the window: " + sent.ToString());
                Assert.IsTrue(sent > rig.Engine.Settings.SendWindow - rig.Engine.Settings.MaxTransmitPayload, "window not used: " + sent.ToString());
            });
        }

        [TestMethod]
        public void A_transmit_flood_to_a_socket_that_is_not_read_stays_within_the_receive_budget()
        {
            Rig.Run(rig =>
            {
                HssSocket s = rig.OpenConnected(SocketType.Stream);
                for (int i = 0; i < 40; i++)
                {
                    rig.Host.Transmit(s.Handle, TestData.Pattern(200, i), 0, 200);
                }

                Wait.Until(() => rig.Engine.TotalBuffered == 1000);
                Assert.IsTrue(rig.Engine.TotalBuffered <= rig.Engine.Settings.ReceiveBufferPerSocket);
                // Reading drains it all, in order, ACK by ACK.
                byte[] buffer = new byte[200];
                for (int i = 0; i < 40; i++)
                {
                    int got = 0;
                    while (got < 200)
                    {
                        got += s.Receive(buffer, got, 200 - got, SocketFlags.None);
                    }

                    Assert.AreEqual(TestData.Pattern(200, i)[199], buffer[199]);
                }

                Assert.AreEqual(0, rig.Engine.TotalBuffered);
            });
        }

        /// <summary>The socket still carries data both ways.</summary>
        private static void AssertStillServes(Rig rig, HssSocket s)
        {
            s.Send(TestData.Pattern(7, 3));
            SeenPacket t = rig.Host.Expect(HssOpcode.Transmit);
            Assert.AreEqual(7, t.PayloadLength);
            rig.Host.AckTransmit(t, 7);
            rig.Host.Transmit(s.Handle, TestData.Pattern(9, 4), 0, 9);
            Assert.AreEqual(9, s.Receive(new byte[16]));
        }
    }
}
