using System;
using System.Threading;
using HssDevice.Transport;
using HssDevice.Wire;

namespace HssDevice.EndToEnd.Tests;

/// <summary>
/// Makes the device see the host's first data before the ACK of its CONNECT, as can happen on USB: the ACK travels
/// on the interrupt pipe, the data on the bulk pipe, and the device reads them on two threads. The ACK of a CONNECT
/// is held until the engine has handled a data transfer (it asks for the next one).
/// </summary>
public sealed class ConnectAckBehindDataLink : IHssLink
{
    private readonly IHssLink _inner;
    private readonly HssPacket _packet = new();
    private readonly ManualResetEventSlim _dataHandled = new(false);
    private bool _dataRead;

    public ConnectAckBehindDataLink(IHssLink inner) => _inner = inner;

    /// <summary>CONNECT ACKs that were held back until data had been handled.</summary>
    public int HeldAcks { get; private set; }

    public bool HasCommandPipe => _inner.HasCommandPipe;

    public void WriteCommand(byte[] buffer, int offset, int count) => _inner.WriteCommand(buffer, offset, count);

    public int ReadCommand(byte[] buffer, int offset, int count)
    {
        int n = _inner.ReadCommand(buffer, offset, count);
        if (n > 0 && _packet.Decode(buffer, offset, n, HssLayout.MaxCommandPayload) == DecodeStatus.Ok
            && _packet.Opcode == HssOpcode.Ack && _packet.OrigOpcode == HssOpcode.Connect)
        {
            // Bounded: a test that never sends data still completes its CONNECT.
            if (_dataHandled.Wait(TimeSpan.FromSeconds(10)))
            {
                HeldAcks++;
            }
        }

        return n;
    }

    public void WriteData(byte[] buffer, int offset, int count) => _inner.WriteData(buffer, offset, count);

    public int ReadData(byte[] buffer, int offset, int count)
    {
        // The engine asks for more only after it has handled every packet of the previous read.
        if (_dataRead)
        {
            _dataHandled.Set();
        }

        int n = _inner.ReadData(buffer, offset, count);
        _dataRead |= n > 0;
        return n;
    }

    public void Close() => _inner.Close();
}
