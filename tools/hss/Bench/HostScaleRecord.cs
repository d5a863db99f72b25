using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace HssDevice.Tool.Bench;

/// <summary>
/// One line of `hss bench --host-scale --json`: devices, perDeviceBytesPerSecond, cpuSecondsPerSecond (the whole
/// process: host and emulated devices), memoryBytesPerDevice (managed heap after full collections, per device: for idle, the heap with the devices
/// attached less the heap before; for active and quiet, the heap with the devices connected less the heap once they
/// are gone; absent when that difference is not positive).
/// Also: state ("idle": attached, nothing ever sent; "active": each device sends device-to-host as fast as its link
/// allows; "quiet": the active devices right after, connected, sending nothing), seconds measured, the ceiling, and on
/// Linux the CPU split by thread group (ProcessCpu): hostCpuSecondsPerSecond (thread pool and socket threads: the host
/// engine with the emulated link's host end inline), emulationCpuSecondsPerSecond (the bus clock thread),
/// sinkCpuSecondsPerSecond (the bench's loopback peer), devicesCpuSecondsPerSecond (emulated devices and the
/// runtime); threadPoolWorkItemsPerTransmit and transmits (device TRANSMITs the host handled) for active runs.
/// </summary>
public sealed record HostScaleRecord
{
    public required string State { get; init; }
    public required int Devices { get; init; }
    public required double PerDeviceBytesPerSecond { get; init; }
    public required double CpuSecondsPerSecond { get; init; }
    public double? HostCpuSecondsPerSecond { get; init; }
    public double? EmulationCpuSecondsPerSecond { get; init; }
    public double? SinkCpuSecondsPerSecond { get; init; }
    public double? DevicesCpuSecondsPerSecond { get; init; }
    public long? Transmits { get; init; }
    public double? ThreadPoolWorkItemsPerTransmit { get; init; }
    public double? MemoryBytesPerDevice { get; init; }
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
