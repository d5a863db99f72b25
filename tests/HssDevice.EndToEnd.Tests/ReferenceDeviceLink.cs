using HssDevice.Transport;
using HssDevice.Wire;

namespace HssDevice.EndToEnd.Tests;

/// <summary>
/// Makes our device engine look like the reference device to the host: the reference never ACKs a host TRANSMIT
/// (docs/protocol.md section 6), so this link drops those ACKs on their way out and passes everything else.
/// </summary>
public sealed class ReferenceDeviceLink : IHssLink
{
    private readonly IHssLink _inner;
    private readonly HssPacket _packet = new();
    private readonly object _lock = new();
    private int _dropped;

    public ReferenceDeviceLink(IHssLink inner) => _inner = inner;

    /// <summary>TRANSMIT ACKs the engine wrote and the host never saw.</summary>
    public int DroppedTransmitAcks
    {
        get { lock (_lock) { return _dropped; } }
    }

    public bool HasCommandPipe => _inner.HasCommandPipe;

    public void WriteCommand(byte[] buffer, int offset, int count)
    {
        if (IsTransmitAck(buffer, offset, count))
        {
            return;
        }

        _inner.WriteCommand(buffer, offset, count);
    }

    public int ReadCommand(byte[] buffer, int offset, int count) => _inner.ReadCommand(buffer, offset, count);

    public void WriteData(byte[] buffer, int offset, int count) => _inner.WriteData(buffer, offset, count);

    public int ReadData(byte[] buffer, int offset, int count) => _inner.ReadData(buffer, offset, count);

    public void Close() => _inner.Close();

    private bool IsTransmitAck(byte[] buffer, int offset, int count)
    {
        lock (_lock)
        {
            // The engine writes one whole command per call: decode it as the host would.
            if (_packet.Decode(buffer, offset, count, HssLayout.MaxCommandPayload) != DecodeStatus.Ok
                || _packet.Opcode != HssOpcode.Ack || _packet.OrigOpcode != HssOpcode.Transmit)
            {
                return false;
            }

            _dropped++;
            return true;
        }
    }
}
