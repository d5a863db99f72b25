using System;
using System.Collections.Generic;
using HssDevice.Tool.Decoding;
using HssDevice.Wire;

namespace HssDevice.Tool.Fuzzing;

/// <summary>A broken property: the input (as hex), the seed that makes it again, and what went wrong.</summary>
public sealed class WireFuzzFailure(string message) : Exception(message);

/// <summary>
/// Property checks of the wire decoders and the reassembler (issue 8), on generated inputs: valid packet streams
/// cut into random chunks, mutated streams, and random bytes. For every input:
/// <list type="bullet">
/// <item>HssPacket.Decode ends in Ok (the packet fits the input) or a DecodeStatus, never another exception, and
///   allocates nothing;</item>
/// <item>PacketReassembler, fed in random chunks, gives whole packets or loses framing with a DecodeStatus, never
///   throws, never allocates (so never by a length from the wire), and the packets of a valid stream come out equal
///   to the packets put in, whatever the chunking;</item>
/// <item>PacketSequence (`hss decode`) gives packets or a DecodeFailure, never another exception, and allocates in
///   proportion to the input, never to a length read from it.</item>
/// </list>
/// Deterministic: input i of seed s is the same on every run. Used by the property tests (FsCheck chooses the
/// seeds) and by `hss fuzz --count N`.
/// </summary>
public sealed class WireFuzz
{
    public const int MaxDataPayload = 1024;

    private static readonly ushort[] Opcodes =
    {
        HssOpcode.Open, HssOpcode.Connect, HssOpcode.Transmit, HssOpcode.Shutdown, HssOpcode.Close, HssOpcode.Ack, HssOpcode.Reply,
    };

    private readonly HssPacket _packet = new();
    private readonly PacketReassembler _reassembler = new(MaxDataPayload);
    private readonly byte[] _input = new byte[16384];
    private readonly byte[] _expected = new byte[16384];
    private readonly int[] _expectedEnds = new int[512];
    private readonly byte[] _address = new byte[16];

    /// <summary>Inputs checked so far, and how they ended (for the summary).</summary>
    public long Inputs { get; private set; }

    public long PacketsDecoded { get; private set; }

    public long Errors { get; private set; }

    public long FramingLosses { get; private set; }

    /// <summary>Checks `count` inputs of one seed; throws <see cref="WireFuzzFailure"/> naming seed and index.</summary>
    public void Run(int seed, int count, bool withToolDecoder = true)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            int kind = random.Next(10);
            int length;
            int expectedPackets = 0;
            if (kind < 4)
            {
                length = WriteValidStream(random, out expectedPackets);
            }
            else if (kind < 7)
            {
                length = WriteValidStream(random, out _);
                Mutate(random, length);
                if (random.Next(3) == 0)
                {
                    length = random.Next(length + 1);
                }

                expectedPackets = -1;
            }
            else
            {
                length = random.Next(0, 200);
                random.NextBytes(_input.AsSpan(0, length));
                if (length >= 2 && random.Next(2) == 0)
                {
                    // A known opcode more often than chance gives.
                    ByteOrder.WriteUInt16LE(_input, 0, Opcodes[random.Next(Opcodes.Length)]);
                }

                expectedPackets = -1;
            }

            try
            {
                CheckDecode(length);
                CheckReassembler(random, length, expectedPackets);
                if (withToolDecoder && (i & 7) == 0)
                {
                    CheckToolDecoder(length);
                }
            }
            catch (WireFuzzFailure e)
            {
                throw new WireFuzzFailure($"seed {seed}, input {i}: {e.Message}; input {Convert.ToHexString(_input, 0, length)}");
            }
            catch (Exception e)
            {
                throw new WireFuzzFailure($"seed {seed}, input {i}: {e.GetType().Name} thrown: {e.Message}; input {Convert.ToHexString(_input, 0, length)}");
            }

            Inputs++;
        }
    }

    /// <summary>Decodes the input packet by packet; an allocation fails only when decoding it again allocates again
    /// (see CheckReassembler).</summary>
    private void CheckDecode(int length)
    {
        long allocated = DecodeAll(length, count: true);
        if (allocated != 0)
        {
            long again = DecodeAll(length, count: false);
            if (again != 0)
            {
                throw new WireFuzzFailure($"HssPacket.Decode allocated {allocated} bytes, then {again} on the same input");
            }
        }
    }

    private long DecodeAll(int length, bool count)
    {
        int offset = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        while (offset < length)
        {
            int status = _packet.Decode(_input, offset, length - offset, MaxDataPayload);
            if (status != DecodeStatus.Ok)
            {
                if (status < DecodeStatus.Truncated || status > DecodeStatus.InvalidValue)
                {
                    throw new WireFuzzFailure("HssPacket.Decode returned an undocumented status " + status);
                }

                if (count)
                {
                    Errors++;
                }

                break;
            }

            if (_packet.TotalLength > length - offset || _packet.TotalLength < HssLayout.HeaderSize)
            {
                throw new WireFuzzFailure($"decoded a packet of {_packet.TotalLength} bytes from {length - offset}");
            }

            if (count)
            {
                PacketsDecoded++;
            }

            offset += _packet.TotalLength;
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>
    /// Feeds the input in random chunks. An allocation is a failure only when feeding the same chunks again allocates
    /// again: the reassembler's own allocations repeat with its input, while the runtime's one-off ones on this thread
    /// (tiered JIT, a type's first use) do not, and a loaded machine makes them land anywhere.
    /// </summary>
    private void CheckReassembler(Random random, int length, int expectedPackets)
    {
        int chunkSeed = random.Next();
        long allocated = FeedReassembler(new Random(chunkSeed), length, expectedPackets, count: true);
        if (allocated != 0)
        {
            long again = FeedReassembler(new Random(chunkSeed), length, expectedPackets, count: false);
            if (again != 0)
            {
                throw new WireFuzzFailure($"PacketReassembler allocated {allocated} bytes, then {again} on the same input");
            }
        }
    }

    /// <summary>One pass of the reassembler over the input; returns the bytes this thread allocated meanwhile.</summary>
    private long FeedReassembler(Random random, int length, int expectedPackets, bool count)
    {
        _reassembler.Reset();
        byte[] buffer = _reassembler.PacketBuffer;
        int packets = 0;
        int offset = 0;
        int expectedOffset = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        while (offset < length && !_reassembler.FramingLost)
        {
            int chunk = Math.Min(length - offset, 1 + random.Next(random.Next(2) == 0 ? 13 : 600));
            int end = offset + chunk;
            while (offset < end)
            {
                int consumed = _reassembler.Feed(_input, offset, end - offset);
                if (consumed < 0 || consumed > end - offset)
                {
                    throw new WireFuzzFailure($"Feed consumed {consumed} of {end - offset}");
                }

                offset += consumed;
                if (_reassembler.HasPacket)
                {
                    int packetLength = _reassembler.PacketLength;
                    if (packetLength < HssLayout.HeaderSize || packetLength > buffer.Length)
                    {
                        throw new WireFuzzFailure("reassembled packet of " + packetLength + " bytes");
                    }

                    if (expectedPackets >= 0)
                    {
                        int expectedLength = _expectedEnds[packets] - expectedOffset;
                        if (expectedLength != packetLength || !_expected.AsSpan(expectedOffset, expectedLength).SequenceEqual(buffer.AsSpan(0, packetLength)))
                        {
                            throw new WireFuzzFailure($"packet {packets} reassembled differently from what was written");
                        }

                        expectedOffset += expectedLength;
                    }

                    packets++;
                    _reassembler.Release();
                }
                else if (_reassembler.FramingLost)
                {
                    int error = _reassembler.FramingError;
                    if (error < DecodeStatus.Truncated || error > DecodeStatus.InvalidValue)
                    {
                        throw new WireFuzzFailure("framing lost with an undocumented status " + error);
                    }

                    if (expectedPackets >= 0)
                    {
                        throw new WireFuzzFailure("framing lost on a valid stream: " + DecodeStatus.Describe(error));
                    }

                    if (count)
                    {
                        FramingLosses++;
                    }

                    break;
                }
                else if (consumed == 0)
                {
                    throw new WireFuzzFailure("Feed consumed nothing with no packet held and framing intact");
                }
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (!ReferenceEquals(buffer, _reassembler.PacketBuffer))
        {
            throw new WireFuzzFailure("PacketReassembler replaced its buffer");
        }

        if (expectedPackets >= 0 && packets != expectedPackets)
        {
            throw new WireFuzzFailure($"{packets} packets reassembled, {expectedPackets} written");
        }

        return allocated;
    }

    private void CheckToolDecoder(int length)
    {
        byte[] bytes = _input.AsSpan(0, length).ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        List<PacketDescription> packets = PacketSequence.Decode(bytes, MaxDataPayload, out DecodeFailure? failure);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // Descriptions hold the payload as hex text and the fields as strings: proportional to the input.
        if (allocated > 64 * 1024 + 400L * length)
        {
            throw new WireFuzzFailure($"PacketSequence allocated {allocated} bytes for {length} bytes of input");
        }

        if (failure != null && (failure.Status < DecodeStatus.Truncated || failure.Status > DecodeStatus.InvalidValue || failure.ErrorOffset < 0 || failure.ErrorOffset > length))
        {
            throw new WireFuzzFailure("PacketSequence failed with " + failure);
        }

        if (failure == null && packets.Count == 0 && length > 0)
        {
            throw new WireFuzzFailure("PacketSequence returned no packet and no failure");
        }
    }

    /// <summary>Writes valid packets back to back into _input (and a copy into _expected); returns the length.</summary>
    private int WriteValidStream(Random random, out int packets)
    {
        int length = 0;
        packets = 0;
        int wanted = 1 + random.Next(5);
        for (int p = 0; p < wanted; p++)
        {
            ushort msgId = (ushort)random.Next(65536);
            uint sockId = (uint)random.Next();
            int n;
            switch (random.Next(7))
            {
                case 0:
                    n = PacketWriter.WriteOpen(_input, length, msgId, sockId, random.Next(2) == 0 ? HssFamily.IPv4 : HssFamily.IPv6, HssProtocol.Tcp, HssType.Stream);
                    break;
                case 1:
                    random.NextBytes(_address);
                    n = random.Next(2) == 0
                        ? PacketWriter.WriteConnectIPv4(_input, length, msgId, sockId, random.Next(65536), _address, 0)
                        : PacketWriter.WriteConnectIPv6(_input, length, msgId, sockId, random.Next(65536), _address, 0, (uint)random.Next(), (uint)random.Next());
                    break;
                case 2:
                    int payload = random.Next(3) == 0 ? 0 : random.Next(4) == 0 ? random.Next(MaxDataPayload + 1) : random.Next(65);
                    n = PacketWriter.WriteTransmitHeader(_input, length, msgId, sockId, payload);
                    random.NextBytes(_input.AsSpan(length + n, payload));
                    n += payload;
                    break;
                case 3:
                    n = PacketWriter.WriteShutdown(_input, length, msgId, sockId);
                    break;
                case 4:
                    n = PacketWriter.WriteClose(_input, length, msgId, sockId);
                    break;
                case 5:
                    n = PacketWriter.WriteAckWithValue(_input, length, msgId, sockId, HssOpcode.Transmit, random.Next(10), random.Next(int.MinValue, int.MaxValue));
                    break;
                default:
                    n = PacketWriter.WriteAck(_input, length, msgId, sockId, Opcodes[random.Next(Opcodes.Length)], random.Next(256));
                    break;
            }

            length += n;
            _expectedEnds[packets++] = length;
        }

        Array.Copy(_input, _expected, length);
        return length;
    }

    /// <summary>Flips, overwrites, cuts or duplicates bytes: headers with strange lengths and opcodes come out of it.</summary>
    private void Mutate(Random random, int length)
    {
        int changes = 1 + random.Next(4);
        for (int c = 0; c < changes && length > 0; c++)
        {
            int at = random.Next(length);
            switch (random.Next(3))
            {
                case 0:
                    _input[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    _input[at] = (byte)random.Next(256);
                    break;
                default:
                    _input[at] = random.Next(2) == 0 ? (byte)0xFF : (byte)0x00;
                    break;
            }
        }
    }
}
