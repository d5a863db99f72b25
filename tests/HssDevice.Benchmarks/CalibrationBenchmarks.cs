using BenchmarkDotNet.Attributes;

namespace HssDevice.Benchmarks;

/// <summary>
/// Not a measurement of the engine: SendAcked with the link allocating a 1000-byte array (1,024 bytes with its
/// header on 64-bit) on the engine's command reader thread once per ACK handled. The Allocated column must show
/// about 1,024 B: proof that the memory diagnoser counts the engine's reader threads, so the "-" (0 B) of the
/// real benchmarks covers them too.
/// </summary>
[Config(typeof(DevicePathConfig))]
public class CalibrationBenchmarks
{
    private DevicePath _path;

    [GlobalSetup]
    public void Setup()
    {
        _path = DevicePath.Start();
        _path.Link.CommandReaderProbeBytes = 1000;
    }

    [GlobalCleanup]
    public void Cleanup() => _path.Dispose();

    [Benchmark]
    public void SendAckedWithReaderProbe() => _path.SendOne(64);
}
