using HssDevice.Host.Emulation;
using HssDevice.Tool.Samples;

namespace HssDevice.Tool.Bench;

public enum BenchDirection
{
    /// <summary>The device application sends; the host writes to a loopback TCP sink.</summary>
    DeviceToHost,

    /// <summary>A loopback TCP source sends; the host forwards to the device application, which reads.</summary>
    HostToDevice,
}

/// <summary>One throughput measurement: a link setup, a direction, the size of each write (and of each device read).</summary>
public sealed record ThroughputCase(LinkSetup Setup, BenchDirection Direction, int WriteSize, int Bytes)
{
    public string DirectionName => Direction == BenchDirection.DeviceToHost ? "device-to-host" : "host-to-device";

    public long CeilingBytesPerSecond => UsbSpeedFacts.BulkCeilingBytesPerSecond(Setup.Speed);

    public override string ToString() =>
        $"{Setup.SpeedName} {Setup.SettingsName} {DirectionName} writes of {SampleSteps.Size(WriteSize)}";
}
