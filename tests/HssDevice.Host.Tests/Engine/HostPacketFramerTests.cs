using System;
using System.Collections.Generic;
using HssDevice.Wire;
using Xunit;

namespace HssDevice.Host.Tests.Engine;

/// <summary>The host's framing of the data pipe: the device reassembler's rules, a buffer that grows on demand up to
/// its bound, and packets lying whole in a read handled in place.</summary>
public class HostPacketFramerTests
{
    private static byte[] Transmit(ushort msgId, int payloadLength, byte fill)
    {
        byte[] packet = new byte[HssLayout.HeaderSize + payloadLength];
        PacketWriter.WriteTransmitHeader(packet, 0, msgId, 7, payloadLength);
        packet.AsSpan(HssLayout.HeaderSize).Fill(fill);
        return packet;
    }

    private static List<byte[]> FeedInChunks(HostPacketFramer framer, byte[] stream, int chunk, List<int>? capacities = null)
    {
        var packets = new List<byte[]>();
        for (int start = 0; start < stream.Length; start += chunk)
        {
            // Each read lands in a fresh buffer, as the host's reads reuse theirs.
            int count = Math.Min(chunk, stream.Length - start);
            byte[] read = stream.AsSpan(start, count).ToArray();
            int offset = 0;
            while (offset < count)
            {
                offset += framer.Feed(read, offset, count - offset);
                Assert.False(framer.FramingLost);
                if (framer.HasPacket)
                {
                    packets.Add(framer.PacketBuffer.AsSpan(framer.PacketOffset, framer.PacketLength).ToArray());
                    framer.Release();
                }

                capacities?.Add(framer.Capacity);
            }
        }

        return packets;
    }

    [Fact]
    public void IdleFramerHoldsOneCommandPacket()
    {
        var framer = new HostPacketFramer(65535);
        Assert.Equal(HssLayout.HeaderSize + HssLayout.MaxCommandPayload, framer.Capacity);
        Assert.Equal(HssLayout.HeaderSize + 65535, framer.MaxCapacity);
    }

    [Fact]
    public void PacketWholeInTheReadIsDeliveredInPlaceWithoutGrowing()
    {
        var framer = new HostPacketFramer(65535);
        byte[] read = new byte[100 + 2 * (HssLayout.HeaderSize + 2000)];
        Transmit(1, 2000, 0xA1).CopyTo(read, 100);
        Transmit(2, 2000, 0xA2).CopyTo(read, 100 + HssLayout.HeaderSize + 2000);

        Assert.Equal(HssLayout.HeaderSize + 2000, framer.Feed(read, 100, read.Length - 100));
        Assert.True(framer.HasPacket);
        Assert.Same(read, framer.PacketBuffer);
        Assert.Equal(100, framer.PacketOffset);
        framer.Release();
        Assert.Equal(HssLayout.HeaderSize + 2000, framer.Feed(read, 100 + HssLayout.HeaderSize + 2000, HssLayout.HeaderSize + 2000));
        Assert.Equal(0xA2, framer.PacketBuffer[framer.PacketOffset + framer.PacketLength - 1]);
        Assert.Equal(HostPacketFramer.InitialCapacity, framer.Capacity);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(64)]
    [InlineData(16 * 1024)]
    public void MaximumSizePacketSplitAcrossReadsGrowsToTheBoundAndNoFurther(int chunk)
    {
        const int max = 65535;
        var framer = new HostPacketFramer(max);
        byte[] big = Transmit(3, max, 0x5C);
        byte[] small = Transmit(4, 10, 0x11);
        byte[] stream = new byte[small.Length + big.Length + small.Length];
        small.CopyTo(stream, 0);
        big.CopyTo(stream, small.Length);
        small.CopyTo(stream, small.Length + big.Length);
        var capacities = new List<int>();

        List<byte[]> packets = FeedInChunks(framer, stream, chunk, capacities);

        Assert.Equal(3, packets.Count);
        Assert.Equal(small, packets[0]);
        Assert.Equal(big, packets[1]);
        Assert.Equal(small, packets[2]);
        Assert.All(capacities, c => Assert.InRange(c, HostPacketFramer.InitialCapacity, HssLayout.HeaderSize + max));
        Assert.Equal(HssLayout.HeaderSize + max, framer.Capacity);
    }

    [Fact]
    public void GrowsOnlyAsFarAsTheLargestSplitPacketNeeds()
    {
        var framer = new HostPacketFramer(65535);
        FeedInChunks(framer, Transmit(5, 1000, 1), 100);
        Assert.InRange(framer.Capacity, HssLayout.HeaderSize + 1000, 2 * (HssLayout.HeaderSize + 1000));
    }

    [Fact]
    public void OversizedDataPacketIsItsHeaderAndItsPayloadIsSkipped()
    {
        var framer = new HostPacketFramer(1024);
        byte[] stream = new byte[HssLayout.HeaderSize + 5000 + HssLayout.HeaderSize + 8];
        Transmit(6, 5000, 0x77).CopyTo(stream, 0);
        Transmit(7, 8, 0x88).CopyTo(stream, HssLayout.HeaderSize + 5000);
        foreach (int chunk in new[] { 1, 13, 700, stream.Length })
        {
            framer.Reset();
            List<byte[]> packets = FeedInChunks(framer, stream, chunk);
            Assert.Equal(2, packets.Count);
            Assert.Equal(HssLayout.HeaderSize, packets[0].Length);
            Assert.Equal(Transmit(7, 8, 0x88), packets[1]);
            Assert.True(framer.Capacity <= HssLayout.HeaderSize + 1024);
        }
    }

    [Fact]
    public void UntrustedHeaderLosesFramingInPlaceAndWhenSplit()
    {
        byte[] bad = new byte[HssLayout.HeaderSize];
        ByteOrder.WriteUInt16LE(bad, HssLayout.OpcodeOffset, 0x7777);
        foreach (int chunk in new[] { 5, HssLayout.HeaderSize })
        {
            var framer = new HostPacketFramer(65535);
            int offset = 0;
            while (offset < bad.Length && !framer.FramingLost)
            {
                offset += framer.Feed(bad, offset, Math.Min(chunk, bad.Length - offset));
            }

            Assert.True(framer.FramingLost);
            Assert.Equal(DecodeStatus.UnknownOpcode, framer.FramingError);
            framer.Reset();
            Assert.False(framer.FramingLost);
        }
    }

    [Fact]
    public void FramesTheSameAsTheDeviceReassemblerInRandomChunks()
    {
        var random = new Random(1234);
        for (int round = 0; round < 50; round++)
        {
            var stream = new List<byte>();
            for (int i = 0; i < 20; i++)
            {
                int length = random.Next(4) == 0 ? random.Next(3000, 9000) : random.Next(0, 600);
                stream.AddRange(Transmit((ushort)i, length, (byte)i));
            }

            byte[] bytes = stream.ToArray();
            var device = new PacketReassembler(4096);
            var host = new HostPacketFramer(4096);
            var expected = new List<byte[]>();
            int at = 0;
            var actual = new List<byte[]>();
            while (at < bytes.Length)
            {
                int count = Math.Min(random.Next(1, 5000), bytes.Length - at);
                byte[] read = bytes.AsSpan(at, count).ToArray();
                at += count;
                for (int offset = 0; offset < count;)
                {
                    offset += device.Feed(read, offset, count - offset);
                    if (device.HasPacket)
                    {
                        expected.Add(device.PacketBuffer.AsSpan(0, device.PacketLength).ToArray());
                        device.Release();
                    }
                }

                for (int offset = 0; offset < count;)
                {
                    offset += host.Feed(read, offset, count - offset);
                    if (host.HasPacket)
                    {
                        actual.Add(host.PacketBuffer.AsSpan(host.PacketOffset, host.PacketLength).ToArray());
                        host.Release();
                    }
                }
            }

            Assert.Equal(expected, actual);
            Assert.True(host.Capacity <= HssLayout.HeaderSize + 4096);
        }
    }
}
