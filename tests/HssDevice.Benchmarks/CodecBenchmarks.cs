using System;
using BenchmarkDotNet.Attributes;
using HssDevice.Wire;

namespace HssDevice.Benchmarks;

/// <summary>Baseline without threads or locks: build a TRANSMIT as the engine does (header + Array.Copy) and decode it.</summary>
[Config(typeof(DevicePathConfig))]
public class CodecBenchmarks
{
    private readonly byte[] _payload = new byte[2048];
    private readonly byte[] _packet = new byte[HssLayout.HeaderSize + 2048];
    private readonly HssPacket _decoded = new();
    private ushort _msgId;

    [Params(64, 1024)]
    public int PayloadSize { get; set; }

    [Benchmark]
    public int EncodeDecodeTransmit()
    {
        _msgId = (ushort)(_msgId == 0xFFFF ? 1 : _msgId + 1);
        PacketWriter.WriteTransmitHeader(_packet, 0, _msgId, 1, PayloadSize);
        Array.Copy(_payload, 0, _packet, HssLayout.HeaderSize, PayloadSize);
        return _decoded.Decode(_packet, 0, HssLayout.HeaderSize + PayloadSize, 2048);
    }
}
