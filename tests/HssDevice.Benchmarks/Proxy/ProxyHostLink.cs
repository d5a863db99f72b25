using System;
using System.Threading;
using HssDevice.Transport;
using HssDevice.Wire;

namespace HssDevice.Benchmarks.Proxy
{
    /// <summary>
    /// Two-pipe link (docs/protocol.md section 3) whose far end is a host answering inside the device's own writes:
    /// OPEN, CONNECT, SHUTDOWN and CLOSE get ESUCCESS, each device TRANSMIT an ACK with its byte count (section 6),
    /// queued for the device's command reader. The host has no thread of its own, so every wake-up the proxy counts
    /// belongs to the device side (its reader threads and the application). The host injects TRANSMITs into the
    /// data pipe within a window (<see cref="TryInject"/>) that the device's ACKs reopen.
    ///
    /// It records which kernel threads read each pipe, so the proxy can read their context switches, and (on .NET)
    /// what they had allocated each time they came back for more. Nothing here allocates per packet. Plain C#
    /// without Span, so the Mono build (tools/interp) compiles the same file.
    /// </summary>
    public sealed class ProxyHostLink : IHssLink
    {
        private const int CommandSlots = 256;
        private const int FirstHostMsgId = 0x8000;

        private readonly object _commandLock = new object();
        private readonly object _dataLock = new object();

        // Command pipe towards the device: whole transfers in slots (guarded by _commandLock).
        private readonly byte[][] _commandSlot = new byte[CommandSlots][];
        private readonly int[] _commandLength = new int[CommandSlots];
        private int _commandHead;
        private int _commandCount;
        private long _commandsQueued;
        private long _commandsDelivered;
        private long _commandsHandled;
        private bool _commandReaderWaiting;
        private int _commandWaiters;
        private long _deviceTransmits;
        private long _deviceTransmitBytes;

        // Data pipe towards the device: a byte ring (guarded by _dataLock).
        private readonly byte[] _dataRing;
        private int _dataHead;
        private int _dataCount;
        private readonly int _hostWindow;
        private int _hostInFlight;
        private int _nextHostMsgId = FirstHostMsgId;
        private bool _dataReaderWaiting;
        private int _dataWaiters;
        private long _hostTransmits;
        private long _deviceAcks;
        private readonly byte[] _transmitHeader = new byte[HssLayout.HeaderSize];

        // The engine serialises its command writes, and its data writes: one decoder per pipe.
        private readonly HssPacket _deviceCommand = new HssPacket();
        private readonly HssPacket _deviceData = new HssPacket();

        private int _commandReaderTid;
        private int _dataReaderTid;
        private long _commandReaderAllocated;
        private long _dataReaderAllocated;
        private volatile string _failure;
        private volatile bool _closed;

        /// <param name="hostWindow">Bytes of host TRANSMITs the host keeps unacknowledged at most (the device's receive buffer).</param>
        /// <param name="maxDataPayload">Largest host TRANSMIT payload.</param>
        public ProxyHostLink(int hostWindow, int maxDataPayload)
        {
            _hostWindow = hostWindow;
            _dataRing = new byte[2 * (hostWindow + HssLayout.HeaderSize + maxDataPayload)];
            for (int i = 0; i < CommandSlots; i++)
            {
                _commandSlot[i] = new byte[HssLayout.MaxCommandPacket];
            }
        }

        public bool HasCommandPipe
        {
            get { return true; }
        }

        /// <summary>Kernel thread id of the thread that last read the command pipe (0 before the first read).</summary>
        public int CommandReaderTid
        {
            get { lock (_commandLock) { return _commandReaderTid; } }
        }

        public int DataReaderTid
        {
            get { lock (_dataLock) { return _dataReaderTid; } }
        }

        /// <summary>GC.GetAllocatedBytesForCurrentThread of the command reader when it last came back for a command (0 on Mono).</summary>
        public long CommandReaderAllocated
        {
            get { lock (_commandLock) { return _commandReaderAllocated; } }
        }

        public long DataReaderAllocated
        {
            get { lock (_dataLock) { return _dataReaderAllocated; } }
        }

        public long DeviceTransmits
        {
            get { lock (_commandLock) { return _deviceTransmits; } }
        }

        public long DeviceTransmitBytes
        {
            get { lock (_commandLock) { return _deviceTransmitBytes; } }
        }

        public long HostTransmits
        {
            get { lock (_dataLock) { return _hostTransmits; } }
        }

        /// <summary>ACKs the device wrote for host TRANSMITs.</summary>
        public long DeviceAcks
        {
            get { lock (_dataLock) { return _deviceAcks; } }
        }

        /// <summary>Bytes of host TRANSMITs the device has not acknowledged yet.</summary>
        public int HostInFlight
        {
            get { lock (_dataLock) { return _hostInFlight; } }
        }

        // ---- device side (IHssLink) ----

        public void WriteCommand(byte[] buffer, int offset, int count)
        {
            ThrowIfClosed();
            int status = _deviceCommand.Decode(buffer, offset, count, HssLayout.MaxCommandPayload);
            if (status != DecodeStatus.Ok || _deviceCommand.TotalLength != count)
            {
                Fail("device wrote a bad command: " + DecodeStatus.Describe(status));
            }

            OnDevicePacket(_deviceCommand);
        }

        public void WriteData(byte[] buffer, int offset, int count)
        {
            ThrowIfClosed();
            int end = offset + count;
            while (offset < end)
            {
                int status = _deviceData.Decode(buffer, offset, end - offset, int.MaxValue);
                if (status != DecodeStatus.Ok || _deviceData.Opcode != HssOpcode.Transmit)
                {
                    Fail("device wrote a bad data packet: " + DecodeStatus.Describe(status));
                }

                OnDevicePacket(_deviceData);
                offset += _deviceData.TotalLength;
            }
        }

        public int ReadCommand(byte[] buffer, int offset, int count)
        {
            lock (_commandLock)
            {
                if (_commandReaderTid == 0)
                {
                    _commandReaderTid = ThreadCounters.CurrentThreadId();
                }

                // Back for more: every command delivered so far has been handled.
                _commandsHandled = _commandsDelivered;
                _commandReaderAllocated = ThreadCounters.AllocatedBytes();
                if (_commandWaiters > 0)
                {
                    Monitor.PulseAll(_commandLock);
                }

                while (_commandCount == 0 && !_closed)
                {
                    _commandReaderWaiting = true;
                    Monitor.Wait(_commandLock);
                }

                _commandReaderWaiting = false;
                ThrowIfClosed();
                int n = Math.Min(_commandLength[_commandHead], count);
                Buffer.BlockCopy(_commandSlot[_commandHead], 0, buffer, offset, n);
                _commandHead = (_commandHead + 1) % CommandSlots;
                _commandCount--;
                _commandsDelivered++;
                return n;
            }
        }

        public int ReadData(byte[] buffer, int offset, int count)
        {
            lock (_dataLock)
            {
                if (_dataReaderTid == 0)
                {
                    _dataReaderTid = ThreadCounters.CurrentThreadId();
                }

                _dataReaderAllocated = ThreadCounters.AllocatedBytes();
                while (_dataCount == 0 && !_closed)
                {
                    _dataReaderWaiting = true;
                    if (_dataWaiters > 0)
                    {
                        Monitor.PulseAll(_dataLock);
                    }

                    Monitor.Wait(_dataLock);
                }

                _dataReaderWaiting = false;
                ThrowIfClosed();
                int n = Math.Min(count, Math.Min(_dataCount, _dataRing.Length - _dataHead));
                Buffer.BlockCopy(_dataRing, _dataHead, buffer, offset, n);
                _dataHead = (_dataHead + n) % _dataRing.Length;
                _dataCount -= n;
                return n;
            }
        }

        public void Close()
        {
            _closed = true;
            lock (_commandLock)
            {
                Monitor.PulseAll(_commandLock);
            }

            lock (_dataLock)
            {
                Monitor.PulseAll(_dataLock);
            }
        }

        // ---- host side ----

        /// <summary>
        /// Queues a host TRANSMIT of payload[offset..offset+count) when the host's window has room for it; false
        /// (nothing queued) when it has not. With wait set, blocks until it has (up to timeoutMs).
        /// </summary>
        public bool TryInject(uint sockId, byte[] payload, int offset, int count, bool wait, int timeoutMs)
        {
            lock (_dataLock)
            {
                while (_hostInFlight + count > _hostWindow)
                {
                    ThrowIfFailedOrClosed();
                    if (!wait)
                    {
                        return false;
                    }

                    _dataWaiters++;
                    bool woken = Monitor.Wait(_dataLock, timeoutMs);
                    _dataWaiters--;
                    if (!woken)
                    {
                        throw new TimeoutException("the device did not acknowledge host TRANSMITs within " + timeoutMs + " ms");
                    }
                }

                if (_dataRing.Length - _dataCount < HssLayout.HeaderSize + count)
                {
                    throw new InvalidOperationException("data pipe full: the device stopped reading");
                }

                PacketWriter.WriteTransmitHeader(_transmitHeader, 0, _nextHostMsgId, sockId, count);
                _nextHostMsgId = _nextHostMsgId == 0xFFFF ? FirstHostMsgId : _nextHostMsgId + 1;
                RingWrite(_transmitHeader, 0, HssLayout.HeaderSize);
                RingWrite(payload, offset, count);
                _hostInFlight += count;
                _hostTransmits++;
                if (_dataReaderWaiting)
                {
                    Monitor.Pulse(_dataLock);
                }

                return true;
            }
        }

        /// <summary>Waits until the device has sent totalBytes of TRANSMITs and handled every command queued for it.</summary>
        public void WaitDeviceTransmitted(long totalBytes, int timeoutMs)
        {
            long deadline = Environment.TickCount + (long)timeoutMs;
            lock (_commandLock)
            {
                while (_deviceTransmitBytes < totalBytes || _commandsHandled < _commandsQueued)
                {
                    ThrowIfFailedOrClosed();
                    int left = (int)(deadline - Environment.TickCount);
                    _commandWaiters++;
                    bool woken = left > 0 && Monitor.Wait(_commandLock, left);
                    _commandWaiters--;
                    if (!woken)
                    {
                        throw new TimeoutException("the device sent " + _deviceTransmitBytes + " of " + totalBytes + " bytes within " + timeoutMs + " ms");
                    }
                }
            }
        }

        /// <summary>Waits until every host TRANSMIT has been acknowledged and the data reader is back waiting.</summary>
        public void WaitHostTransmitsAcked(int timeoutMs)
        {
            long deadline = Environment.TickCount + (long)timeoutMs;
            lock (_dataLock)
            {
                while (_hostInFlight > 0 || _dataCount > 0 || !_dataReaderWaiting)
                {
                    ThrowIfFailedOrClosed();
                    int left = (int)(deadline - Environment.TickCount);
                    _dataWaiters++;
                    bool woken = left > 0 && Monitor.Wait(_dataLock, left);
                    _dataWaiters--;
                    if (!woken)
                    {
                        throw new TimeoutException(_hostInFlight + " bytes of host TRANSMITs unacknowledged after " + timeoutMs + " ms");
                    }
                }
            }
        }

        private void OnDevicePacket(HssPacket p)
        {
            switch (p.Opcode)
            {
                case HssOpcode.Open:
                    // The host knows the socket by the handle the device chose (docs/protocol.md section 4).
                    QueueAnswer(p.MsgId, p.Handle, HssOpcode.Open, false, 0);
                    break;
                case HssOpcode.Connect:
                case HssOpcode.Shutdown:
                case HssOpcode.Close:
                    QueueAnswer(p.MsgId, p.SockId, p.Opcode, false, 0);
                    break;
                case HssOpcode.Transmit:
                    // Written to the OS socket at once: ACK the whole count (docs/protocol.md section 6).
                    QueueAnswer(p.MsgId, p.SockId, HssOpcode.Transmit, true, (int)p.PayloadLength);
                    break;
                case HssOpcode.Ack:
                    OnDeviceAck(p);
                    break;
                default:
                    Fail("device sent " + HssOpcode.NameOf(p.Opcode));
                    break;
            }
        }

        private void OnDeviceAck(HssPacket ack)
        {
            lock (_dataLock)
            {
                if (ack.OrigOpcode != HssOpcode.Transmit || ack.Code != HssError.Success || !ack.HasValue || ack.Value <= 0 || ack.Value > _hostInFlight)
                {
                    Fail("device ACK of " + HssOpcode.NameOf(ack.OrigOpcode) + " code " + ack.Code + " value " + ack.Value + " with " + _hostInFlight + " bytes in flight");
                }

                _hostInFlight -= ack.Value;
                _deviceAcks++;
                if (_dataWaiters > 0)
                {
                    Monitor.PulseAll(_dataLock);
                }
            }
        }

        private void QueueAnswer(int msgId, uint sockId, int origOpcode, bool withValue, int value)
        {
            lock (_commandLock)
            {
                ThrowIfClosed();
                if (_commandCount == CommandSlots)
                {
                    Fail("command pipe full: the device stopped reading it");
                }

                byte[] slot = _commandSlot[(_commandHead + _commandCount) % CommandSlots];
                int n = withValue
                    ? PacketWriter.WriteAckWithValue(slot, 0, msgId, sockId, origOpcode, HssError.Success, value)
                    : PacketWriter.WriteAck(slot, 0, msgId, sockId, origOpcode, HssError.Success);
                _commandLength[(_commandHead + _commandCount) % CommandSlots] = n;
                _commandCount++;
                _commandsQueued++;
                if (origOpcode == HssOpcode.Transmit)
                {
                    // Counted with the answer, so a waiter never sees the bytes without their ACK queued.
                    _deviceTransmits++;
                    _deviceTransmitBytes += value;
                }

                if (_commandReaderWaiting)
                {
                    Monitor.PulseAll(_commandLock);
                }
            }
        }

        private void RingWrite(byte[] source, int offset, int count)
        {
            int tail = (_dataHead + _dataCount) % _dataRing.Length;
            int first = Math.Min(count, _dataRing.Length - tail);
            Buffer.BlockCopy(source, offset, _dataRing, tail, first);
            Buffer.BlockCopy(source, offset + first, _dataRing, 0, count - first);
            _dataCount += count;
        }

        private void Fail(string reason)
        {
            lock (_commandLock)
            {
                if (_failure == null)
                {
                    _failure = reason;
                }

                Monitor.PulseAll(_commandLock);
            }

            throw new InvalidOperationException(reason);
        }

        private void ThrowIfFailedOrClosed()
        {
            if (_failure != null)
            {
                throw new InvalidOperationException("the host link failed: " + _failure);
            }

            ThrowIfClosed();
        }

        private void ThrowIfClosed()
        {
            if (_closed)
            {
                throw new ObjectDisposedException("ProxyHostLink");
            }
        }
    }
}
