using System;
using System.Collections;
using System.Threading;
using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>
    /// The host end of a <see cref="FakeLink"/>, scripted by a test: take the device's packets one by one and
    /// answer them by hand, or let <see cref="StartResponder"/> answer like a well-behaved host (ACK everything,
    /// collect TRANSMIT payloads per handle).
    /// </summary>
    public sealed class FakeHost
    {
        public const int DefaultTimeoutMs = 3000;

        private readonly FakeLink _link;
        private readonly PacketReassembler _deviceData = new PacketReassembler(65536);
        private readonly HssPacket _packet = new HssPacket();
        private readonly ArrayList _parsed = new ArrayList();
        private readonly byte[] _tx = new byte[65536 + HssLayout.HeaderSize];
        private readonly Hashtable _streams = new Hashtable();
        private readonly ArrayList _deviceAcks = new ArrayList();
        private readonly object _lock = new object();
        private int _nextMsgId = 0x8000;
        private Thread _responder;
        private bool _responding;

        public FakeHost(FakeLink link)
        {
            _link = link;
            ConnectCode = HssError.Success;
            OpenCode = HssError.Success;
        }

        public FakeLink Link
        {
            get { return _link; }
        }

        /// <summary>Responder: the code CONNECT and OPEN are answered with.</summary>
        public int ConnectCode { get; set; }

        public int OpenCode { get; set; }

        /// <summary>Responder: TRANSMITs are collected but not acknowledged while set (a stalled host).</summary>
        public bool HoldTransmitAcks { get; set; }

        /// <summary>Responder: TRANSMITs that were held, oldest first.</summary>
        public readonly ArrayList HeldTransmits = new ArrayList();

        /// <summary>Next packet from the device, or null after timeoutMs.</summary>
        public SeenPacket Next(int timeoutMs)
        {
            long deadline = DateTime.UtcNow.Ticks + (timeoutMs * TimeSpan.TicksPerMillisecond);
            while (true)
            {
                lock (_lock)
                {
                    if (_parsed.Count > 0)
                    {
                        SeenPacket p = (SeenPacket)_parsed[0];
                        _parsed.RemoveAt(0);
                        return p;
                    }
                }

                long left = (deadline - DateTime.UtcNow.Ticks) / TimeSpan.TicksPerMillisecond;
                object[] transfer = _link.HostTake(left <= 0 ? 0 : (int)left);
                if (transfer == null)
                {
                    return null;
                }

                Parse((bool)transfer[0], (byte[])transfer[1]);
            }
        }

        /// <summary>Next packet, which must have the given opcode.</summary>
        public SeenPacket Expect(int opcode)
        {
            SeenPacket p = Next(DefaultTimeoutMs);
            Assert.IsNotNull(p, "expected " + HssOpcode.NameOf(opcode) + " from the device, got nothing");
            Assert.AreEqual(HssOpcode.NameOf(opcode), HssOpcode.NameOf(p.Opcode), "packet from the device");
            return p;
        }

        /// <summary>Asserts the device sends nothing for waitMs.</summary>
        public void ExpectSilence(int waitMs)
        {
            SeenPacket p = Next(waitMs);
            Assert.IsNull(p, "expected no packet, got " + (p == null ? "" : p.ToString()));
        }

        public void Ack(SeenPacket request, int code)
        {
            int n = PacketWriter.WriteAck(_tx, 0, request.MsgId, request.Opcode == HssOpcode.Open ? request.Handle : request.SockId, request.Opcode, code);
            _link.HostSendCommand(_tx, n);
        }

        public void AckTransmit(SeenPacket transmit, int value)
        {
            int code = value < 0 ? -value : HssError.Success;
            AckRaw(transmit.MsgId, transmit.SockId, HssOpcode.Transmit, code, HssRules.TransmitAckValue(code, value));
        }

        public void AckRaw(int msgId, uint sockId, int origOpcode, int code, int value)
        {
            int n = PacketWriter.WriteAckWithValue(_tx, 0, msgId, sockId, origOpcode, code, value);
            _link.HostSendCommand(_tx, n);
        }

        /// <summary>Sends a TRANSMIT to the device; returns its msg_id.</summary>
        public int Transmit(uint sockId, byte[] payload, int offset, int count)
        {
            int msgId = NextMsgId();
            PacketWriter.WriteTransmitHeader(_tx, 0, msgId, sockId, count);
            Array.Copy(payload, offset, _tx, HssLayout.HeaderSize, count);
            _link.HostSendData(_tx, HssLayout.HeaderSize + count);
            return msgId;
        }

        public int Shutdown(uint sockId)
        {
            int msgId = NextMsgId();
            _link.HostSendCommand(_tx, PacketWriter.WriteShutdown(_tx, 0, msgId, sockId));
            return msgId;
        }

        public int Close(uint sockId)
        {
            int msgId = NextMsgId();
            _link.HostSendCommand(_tx, PacketWriter.WriteClose(_tx, 0, msgId, sockId));
            return msgId;
        }

        /// <summary>Answers in the background like a well-behaved host.</summary>
        public void StartResponder()
        {
            _responding = true;
            _responder = new Thread(RespondLoop);
            _responder.Start();
        }

        public void StopResponder()
        {
            _responding = false;
            if (_responder != null)
            {
                _responder.Join(2000);
            }
        }

        /// <summary>Responder: every byte the device sent on a handle, in order.</summary>
        public byte[] StreamOf(uint handle)
        {
            lock (_lock)
            {
                object data = _streams[handle];
                return data == null ? new byte[0] : (byte[])data;
            }
        }

        /// <summary>Responder: ACKs the device sent for host TRANSMITs (SeenPacket each).</summary>
        public ArrayList DeviceAcks
        {
            get { return _deviceAcks; }
        }

        /// <summary>Responder: releases the held TRANSMIT ACKs.</summary>
        public void ReleaseHeldTransmits()
        {
            lock (_lock)
            {
                HoldTransmitAcks = false;
                for (int i = 0; i < HeldTransmits.Count; i++)
                {
                    SeenPacket t = (SeenPacket)HeldTransmits[i];
                    AckTransmit(t, t.PayloadLength);
                }

                HeldTransmits.Clear();
            }
        }

        private void RespondLoop()
        {
            while (_responding)
            {
                SeenPacket p = Next(100);
                if (p == null)
                {
                    continue;
                }

                switch (p.Opcode)
                {
                    case HssOpcode.Open:
                        Ack(p, OpenCode);
                        break;
                    case HssOpcode.Connect:
                        Ack(p, ConnectCode);
                        break;
                    case HssOpcode.Shutdown:
                    case HssOpcode.Close:
                        Ack(p, HssError.Success);
                        break;
                    case HssOpcode.Transmit:
                        lock (_lock)
                        {
                            Append(p.SockId, p.Payload);
                            if (HoldTransmitAcks)
                            {
                                HeldTransmits.Add(p);
                                break;
                            }
                        }

                        AckTransmit(p, p.PayloadLength);
                        break;
                    case HssOpcode.Ack:
                        lock (_lock)
                        {
                            _deviceAcks.Add(p);
                        }

                        break;
                }
            }
        }

        private void Append(uint handle, byte[] data)
        {
            byte[] old = (byte[])_streams[handle];
            int oldLength = old == null ? 0 : old.Length;
            byte[] joined = new byte[oldLength + data.Length];
            if (old != null)
            {
                Array.Copy(old, joined, oldLength);
            }

            Array.Copy(data, 0, joined, oldLength, data.Length);
            _streams[handle] = joined;
        }

        private void Parse(bool onCommandPipe, byte[] bytes)
        {
            if (onCommandPipe)
            {
                int status = _packet.Decode(bytes, 0, bytes.Length, 65536);
                Assert.AreEqual(DecodeStatus.Ok, status, "device sent a bad command");
                Assert.AreEqual(bytes.Length, _packet.TotalLength, "one command per command transfer");
                Assert.IsTrue(bytes.Length <= HssLayout.MaxCommandPacket, "command over 64 bytes");
                AddParsed(SeenPacket.From(_packet, true));
                return;
            }

            int used = 0;
            while (used < bytes.Length)
            {
                used += _deviceData.Feed(bytes, used, bytes.Length - used);
                Assert.IsFalse(_deviceData.FramingLost, "device broke data-pipe framing");
                if (_deviceData.HasPacket)
                {
                    Assert.AreEqual(DecodeStatus.Ok, _packet.Decode(_deviceData.PacketBuffer, 0, _deviceData.PacketLength, 65536));
                    AddParsed(SeenPacket.From(_packet, false));
                    _deviceData.Release();
                }
            }

            Assert.AreEqual(0, _deviceData.Pending, "device split a packet across transfers");
        }

        private void AddParsed(SeenPacket p)
        {
            lock (_lock)
            {
                _parsed.Add(p);
            }
        }

        private int NextMsgId()
        {
            lock (_lock)
            {
                _nextMsgId = HssRules.NextMsgId(_nextMsgId);
                return _nextMsgId;
            }
        }
    }
}
