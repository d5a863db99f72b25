using System;
using HssDevice.Wire;

namespace HssDevice.Host;

/// <summary>
/// The host's framing of a device's data pipe (docs/protocol.md sections 3, 11): the same rules as the device's
/// <see cref="PacketReassembler"/> (a header may split anywhere, a payload may span reads, several packets may share
/// one; an oversized data packet is delivered as its header and its payload skipped; an untrusted header loses
/// framing), with two differences that matter for a host serving many devices:
/// <list type="bullet">
/// <item>A packet lying whole in the read buffer is delivered where it lies (<see cref="PacketBuffer"/> is then the
/// caller's buffer, at <see cref="PacketOffset"/>): no copy.</item>
/// <item>Only packets split across reads are copied, into a buffer that starts at one command packet and grows on
/// demand up to the header plus the largest accepted payload, so an idle device holds 64 bytes here, not 64 KiB.</item>
/// </list>
/// </summary>
internal sealed class HostPacketFramer
{
    /// <summary>Bytes held up front: one header and the longest command payload.</summary>
    public const int InitialCapacity = HssLayout.HeaderSize + HssLayout.MaxCommandPayload;

    private readonly int _maxDataPayload;
    private readonly int _maxCapacity;
    private byte[] _buffer = new byte[InitialCapacity];
    private int _filled;
    private int _expected;
    private int _skipRemaining;
    private int _skipAfterRelease;

    public HostPacketFramer(int maxDataPayload)
    {
        if (maxDataPayload < HssLayout.MaxCommandPayload)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDataPayload));
        }

        _maxDataPayload = maxDataPayload;
        _maxCapacity = HssLayout.HeaderSize + maxDataPayload;
    }

    /// <summary>Where the packet held lies: the reassembly buffer, or the buffer last fed.</summary>
    public byte[] PacketBuffer { get; private set; } = Array.Empty<byte>();

    public int PacketOffset { get; private set; }

    public int PacketLength { get; private set; }

    public bool HasPacket { get; private set; }

    /// <summary>The packet held is only the header of a data packet over the maximum; its payload is skipped.</summary>
    public bool IsOversized { get; private set; }

    public bool FramingLost { get; private set; }

    /// <summary>The <see cref="DecodeStatus"/> that lost framing.</summary>
    public int FramingError { get; private set; }

    /// <summary>Bytes the reassembly buffer holds now (grown on demand, never past <see cref="MaxCapacity"/>).</summary>
    public int Capacity => _buffer.Length;

    /// <summary>The header plus the largest accepted data payload.</summary>
    public int MaxCapacity => _maxCapacity;

    /// <summary>Bytes of a packet received so far, or still to skip (0 between packets).</summary>
    public int Pending => _filled + _skipRemaining;

    /// <summary>Consumes bytes until one packet is whole; returns how many were consumed (0 while a packet is held).
    /// The packet may lie in `input`: handle it before feeding the next bytes or reusing that buffer.</summary>
    public int Feed(byte[] input, int offset, int count)
    {
        if (HasPacket || FramingLost)
        {
            return 0;
        }

        if (_filled == 0 && _skipRemaining == 0 && count >= HssLayout.HeaderSize)
        {
            // Between packets with a whole header here: deliver in place when the whole packet is here too.
            int whole = CheckHeader(input, offset);
            if (FramingLost)
            {
                return 0;
            }

            if (whole <= count)
            {
                Deliver(input, offset, whole);
                return whole;
            }
        }

        int consumed = 0;
        while (consumed < count && !HasPacket && !FramingLost)
        {
            int available = count - consumed;
            if (_skipRemaining > 0)
            {
                int skip = Math.Min(available, _skipRemaining);
                _skipRemaining -= skip;
                consumed += skip;
                continue;
            }

            int want = (_expected == 0 ? HssLayout.HeaderSize : _expected) - _filled;
            int take = Math.Min(available, want);
            Array.Copy(input, offset + consumed, _buffer, _filled, take);
            _filled += take;
            consumed += take;
            if (_expected == 0)
            {
                if (_filled == HssLayout.HeaderSize)
                {
                    int whole = CheckHeader(_buffer, 0);
                    if (!FramingLost && whole == HssLayout.HeaderSize)
                    {
                        Deliver(_buffer, 0, HssLayout.HeaderSize);
                    }
                    else if (!FramingLost)
                    {
                        _expected = whole;
                        Grow(whole);
                    }
                }
            }
            else if (_filled == _expected)
            {
                Deliver(_buffer, 0, _filled);
            }
        }

        return consumed;
    }

    /// <summary>Done with the packet held; the next one may assemble.</summary>
    public void Release()
    {
        HasPacket = false;
        IsOversized = false;
        PacketLength = 0;
        PacketOffset = 0;
        PacketBuffer = Array.Empty<byte>();
        _filled = 0;
        _expected = 0;
        _skipRemaining = _skipAfterRelease;
        _skipAfterRelease = 0;
    }

    /// <summary>Forgets everything, framing errors included (after a link reset).</summary>
    public void Reset()
    {
        _skipAfterRelease = 0;
        Release();
        FramingLost = false;
        FramingError = DecodeStatus.Ok;
    }

    /// <summary>Checks a header by the shared rule (<see cref="HssRules.CheckFrameHeader"/>) and returns the length of the packet to deliver:
    /// the header alone for an empty or oversized one (whose payload is then skipped). Sets FramingLost instead.</summary>
    private int CheckHeader(byte[] buffer, int offset)
    {
        int status = HssRules.CheckFrameHeader(buffer, offset, _maxDataPayload, out int payloadLength, out bool oversized);
        if (status != DecodeStatus.Ok)
        {
            Lose(status);
            return 0;
        }

        if (oversized)
        {
            IsOversized = true;
            _skipAfterRelease = payloadLength;
            return HssLayout.HeaderSize;
        }

        return HssLayout.HeaderSize + payloadLength;
    }

    /// <summary>Makes room for a packet of `length` bytes (at most the maximum, which CheckHeader guarantees).</summary>
    private void Grow(int length)
    {
        if (length <= _buffer.Length)
        {
            return;
        }

        int size = Math.Min(Math.Max(length, 2 * _buffer.Length), _maxCapacity);
        byte[] grown = new byte[size];
        Array.Copy(_buffer, 0, grown, 0, _filled);
        _buffer = grown;
    }

    private void Deliver(byte[] buffer, int offset, int length)
    {
        PacketBuffer = buffer;
        PacketOffset = offset;
        PacketLength = length;
        HasPacket = true;
    }

    private void Lose(int status)
    {
        FramingLost = true;
        FramingError = status;
    }
}
