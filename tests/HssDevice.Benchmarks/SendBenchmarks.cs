using BenchmarkDotNet.Attributes;

namespace HssDevice.Benchmarks;

/// <summary>HssSocket.Send on a connected TCP socket, through the engine to the link, until the host's ACK is handled.</summary>
[Config(typeof(DevicePathConfig))]
public class SendBenchmarks
{
    private DevicePath _path;

    [Params(64, 1024)]
    public int PayloadSize { get; set; }

    [Params(DeviceTransport.TwoPipes, DeviceTransport.StreamLink)]
    public DeviceTransport Transport { get; set; }

    [GlobalSetup]
    public void Setup() => _path = DevicePath.Start(Transport);

    [GlobalCleanup]
    public void Cleanup() => _path.Dispose();

    /// <summary>One Send = one TRANSMIT out and its ACK back and handled (no batching, no coalescing).</summary>
    [Benchmark]
    public void SendAcked() => _path.SendOne(PayloadSize);

    /// <summary>One Send without waiting for its ACK: throughput per call, paced by the window and coalescing.</summary>
    [Benchmark]
    public void SendStreaming() => _path.SendStreaming(PayloadSize);
}
