using System;
using System.Threading;
using HssDevice.Transport;
using HssDevice.Wire;

namespace HssDevice.Benchmarks;

/// <summary>
/// An <see cref="IHssLink"/> whose far end is a well-behaved host living in the same process, answering
/// synchronously inside the device's writes: OPEN, CONNECT, SHUTDOWN and CLOSE are ACKed with ESUCCESS, each device
/// TRANSMIT is ACKed with its byte count (the 7-byte ACK payload of docs/protocol.md section 6), queued for the device's
/// command reader. The host can inject a TRANSMIT into the device's data pipe (<see cref="InjectTransmit"/>) and
/// swallows the device's ACK for it, checking msg_id and count.
/// In the single-pipe profile (docs/protocol.md section 3) commands and answers share the data pipe; wrapped in a
/// <see cref="LoopbackHostStream"/> it is then the far end of the device's own StreamLink.
///
/// Nothing here allocates per packet (slots and rings are allocated up front, decoders are reused, no LINQ, no
/// boxing, no closures), so an allocation measured around the device path is the engine's. Errors allocate (an
/// exception and its message): they end the run.
/// </summary>
public sealed class LoopbackHostLink : IHssLink
{
    private const int CommandQueueSlots = 64;
    private const int OutstandingHostTransmits = 64;
    private const int FirstHostMsgId = 0x8000;

    private readonly object _commandLock = new();
    private readonly object _dataLock = new();
    private readonly CommandSlots _toDeviceCommands = new(CommandQueueSlots);
    private readonly ByteFifo _toDeviceData;
    private readonly int _maxDataPayload;
    private readonly bool _singlePipe;
    private readonly byte[] _answer = new byte[HssLayout.MaxCommandPacket];

    // Decoders for what the device writes: the engine serialises WriteCommand calls, and WriteData calls, so one
    // decoder per pipe is never used by two threads at once.
    private readonly HssPacket _deviceCommand = new();
    private readonly HssPacket _deviceData = new();
    private readonly byte[] _transmitHeader = new byte[HssLayout.HeaderSize];

    // Host TRANSMITs not yet acknowledged by the device, oldest first (guarded by _commandLock).
    private readonly ushort[] _unansweredMsgId = new ushort[OutstandingHostTransmits];
    private readonly int[] _unansweredLength = new int[OutstandingHostTransmits];
    private int _unansweredHead;
    private int _unansweredCount;

    // Guarded by _commandLock.
    private long _commandsQueued;
    private long _commandsDelivered;
    private long _commandsHandled;
    private long _deviceTransmits;
    private long _deviceTransmitBytes;
    private long _deviceAcks;
    private long _commandReaderAllocated;
    private string _failure;
    private byte[] _probe;

    // Guarded by _dataLock.
    private int _nextHostMsgId = FirstHostMsgId;
    private bool _dataReaderWaiting;
    private long _dataReaderAllocated;

    private volatile bool _closed;

    /// <param name="maxDataPayload">Largest TRANSMIT payload the host injects (the engine's MaxDataPayload).</param>
    /// <param name="singlePipe">Commands and answers travel on the data pipe (HasCommandPipe is false).</param>
    public LoopbackHostLink(int maxDataPayload, bool singlePipe = false)
    {
        _maxDataPayload = maxDataPayload;
        _singlePipe = singlePipe;
        _toDeviceData = new ByteFifo(OutstandingHostTransmits * (HssLayout.HeaderSize + maxDataPayload));
    }

    public bool HasCommandPipe => !_singlePipe;

    /// <summary>
    /// When set, each reader thread records GC.GetAllocatedBytesForCurrentThread() every time it comes back for
    /// more bytes, so allocation checks can attribute bytes to the engine's reader threads.
    /// </summary>
    public bool TrackReaderAllocations { get; set; }

    /// <summary>
    /// Calibration only: when above 0, the command reader thread allocates an array of this many bytes each time it
    /// comes back for a command, i.e. once per command handled. Shows that a measurement counts the engine's
    /// reader threads; leave at 0 to measure the engine.
    /// </summary>
    public int CommandReaderProbeBytes { get; set; }

    /// <summary>Bytes the engine's command reader thread had allocated when it last asked for a command.</summary>
    public long CommandReaderAllocated
    {
        get { lock (_commandLock) { return _commandReaderAllocated; } }
    }

    /// <summary>Bytes the engine's data reader thread had allocated when it last asked for data.</summary>
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

    /// <summary>ACKs the device sent for injected TRANSMITs.</summary>
    public long DeviceAcks
    {
        get { lock (_commandLock) { return _deviceAcks; } }
    }

    public int UnansweredHostTransmits
    {
        get { lock (_commandLock) { return _unansweredCount; } }
    }

    /// <summary>Why the host stopped playing along (a packet it did not expect), or null.</summary>
    public string Failure
    {
        get { lock (_commandLock) { return _failure; } }
    }

    // ---- device side (IHssLink) ----

    public void WriteCommand(byte[] buffer, int offset, int count)
    {
        ThrowIfClosed();
        if (_singlePipe)
        {
            Fail("device wrote on the command pipe of a single-pipe link");
        }

        int status = _deviceCommand.Decode(buffer, offset, count, HssLayout.MaxCommandPayload);
        if (status != DecodeStatus.Ok || _deviceCommand.TotalLength != count)
        {
            Fail("device wrote a bad command: " + DecodeStatus.Describe(status));
        }

        if (HssOpcode.IsData(_deviceCommand.Opcode))
        {
            Fail("device wrote " + HssOpcode.NameOf(_deviceCommand.Opcode) + " on the command pipe");
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
            if (status != DecodeStatus.Ok)
            {
                Fail("device wrote a bad data packet: " + DecodeStatus.Describe(status));
            }

            if (!_singlePipe && _deviceData.Opcode != HssOpcode.Transmit)
            {
                Fail("device wrote " + HssOpcode.NameOf(_deviceData.Opcode) + " on the data pipe");
            }

            OnDevicePacket(_deviceData);
            offset += _deviceData.TotalLength;
        }
    }

    public int ReadCommand(byte[] buffer, int offset, int count)
    {
        lock (_commandLock)
        {
            // The reader is back for more, so every command delivered so far has been handled.
            if (_commandsHandled != _commandsDelivered)
            {
                _commandsHandled = _commandsDelivered;
                Monitor.PulseAll(_commandLock);
                if (CommandReaderProbeBytes > 0)
                {
                    Volatile.Write(ref _probe, new byte[CommandReaderProbeBytes]);
                }
            }

            if (TrackReaderAllocations)
            {
                _commandReaderAllocated = GC.GetAllocatedBytesForCurrentThread();
            }

            while (_toDeviceCommands.Count == 0 && !_closed)
            {
                Monitor.Wait(_commandLock);
            }

            ThrowIfClosed();
            _commandsDelivered++;
            return _toDeviceCommands.Dequeue(buffer, offset, count);
        }
    }

    public int ReadData(byte[] buffer, int offset, int count)
    {
        lock (_dataLock)
        {
            if (TrackReaderAllocations)
            {
                _dataReaderAllocated = GC.GetAllocatedBytesForCurrentThread();
            }

            while (_toDeviceData.Count == 0 && !_closed)
            {
                _dataReaderWaiting = true;
                Monitor.PulseAll(_dataLock);
                Monitor.Wait(_dataLock);
            }

            _dataReaderWaiting = false;
            ThrowIfClosed();
            return _toDeviceData.Read(buffer.AsSpan(offset, count));
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

    /// <summary>Queues a host TRANSMIT of payload[offset..offset+count) for the device's data pipe; returns its msg_id.</summary>
    public int InjectTransmit(uint sockId, byte[] payload, int offset, int count)
    {
        if (count > _maxDataPayload)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "over the device's MaxDataPayload");
        }

        ThrowIfClosed();
        int msgId;
        lock (_commandLock)
        {
            lock (_dataLock)
            {
                msgId = _nextHostMsgId;
                _nextHostMsgId = _nextHostMsgId == 0xFFFF ? FirstHostMsgId : _nextHostMsgId + 1;
            }

            if (_unansweredCount == OutstandingHostTransmits)
            {
                throw new InvalidOperationException("too many host TRANSMITs unanswered: the application is not reading");
            }

            int tail = (_unansweredHead + _unansweredCount) % OutstandingHostTransmits;
            _unansweredMsgId[tail] = (ushort)msgId;
            _unansweredLength[tail] = count;
            _unansweredCount++;
        }

        lock (_dataLock)
        {
            PacketWriter.WriteTransmitHeader(_transmitHeader, 0, msgId, sockId, count);
            _toDeviceData.Write(_transmitHeader);
            _toDeviceData.Write(payload.AsSpan(offset, count));
            Monitor.PulseAll(_dataLock);
        }

        return msgId;
    }

    /// <summary>Waits until the engine has handled every command queued for it (the reader came back for more).</summary>
    public void WaitUntilCommandsHandled(int timeoutMs)
    {
        if (_singlePipe)
        {
            // Answers travel on the data pipe: handled once the data reader is back and the pipe is empty.
            WaitUntilDataReaderIdle(timeoutMs);
            return;
        }

        long deadline = Environment.TickCount64 + timeoutMs;
        lock (_commandLock)
        {
            while (_commandsHandled < _commandsQueued)
            {
                ThrowIfFailedOrClosed();
                int left = (int)(deadline - Environment.TickCount64);
                if (left <= 0 || !Monitor.Wait(_commandLock, left))
                {
                    ThrowIfFailedOrClosed();
                    throw new TimeoutException("the engine did not handle its commands within " + timeoutMs + " ms");
                }
            }
        }
    }

    /// <summary>Waits until the data reader has taken every injected byte and is blocked asking for more.</summary>
    public void WaitUntilDataReaderIdle(int timeoutMs)
    {
        long deadline = Environment.TickCount64 + timeoutMs;
        lock (_dataLock)
        {
            while (_toDeviceData.Count > 0 || !_dataReaderWaiting)
            {
                ThrowIfFailedOrClosed();
                int left = (int)(deadline - Environment.TickCount64);
                if (left <= 0 || !Monitor.Wait(_dataLock, left))
                {
                    throw new TimeoutException("the engine's data reader did not come back within " + timeoutMs + " ms");
                }
            }
        }
    }

    /// <summary>What a well-behaved host does with each packet from the device.</summary>
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
                int length = (int)p.PayloadLength;
                lock (_commandLock)
                {
                    _deviceTransmits++;
                    _deviceTransmitBytes += length;
                }

                // Written to the OS socket at once: ACK the whole count (docs/protocol.md section 6).
                QueueAnswer(p.MsgId, p.SockId, HssOpcode.Transmit, true, length);
                break;
            case HssOpcode.Ack:
                OnDeviceAck(p);
                break;
            default:
                Fail("device sent " + HssOpcode.NameOf(p.Opcode));
                break;
        }
    }

    /// <summary>The device acknowledged a host TRANSMIT: it must be the oldest unanswered one, with its full count.</summary>
    private void OnDeviceAck(HssPacket ack)
    {
        lock (_commandLock)
        {
            if (ack.OrigOpcode != HssOpcode.Transmit || _unansweredCount == 0)
            {
                Fail("device sent an ACK for nothing the host asked (orig " + HssOpcode.NameOf(ack.OrigOpcode) + ")");
            }

            int expectedMsgId = _unansweredMsgId[_unansweredHead];
            int expectedLength = _unansweredLength[_unansweredHead];
            if (ack.MsgId != expectedMsgId || ack.Code != HssError.Success || !ack.HasValue || ack.Value != expectedLength)
            {
                Fail("device ACK msg_id " + ack.MsgId + " code " + ack.Code + " value " + ack.Value
                    + ", expected msg_id " + expectedMsgId + " ESUCCESS value " + expectedLength);
            }

            _unansweredHead = (_unansweredHead + 1) % OutstandingHostTransmits;
            _unansweredCount--;
            _deviceAcks++;
        }
    }

    private void QueueAnswer(int msgId, uint sockId, int origOpcode, bool withValue, int value)
    {
        if (_singlePipe)
        {
            // One pipe: the answer goes between data packets, whole (docs/protocol.md section 3).
            lock (_dataLock)
            {
                ThrowIfClosed();
                int length = withValue
                    ? PacketWriter.WriteAckWithValue(_answer, 0, msgId, sockId, origOpcode, HssError.Success, value)
                    : PacketWriter.WriteAck(_answer, 0, msgId, sockId, origOpcode, HssError.Success);
                _toDeviceData.Write(_answer.AsSpan(0, length));
                Monitor.PulseAll(_dataLock);
            }

            return;
        }

        lock (_commandLock)
        {
            ThrowIfClosed();
            byte[] slot = _toDeviceCommands.Tail;
            int n = withValue
                ? PacketWriter.WriteAckWithValue(slot, 0, msgId, sockId, origOpcode, HssError.Success, value)
                : PacketWriter.WriteAck(slot, 0, msgId, sockId, origOpcode, HssError.Success);
            _toDeviceCommands.Commit(n);
            _commandsQueued++;
            Monitor.PulseAll(_commandLock);
        }
    }

    private void Fail(string reason)
    {
        lock (_commandLock)
        {
            _failure ??= reason;
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
            throw new ObjectDisposedException(nameof(LoopbackHostLink));
        }
    }
}
