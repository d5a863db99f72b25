using System.Collections;
using HssDevice.Engine;
using HssDevice.Sockets;
using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>
    /// Exactly one ACK per host TRANSMIT while the application's Receive and Close race on one socket (issue 16):
    /// the ACKs a Receive takes must reach the host even when a Close refuses the rest before they are written.
    /// </summary>
    [TestClass]
    public class EngineAckRaceTests
    {
        private const int Rounds = 8;

        // How long a round waits for a thread to reach the window. A correct engine never opens it (Receive cannot
        // take ACKs without the lock their write needs), so there the wait runs out and the round goes on.
        private const int WindowWaitMs = 200;
        private const int FreeRounds = 40;

        /// <summary>
        /// The race held open on purpose, each round: a command write is held at the link (the reader thread
        /// answering a probe holds the command lock), Receive takes the first TRANSMIT and must wait to write its
        /// ACK, Close refuses the second meanwhile, then the link lets the writes go. Before issue 16's fix this
        /// failed every round: the read TRANSMIT got no ACK and the refused one two.
        /// </summary>
        [TestMethod]
        public void Receive_then_close_before_its_ack_is_written_acks_each_transmit_once()
        {
            Rig.Run(rig =>
            {
                for (int round = 0; round < Rounds; round++)
                {
                    HssSocket s = rig.OpenConnected(SocketType.Stream);
                    uint handle = s.Handle;
                    int read = rig.Host.Transmit(handle, TestData.Pattern(10, 1), 0, 10);
                    int refused = rig.Host.Transmit(handle, TestData.Pattern(10, 2), 0, 10);
                    Wait.Until(() => s.Available == 20);

                    rig.Link.HoldCommandWrites();
                    // A SHUTDOWN for a handle nobody holds: the reader answers ENOSOCK and waits at the link, holding
                    // the command lock.
                    rig.Host.Shutdown(handle + 1000);
                    Wait.Until(() => rig.Link.HeldCommandWrites == 1);

                    Background receive = Background.Start(() => Assert.AreEqual(10, s.Receive(new byte[10])));
                    // Receive took the first TRANSMIT (and its ACK) and waits to write it, or (fixed) waits to take it.
                    Wait.AtMost(WindowWaitMs, () => s.Available == 10);
                    Background close = Background.Start(() => s.Close());
                    if (Wait.AtMost(WindowWaitMs, () => s.EngineSocket.Machine.IsAppClosed))
                    {
                        // Taking the engine's lock waits until Close has left it (its refusal taken).
                        Assert.IsTrue(rig.Engine.SocketsInUse >= 1);
                    }

                    rig.Link.ReleaseCommandWrites();
                    receive.Join();
                    close.Join();

                    ArrayList acks = AcksUntilClosed(rig, handle);
                    AssertOneAck(acks, read, 10, "round " + round.ToString() + ", the TRANSMIT read");
                    AssertOneAck(acks, refused, -HssError.NotConnected, "round " + round.ToString() + ", the TRANSMIT refused");
                    Assert.AreEqual(2, acks.Count, "round " + round.ToString() + ": ACKs of host TRANSMITs");
                }
            });
        }

        /// <summary>Receive and Close started together with no help, many rounds: whatever the interleaving, one ACK each.</summary>
        [TestMethod]
        public void Receive_and_close_racing_freely_ack_each_transmit_once()
        {
            Rig.Run(rig =>
            {
                for (int round = 0; round < FreeRounds; round++)
                {
                    HssSocket s = rig.OpenConnected(SocketType.Stream);
                    uint handle = s.Handle;
                    int[] msgIds = new int[4];
                    for (int i = 0; i < msgIds.Length; i++)
                    {
                        msgIds[i] = rig.Host.Transmit(handle, TestData.Pattern(8, i), 0, 8);
                    }

                    Wait.Until(() => s.Available == 32);
                    Background receive = Background.Start(() => ReadUntilClosed(s));
                    Background close = Background.Start(() => s.Close());
                    receive.Join();
                    close.Join();

                    ArrayList acks = AcksUntilClosed(rig, handle);
                    for (int i = 0; i < msgIds.Length; i++)
                    {
                        Assert.AreEqual(1, CountAcks(acks, msgIds[i]), "round " + round.ToString() + ": ACKs of TRANSMIT " + i.ToString());
                    }

                    Assert.AreEqual(msgIds.Length, acks.Count, "round " + round.ToString() + ": ACKs of host TRANSMITs");
                }
            });
        }

        private static void ReadUntilClosed(HssSocket s)
        {
            byte[] buffer = new byte[5];
            try
            {
                while (s.Receive(buffer) > 0)
                {
                }
            }
            catch (System.ObjectDisposedException)
            {
                // Close won: the rest is refused.
            }
        }

        /// <summary>
        /// The device's TRANSMIT ACKs for handle up to its CLOSE (answered, so the slot is free for the next round)
        /// and any written after it.
        /// </summary>
        private static ArrayList AcksUntilClosed(Rig rig, uint handle)
        {
            var acks = new ArrayList();
            bool closed = false;
            while (true)
            {
                SeenPacket p = rig.Host.Next(closed ? 150 : FakeHost.DefaultTimeoutMs);
                if (p == null)
                {
                    Assert.IsTrue(closed, "the device sent no CLOSE");
                    return acks;
                }

                if (p.Opcode == HssOpcode.Close && p.SockId == handle)
                {
                    closed = true;
                    rig.Host.Ack(p, HssError.Success);
                }
                else if (p.Opcode == HssOpcode.Ack && p.OrigOpcode == HssOpcode.Transmit && p.SockId == handle)
                {
                    acks.Add(p);
                }
            }
        }

        private static int CountAcks(ArrayList acks, int msgId)
        {
            int n = 0;
            for (int i = 0; i < acks.Count; i++)
            {
                if (((SeenPacket)acks[i]).MsgId == msgId)
                {
                    n++;
                }
            }

            return n;
        }

        private static void AssertOneAck(ArrayList acks, int msgId, int value, string what)
        {
            Assert.AreEqual(1, CountAcks(acks, msgId), what + ": ACKs");
            for (int i = 0; i < acks.Count; i++)
            {
                SeenPacket p = (SeenPacket)acks[i];
                if (p.MsgId == msgId)
                {
                    int signed = p.Code != HssError.Success ? -p.Code : p.Value;
                    Assert.AreEqual(value, signed, what + ": ACK value");
                }
            }
        }
    }
}
