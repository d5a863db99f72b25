using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using HssDevice.Tool.Bench;
using Xunit;

namespace HssDevice.Tool.Tests;

/// <summary>`hss bench`: the documented keys and sane values, on a small run (no timed assertions).</summary>
public class BenchTests
{
    [Fact]
    public async Task BenchJson_HasOneObjectPerMeasurement_WithTheDocumentedKeys()
    {
        var run = await ToolRun.OfAsync("bench", "--json", "--bytes", "65536", "--runs", "1", "--round-trips", "5");
        Assert.True(run.ExitCode == 0, run.Error);
        using var document = JsonDocument.Parse(run.Output);
        JsonElement[] records = document.RootElement.EnumerateArray().ToArray();

        JsonElement[] throughput = records.Where(r => r.GetProperty("kind").GetString() == "throughput").ToArray();
        var seen = new HashSet<string>();
        foreach (JsonElement record in throughput)
        {
            string speed = record.GetProperty("speed").GetString()!;
            string direction = record.GetProperty("direction").GetString()!;
            int writeSize = record.GetProperty("writeSize").GetInt32();
            string settings = record.GetProperty("settings").GetString()!;
            Assert.Contains(speed, new[] { "full", "high" });
            Assert.Contains(direction, new[] { "device-to-host", "host-to-device" });
            Assert.Contains(writeSize, new[] { 64, 1024, 16384 });
            Assert.Contains(settings, new[] { "default", "reference" });
            Assert.True(seen.Add($"{speed} {direction} {writeSize} {settings}"));

            double bytesPerSecond = record.GetProperty("bytesPerSecond").GetDouble();
            double fraction = record.GetProperty("ceilingFraction").GetDouble();
            long ceiling = record.GetProperty("ceilingBytesPerSecond").GetInt64();
            Assert.Equal(speed == "full" ? 1_216_000 : 53_248_000, ceiling);
            Assert.True(bytesPerSecond > 0);
            Assert.True(fraction > 0 && fraction <= 1, $"ceilingFraction {fraction}");
            Assert.InRange(fraction, bytesPerSecond / ceiling - 0.001, bytesPerSecond / ceiling + 0.001);
            Assert.Equal(1, record.GetProperty("runs").GetInt32());
            Assert.Equal(65536, record.GetProperty("bytes").GetInt32());
            Assert.True(record.GetProperty("medianSeconds").GetDouble() > 0);
        }

        Assert.Equal(2 * 2 * 3 * 2, seen.Count);

        JsonElement[] roundTrips = records.Where(r => r.GetProperty("kind").GetString() == "round-trips").ToArray();
        Assert.Equal(4, roundTrips.Length);
        Assert.All(roundTrips, r => Assert.True(r.GetProperty("roundTripsPerSecond").GetDouble() > 0));
        Assert.Equal(new[] { "full default", "full reference", "high default", "high reference" },
            roundTrips.Select(r => r.GetProperty("speed").GetString() + " " + r.GetProperty("settings").GetString()).ToArray());

        Assert.Contains("bench: full default device-to-host writes of 64 B: run 1/1", run.Error);
    }

    [Fact]
    public async Task BenchText_PrintsBothTables()
    {
        var run = await ToolRun.OfAsync("bench", "--speed", "full", "--bytes", "16384", "--runs", "1", "--round-trips", "3");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("| speed | direction", run.Output);
        Assert.Contains("| full  | host-to-device | 16 KiB |", run.Output);
        Assert.Contains("default OPEN+CONNECT/s", run.Output);
        Assert.DoesNotContain("| high", run.Output);
    }

    [Fact]
    public async Task Bench_BadCounts_AreUsageErrors()
    {
        Assert.Equal(ExitCodes.Usage, (await ToolRun.OfAsync("bench", "--runs", "0")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await ToolRun.OfAsync("bench", "--speed", "low")).ExitCode);
    }
}

/// <summary>`hss bench --host-scale`: runs with small numbers; its JSON has the documented shape (no timed assertions).</summary>
public class HostScaleBenchTests
{
    [Fact]
    public async Task HostScaleJson_IsAnArrayOfDevicesRateCpuAndMemory()
    {
        var run = await ToolRun.OfAsync("bench", "--host-scale", "--json", "--devices", "2", "--idle-devices", "3", "--seconds", "0.3");
        Assert.True(run.ExitCode == 0, run.Error);
        using var document = JsonDocument.Parse(run.Output);
        JsonElement[] records = document.RootElement.EnumerateArray().ToArray();
        Assert.Equal(new[] { "idle", "active", "quiet" }, records.Select(r => r.GetProperty("state").GetString()).ToArray());
        Assert.Equal(new[] { 3, 2, 2 }, records.Select(r => r.GetProperty("devices").GetInt32()).ToArray());
        foreach (JsonElement record in records)
        {
            Assert.True(record.GetProperty("cpuSecondsPerSecond").GetDouble() >= 0);
            // A figure per device that means something, or none (issue 16: the active run reported a negative one).
            // Absent is allowed: other tests in this process allocate at the same time.
            if (record.TryGetProperty("memoryBytesPerDevice", out JsonElement memory))
            {
                Assert.True(memory.GetDouble() > 0, $"{record.GetProperty("state")}: memoryBytesPerDevice {memory}");
            }

            Assert.True(record.GetProperty("perDeviceBytesPerSecond").ValueKind == JsonValueKind.Number);
        }

        Assert.Equal(0, records[0].GetProperty("perDeviceBytesPerSecond").GetDouble());
        Assert.True(records[1].GetProperty("perDeviceBytesPerSecond").GetDouble() > 0, "active devices moved no data");
        // The active run counts the TRANSMITs the host handled and, where /proc is readable, splits the CPU so that the
        // host's own share is visible apart from the emulation, the devices and the bench's sink.
        Assert.True(records[1].GetProperty("transmits").GetInt64() > 0);
        Assert.True(records[1].GetProperty("threadPoolWorkItemsPerTransmit").GetDouble() >= 0);
        if (OperatingSystem.IsLinux())
        {
            foreach (string split in new[] { "hostCpuSecondsPerSecond", "emulationCpuSecondsPerSecond", "devicesCpuSecondsPerSecond", "sinkCpuSecondsPerSecond" })
            {
                Assert.True(records[1].GetProperty(split).GetDouble() >= 0, split);
            }
        }
    }

    [Theory]
    [InlineData(1_000_000, 600_000, 4, 100_000.0)]
    [InlineData(600_000, 1_000_000, 4, null)]
    [InlineData(600_000, 600_000, 4, null)]
    public void MemoryPerDevice_IsThePositiveDifference_OrNone(long with, long without, int devices, double? expected)
    {
        Assert.Equal(expected, HostScaleBenchmark.MemoryPerDevice(with, without, devices));
    }

    [Fact]
    public async Task HostScaleText_NamesBothStates()
    {
        var run = await ToolRun.OfAsync("bench", "--host-scale", "--devices", "1", "--idle-devices", "2", "--seconds", "0.2");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("active     1 devices:", run.Output);
        Assert.Contains("idle       2 devices:", run.Output);
        Assert.Contains("quiet      1 devices:", run.Output);
        Assert.Equal(ExitCodes.Usage, (await ToolRun.OfAsync("bench", "--host-scale", "--seconds", "0")).ExitCode);
    }
}
