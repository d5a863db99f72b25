using BenchmarkDotNet.Attributes;

namespace HssDevice.Benchmarks;

/// <summary>A host TRANSMIT through the data pipe, reassembled and buffered by the engine, read by HssSocket.Receive, ACKed.</summary>
[Config(typeof(DevicePathConfig))]
public class ReceiveBenchmarks
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

    /// <summary>One host TRANSMIT injected, received whole, and its ACK written by the device.</summary>
    [Benchmark]
    public void ReceiveAcked() => _path.ReceiveOne(PayloadSize);
}
