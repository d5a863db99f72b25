using HssDevice.Engine;
using HssDevice.Sockets;
using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>OPEN, CONNECT and their answers: success, refusal, timeouts, stray ACKs.</summary>
    [TestClass]
    public class EngineRequestTests
    {
        [TestMethod]
        public void Open_sends_a_nonzero_handle_and_the_socket_kind()
        {
            Rig.Run(rig =>
            {
                HssSocket socket = null;
                Background open = Background.Start(() => socket = new HssSocket(rig.Engine, AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp));
                SeenPacket p = rig.Host.Expect(HssOpcode.Open);
                Assert.IsTrue(p.OnCommandPipe);
                Assert.AreEqual(0u, p.SockId);
                Assert.AreNotEqual(0u, p.Handle);
                Assert.AreEqual((int)HssFamily.IPv6, p.Family);
                Assert.AreEqual((int)HssProtocol.Udp, p.Protocol);
                Assert.AreEqual((int)HssType.Datagram, p.SocketType);
                Assert.AreNotEqual(0, p.MsgId);
                rig.Host.Ack(p, HssError.Success);
                open.Join();
                Assert.AreEqual(p.Handle, socket.Handle);
            });
        }

        [TestMethod]
        public void Open_refused_frees_the_slot_and_fails_the_first_operation_with_both_codes()
        {
            // The constructor no longer waits for OPEN's ACK (set-up in one round trip): the refusal surfaces at the
            // first operation, with the same codes the constructor used to throw.
            Rig.Run(rig =>
            {
                var socket = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                rig.Host.Ack(rig.Host.Expect(HssOpcode.Open), HssError.ProtocolNotSupported);
                Wait.Until(() => !socket.EngineSocket.Machine.IsOpening);
                HssSocketException e = TestData.ExpectSocketError(SocketError.ProtocolNotSupported, () => socket.Connect(new HssEndPoint(HssIPAddress.Loopback, 7)));
                Assert.AreEqual(3, e.HssCode);
                TestData.ExpectSocketError(SocketError.ProtocolNotSupported, () => socket.Send(new byte[1]));
                // The host holds nothing: the slot was freed with the refusal, and Close sends no CLOSE.
                Assert.AreEqual(0, rig.Engine.SocketsInUse);
                socket.Close();
                rig.Host.ExpectSilence(100);
            });
        }

        [TestMethod]
        public void Open_and_connect_leave_back_to_back_before_any_answer()
        {
            Rig.Run(rig =>
            {
                var socket = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                Background connect = Background.Start(() => socket.Connect(new HssEndPoint(HssIPAddress.Loopback, 7)));
                SeenPacket open = rig.Host.Expect(HssOpcode.Open);
                SeenPacket c = rig.Host.Expect(HssOpcode.Connect);
                Assert.AreEqual(open.Handle, c.SockId);
                Assert.AreNotEqual(open.MsgId, c.MsgId);
                Assert.IsFalse(connect.Finished);
                Assert.AreEqual((int)SocketState.OpeningConnecting, (int)socket.EngineSocket.Machine.State);
                rig.Host.Ack(open, HssError.Success);
                rig.Host.Ack(c, HssError.Success);
                connect.Join();
                Assert.IsTrue(socket.Connected);
                Assert.AreEqual(0, rig.Engine.PendingRequests);
            });
        }

        [TestMethod]
        public void With_ConnectBehindOpen_off_connect_waits_for_the_open_answer()
        {
            HssEngineSettings settings = Rig.SmallSettings();
            settings.ConnectBehindOpen = false;
            Rig.Run(true, settings, rig =>
            {
                var socket = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                Background connect = Background.Start(() => socket.Connect(new HssEndPoint(HssIPAddress.Loopback, 7)));
                SeenPacket open = rig.Host.Expect(HssOpcode.Open);
                rig.Host.ExpectSilence(100);
                Assert.IsFalse(connect.Finished);
                rig.Host.Ack(open, HssError.Success);
                rig.Host.Ack(rig.Host.Expect(HssOpcode.Connect), HssError.Success);
                connect.Join();
                Assert.IsTrue(socket.Connected);
                Assert.AreEqual(0, rig.Engine.PendingRequests);
            });
        }

        [TestMethod]
        public void Refused_open_fails_the_connect_behind_it_with_the_open_codes_and_absorbs_its_answer()
        {
            Rig.Run(rig =>
            {
                var socket = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                Background connect = Background.Start(() => socket.Connect(new HssEndPoint(HssIPAddress.Loopback, 7)));
                SeenPacket open = rig.Host.Expect(HssOpcode.Open);
                SeenPacket c = rig.Host.Expect(HssOpcode.Connect);
                rig.Host.Ack(open, HssError.ProtocolNotSupported);
                HssSocketException e = connect.JoinFailure();
                Assert.AreEqual((int)SocketError.ProtocolNotSupported, e.ErrorCode);
                Assert.AreEqual(HssError.ProtocolNotSupported, e.HssCode);
                Assert.AreEqual(0, rig.Engine.SocketsInUse);
                // The CONNECT's own answer (the host found no socket) is absorbed: its slot is freed, nothing counted.
                Assert.AreEqual(1, rig.Engine.PendingRequests);
                rig.Host.Ack(c, HssError.NoSocket);
                Wait.Until(() => rig.Engine.PendingRequests == 0);
                Assert.AreEqual(0, rig.Engine.Stats.UnmatchedAnswers);
                HssSocketException again = TestData.ExpectSocketError(SocketError.ProtocolNotSupported, () => socket.Receive(new byte[1]));
                Assert.AreEqual(HssError.ProtocolNotSupported, again.HssCode);
                socket.Close();
                rig.Host.ExpectSilence(100);
            });
        }

        [TestMethod]
        public void Open_answered_late_then_connect_refused_leaves_an_open_socket()
        {
            Rig.Run(rig =>
            {
                var socket = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                Background connect = Background.Start(() => socket.Connect(new HssEndPoint(HssIPAddress.Loopback, 7)));
                SeenPacket open = rig.Host.Expect(HssOpcode.Open);
                SeenPacket c = rig.Host.Expect(HssOpcode.Connect);
                rig.Host.Ack(open, HssError.Success);
                Wait.Until(() => socket.EngineSocket.Machine.State == SocketState.Connecting);
                Assert.IsFalse(connect.Finished);
                rig.Host.Ack(c, HssError.ConnectionRefused);
                HssSocketException e = connect.JoinFailure();
                Assert.AreEqual((int)SocketError.ConnectionRefused, e.ErrorCode);
                Assert.AreEqual(HssError.ConnectionRefused, e.HssCode);
                Assert.AreEqual((int)SocketState.Open, (int)socket.EngineSocket.Machine.State);
                Assert.IsFalse(socket.Connected);
                // The host holds the handle: Close sends CLOSE.
                socket.Close();
                SeenPacket close = rig.Host.Expect(HssOpcode.Close);
                Assert.AreEqual(open.Handle, close.SockId);
                rig.Host.Ack(close, HssError.Success);
                Wait.Until(() => rig.Engine.SocketsInUse == 0);
            });
        }

        [TestMethod]
        public void Open_the_host_never_answers_times_out_then_closes_the_handle()
        {
            // The timeout now runs in housekeeping (nobody waits for OPEN): the CONNECT behind it fails with TimedOut.
            HssEngineSettings settings = Rig.SmallSettings();
            settings.CommandTimeoutMs = 300;
            Rig.Run(true, settings, rig =>
            {
                var socket = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                Background connect = Background.Start(() => socket.Connect(new HssEndPoint(HssIPAddress.Loopback, 7)));
                SeenPacket p = rig.Host.Expect(HssOpcode.Open);
                SeenPacket c = rig.Host.Expect(HssOpcode.Connect);
                rig.Clock.AwaitTimedWaiters(1);
                rig.Advance(299);
                Assert.IsFalse(connect.Finished, "OPEN timed out before CommandTimeoutMs");
                rig.Advance(1);
                HssSocketException e = connect.JoinFailure();
                Assert.AreEqual((int)SocketError.TimedOut, e.ErrorCode);
                Assert.AreEqual(HssSocketException.NoHssCode, e.HssCode);
                SeenPacket close = rig.Host.Expect(HssOpcode.Close);
                Assert.AreEqual(p.Handle, close.SockId);
                rig.Host.Ack(close, HssError.Success);
                // The late ACK of the OPEN matches nothing and is counted; the CONNECT's late answer is absorbed.
                rig.Host.Ack(p, HssError.Success);
                rig.Host.Ack(c, HssError.Success);
                Wait.Until(() => rig.Engine.SocketsInUse == 0 && rig.Engine.Stats.UnmatchedAnswers == 1 && rig.Engine.PendingRequests == 0);
                Assert.AreEqual(1, rig.Engine.Stats.TimedOutRequests);
                TestData.ExpectSocketError(SocketError.TimedOut, () => socket.Send(new byte[1]));
                socket.Close();
                rig.Host.ExpectSilence(100);
            });
        }

        [TestMethod]
        public void Close_before_the_open_answer_closes_once_opened_and_not_when_refused()
        {
            Rig.Run(rig =>
            {
                var opened = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                SeenPacket open = rig.Host.Expect(HssOpcode.Open);
                opened.Close();
                Assert.AreEqual((int)SocketState.OpeningClosed, (int)opened.EngineSocket.Machine.State);
                rig.Host.ExpectSilence(100);
                rig.Host.Ack(open, HssError.Success);
                SeenPacket close = rig.Host.Expect(HssOpcode.Close);
                Assert.AreEqual(open.Handle, close.SockId);
                rig.Host.Ack(close, HssError.Success);
                Wait.Until(() => rig.Engine.SocketsInUse == 0);

                var refused = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                SeenPacket open2 = rig.Host.Expect(HssOpcode.Open);
                refused.Close();
                rig.Host.Ack(open2, HssError.HostError);
                Wait.Until(() => rig.Engine.SocketsInUse == 0);
                rig.Host.ExpectSilence(100);
                Assert.AreEqual(0, rig.Engine.PendingRequests);
            });
        }

        [TestMethod]
        public void Link_reset_while_opening_fails_the_connect_and_frees_everything()
        {
            Rig.Run(rig =>
            {
                var socket = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                Background connect = Background.Start(() => socket.Connect(new HssEndPoint(HssIPAddress.Loopback, 7)));
                rig.Host.Expect(HssOpcode.Open);
                rig.Host.Expect(HssOpcode.Connect);
                rig.Link.HostDisconnect();
                HssSocketException e = connect.JoinFailure();
                Assert.AreEqual((int)SocketError.NetworkReset, e.ErrorCode);
                Wait.Until(() => rig.Engine.PendingRequests == 0);
                socket.Close();
                Assert.AreEqual(0, rig.Engine.SocketsInUse);
            });
        }

        [TestMethod]
        public void Connect_ipv4_sends_port_and_address_and_a_refusal_fails_it()
        {
            Rig.Run(rig =>
            {
                HssSocket socket = rig.OpenAnswered(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                Background connect = Background.Start(() => socket.Connect(HssEndPoint.Parse("192.0.2.1:443")));
                SeenPacket c = rig.Host.Expect(HssOpcode.Connect);
                Assert.AreEqual(socket.Handle, c.SockId);
                Assert.AreEqual(8, c.PayloadLength);
                Assert.AreEqual(443, c.Port);
                Hex.AssertBytes("c0 00 02 01", c.Address, 0, 4);
                rig.Host.Ack(c, HssError.ConnectionRefused);
                HssSocketException e = connect.JoinFailure();
                Assert.AreEqual((int)SocketError.ConnectionRefused, e.ErrorCode);
                Assert.AreEqual(4, e.HssCode);
                Assert.IsFalse(socket.Connected);
            });
        }

        [TestMethod]
        public void Connect_ipv6_sends_payload_28()
        {
            Rig.Run(rig =>
            {
                HssSocket socket = rig.OpenAnswered(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
                Background connect = Background.Start(() => socket.Connect(HssEndPoint.Parse("[2001:db8::1%5]:8080")));
                SeenPacket c = rig.Host.Expect(HssOpcode.Connect);
                Assert.AreEqual(28, c.PayloadLength);
                Assert.AreEqual(8080, c.Port);
                Assert.AreEqual(5u, c.ScopeId);
                Hex.AssertBytes("20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01", c.Address, 0, 16);
                rig.Host.Ack(c, HssError.Success);
                connect.Join();
                Assert.IsTrue(socket.Connected);
                Assert.AreEqual("[2001:db8::1%5]:8080", socket.RemoteEndPoint.ToString());
            });
        }

        [TestMethod]
        public void Connect_with_another_family_fails_locally()
        {
            Rig.Run(rig =>
            {
                HssSocket socket = rig.OpenAnswered(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                Assert.ThrowsException(typeof(HssSocketException), () => socket.Connect(new HssEndPoint(HssIPAddress.IPv6Loopback, 80)));
                rig.Host.ExpectSilence(100);
            });
        }

        [TestMethod]
        public void Stray_and_mismatched_acks_are_dropped_and_counted()
        {
            Rig.Run(rig =>
            {
                // The constructor returns before OPEN's answer: the socket's state shows whether it was taken.
                var socket = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                SeenPacket p = rig.Host.Expect(HssOpcode.Open);
                rig.Host.AckRaw(p.MsgId + 1, p.Handle, HssOpcode.Open, 0, 0);          // unknown msg_id
                rig.Host.AckRaw(p.MsgId, p.Handle, HssOpcode.Connect, 0, 0);           // wrong orig_opcode
                rig.Host.AckRaw(p.MsgId, p.Handle + 1, HssOpcode.Open, 0, 0);          // wrong sock_id
                Wait.Until(() => rig.Engine.Stats.UnmatchedAnswers == 3);
                Assert.IsTrue(socket.EngineSocket.Machine.IsOpening);
                rig.Host.Ack(p, HssError.Success);
                Wait.Until(() => socket.EngineSocket.Machine.State == SocketState.Open);
            });
        }

        [TestMethod]
        public void Handles_are_unique_and_socket_table_limit_is_clear()
        {
            HssEngineSettings settings = Rig.SmallSettings();
            settings.MaxSockets = 3;
            Rig.Run(true, settings, rig =>
            {
                rig.Host.StartResponder();
                var a = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                var b = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                var c = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                Assert.AreNotEqual(a.Handle, b.Handle);
                Assert.AreNotEqual(b.Handle, c.Handle);
                Assert.AreNotEqual(a.Handle, c.Handle);
                HssSocketException e = null;
                try
                {
                    new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                }
                catch (HssSocketException ex)
                {
                    e = ex;
                }

                Assert.IsNotNull(e);
                Assert.AreEqual((int)SocketError.TooManyOpenSockets, e.ErrorCode);
                a.Close();
                Wait.Until(() => rig.Engine.SocketsInUse == 2);
                var d = new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                Assert.AreNotEqual(0u, d.Handle);
            });
        }

        [TestMethod]
        public void Invalid_kind_is_refused_before_anything_is_sent()
        {
            Rig.Run(rig =>
            {
                Assert.ThrowsException(typeof(HssSocketException), () => new HssSocket(rig.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Udp));
                rig.Host.ExpectSilence(100);
            });
        }
    }
}
