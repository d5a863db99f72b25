using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace HssDevice.Tool.Bench;

/// <summary>
/// One line of `hss bench --json`. kind "throughput": speed, direction, writeSize, settings, bytes, bytesPerSecond,
/// ceilingBytesPerSecond, ceilingFraction. kind "round-trips": speed, settings, roundTrips, roundTripsPerSecond.
/// Both: runs, medianSeconds, secondsPerRun (every run, in order).
/// </summary>
public sealed record BenchRecord
{
    public required string Kind { get; init; }
    public required string Speed { get; init; }
    public string? Direction { get; init; }
    public int? WriteSize { get; init; }
    public required string Settings { get; init; }
    public int? Bytes { get; init; }
    public double? BytesPerSecond { get; init; }
    public long? CeilingBytesPerSecond { get; init; }
    public double? CeilingFraction { get; init; }
    public int? RoundTrips { get; init; }
    public double? RoundTripsPerSecond { get; init; }
    public required int Runs { get; init; }
    public required double MedianSeconds { get; init; }
    public required double[] SecondsPerRun { get; init; }
}

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<BenchRecord>))]
public sealed partial class BenchJson : JsonSerializerContext
{
}
