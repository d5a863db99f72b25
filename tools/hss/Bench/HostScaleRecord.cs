using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace HssDevice.Tool.Bench;

/// <summary>
/// One line of `hss bench --host-scale --json`: devices, perDeviceBytesPerSecond, cpuSecondsPerSecond (the whole
/// process: host and emulated devices), memoryBytesPerDevice (managed heap after a full collection, per device).
/// Also: state ("active": each device sends device-to-host as fast as its link allows; "idle": attached, nothing
/// sent), seconds measured, hostCpuSecondsPerSecond (thread-pool and socket threads only, Linux), ceiling.
/// </summary>
public sealed record HostScaleRecord
{
    public required string State { get; init; }
    public required int Devices { get; init; }
    public required double PerDeviceBytesPerSecond { get; init; }
    public required double CpuSecondsPerSecond { get; init; }
    public double? HostCpuSecondsPerSecond { get; init; }
    public required double MemoryBytesPerDevice { get; init; }
    public required double Seconds { get; init; }
    public long? CeilingBytesPerSecond { get; init; }
}

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<HostScaleRecord>))]
public sealed partial class HostScaleJson : JsonSerializerContext
{
}
