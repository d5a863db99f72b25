using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host.Emulation;
using HssDevice.Tool.Bench;
using HssDevice.Tool.Samples;

namespace HssDevice.Tool.Commands;

/// <summary>
/// `hss bench [--json]`: throughput and OPEN+CONNECT round trips of the device engine through the emulated USB link
/// with its timing model and the host, at full and high speed, our defaults beside the reference-compatible setting.
/// </summary>
public sealed class BenchCommand : Command, IHelpNotes
{
    public static readonly int[] WriteSizes = [64, 1024, 16 * 1024];

    public BenchCommand()
        : base("bench", "Measure throughput and OPEN+CONNECT round trips over the emulated USB link with its timing model.")
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array, one object per measurement." };
        var runs = NumberOption.Whole("--runs", "Runs of each measurement; the median is reported.", "N", 1, 1000, 3);
        var bytes = NumberOption.Whole("--bytes", "Bytes each throughput run moves over one TCP socket.", "N", 1, 1 << 30, 1024 * 1024);
        var roundTrips = NumberOption.Whole("--round-trips", "OPEN+CONNECT pairs in each round-trip run.", "N", 1, 1_000_000, 100);
        var speed = new Option<string?>("--speed")
        {
            Description = "Only this speed (default both).",
            HelpName = "full|high",
        };
        ChoiceOption.AcceptOnly(speed, "full", "high");
        var hostScale = new Option<bool>("--host-scale")
        {
            Description = "Instead: one host serving many emulated full-speed devices (active, each at line rate) and many idle ones; CPU and memory.",
        };
        var devices = NumberOption.Whole("--devices", "With --host-scale: active devices.", "N", 1, 10_000, 64);
        var idleDevices = NumberOption.Whole("--idle-devices", "With --host-scale: idle devices.", "N", 1, 100_000, 1000);
        var seconds = NumberOption.Real("--seconds", "With --host-scale: seconds each state is measured.", "S", 0, aboveIncluded: false, 3600, 3.0);
        var only = new Option<string?>("--only")
        {
            Description = "Only the measurements whose progress line contains TEXT (e.g. \"high default host-to-device writes of 64 B\").",
            HelpName = "TEXT",
        };

        Options.Add(json);
        Options.Add(runs);
        Options.Add(bytes);
        Options.Add(roundTrips);
        Options.Add(speed);
        Options.Add(only);
        Options.Add(hostScale);
        Options.Add(devices);
        Options.Add(idleDevices);
        Options.Add(seconds);
        SetAction((parseResult, cancellationToken) =>
        {
            if (parseResult.GetValue(hostScale))
            {
                return RunHostScaleAsync(parseResult.GetValue(devices), parseResult.GetValue(idleDevices), parseResult.GetValue(seconds),
                    parseResult.GetValue(json), parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error);
            }

            string? oneSpeed = parseResult.GetValue(speed);
            UsbSpeed[] speeds = oneSpeed == null ? [UsbSpeed.FullSpeed, UsbSpeed.HighSpeed] : [LinkSetup.ParseSpeed(oneSpeed)];
            return RunAsync(speeds, parseResult.GetValue(runs), parseResult.GetValue(bytes), parseResult.GetValue(roundTrips),
                parseResult.GetValue(json), parseResult.GetValue(only), parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error, cancellationToken);
        });
    }

    public string HelpNotes => """
        What is measured:
          Device engine (firmware/HssDevice, with the budgets of the board of that speed: esp32-s3 at full speed,
          stm32f769i-discovery at high speed) -> emulated USB link (timing model: 19 x 64 B bulk packets per 1 ms
          frame at full speed, 13 x 512 B per 125 us microframe at high speed, one interrupt packet each way per
          the board's interval: 1 ms and 125 us) -> HSS host (limits matching the board) -> a loopback TCP sink (device-to-host), and a loopback TCP source -> host
          -> device (host-to-device), 1 MiB in writes (and device reads) of 64 B, 1 KiB and 16 KiB. "default" is our
          link and host; "reference" is the reference-compatible setting (one packet per transfer, no zero-length
          packets, 3-byte TRANSMIT ACKs, host ignores device ACKs). The ceiling is the bulk payload limit of the
          bus: 1,216,000 B/s at full speed, 53,248,000 B/s at high speed. Round trips: OPEN then CONNECT (to a
          loopback listener), timed together, the CLOSE not timed. Every figure is the median of --runs runs.

        Output:
          Progress on stderr, each throughput run with what it put on the bus and the least time the timing model
          allows for that (bulk packets, interrupt transfers, TRANSMITs and their average size). Text: two tables. --json: an array of objects with kind ("throughput" or
          "round-trips"), speed ("full"/"high"), settings ("default"/"reference"), runs, medianSeconds,
          secondsPerRun; throughput adds direction ("device-to-host"/"host-to-device"), writeSize, bytes,
          bytesPerSecond, ceilingBytesPerSecond, ceilingFraction (0..1); round trips add roundTrips,
          roundTripsPerSecond.

        Exit codes:
          0  measured
          1  usage error
          3  a measurement failed (named on stderr)

        Example:
          hss bench --runs 5
          hss bench --json --bytes 65536 --runs 1
        """;

    public static async Task<int> RunAsync(IReadOnlyList<UsbSpeed> speeds, int runs, int bytes, int roundTrips, bool json, string? only,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var records = new List<BenchRecord>();
        string current = "warm-up";
        try
        {
            // Untimed: the first runs would otherwise measure the JIT.
            foreach (bool reference in new[] { false, true })
            {
                var warm = new LinkSetup(UsbSpeed.HighSpeed, reference, Timing: false);
                await LinkBenchmark.MeasureThroughputAsync(new ThroughputCase(warm, BenchDirection.DeviceToHost, 1024, 64 * 1024)).ConfigureAwait(false);
                await LinkBenchmark.MeasureThroughputAsync(new ThroughputCase(warm, BenchDirection.HostToDevice, 1024, 64 * 1024)).ConfigureAwait(false);
                await LinkBenchmark.MeasureRoundTripsAsync(warm, 5).ConfigureAwait(false);
            }

            foreach (UsbSpeed speed in speeds)
            {
                foreach (BenchDirection direction in new[] { BenchDirection.DeviceToHost, BenchDirection.HostToDevice })
                {
                    foreach (int writeSize in WriteSizes)
                    {
                        foreach (bool reference in new[] { false, true })
                        {
                            var benchCase = new ThroughputCase(new LinkSetup(speed, reference, Timing: true), direction, writeSize, bytes);
                            current = benchCase.ToString();
                            if (only != null && !current.Contains(only, StringComparison.Ordinal))
                            {
                                continue;
                            }

                            double[] seconds = await RepeatAsync(runs, current, async () =>
                            {
                                (double s, RunProfile profile) = await LinkBenchmark.MeasureThroughputProfiledAsync(benchCase).ConfigureAwait(false);
                                return (s, profile.Describe(benchCase.Bytes));
                            }, error, cancellationToken).ConfigureAwait(false);
                            records.Add(Throughput(benchCase, seconds));
                        }
                    }
                }

                foreach (bool reference in new[] { false, true })
                {
                    var setup = new LinkSetup(speed, reference, Timing: true);
                    current = $"{setup.SpeedName} {setup.SettingsName} OPEN+CONNECT x {roundTrips}";
                    if (only != null && !current.Contains(only, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    double[] seconds = await RepeatAsync(runs, current, async () => (await LinkBenchmark.MeasureRoundTripsAsync(setup, roundTrips).ConfigureAwait(false), (string?)null), error, cancellationToken).ConfigureAwait(false);
                    double median = Median(seconds);
                    records.Add(new BenchRecord
                    {
                        Kind = "round-trips",
                        Speed = setup.SpeedName,
                        Settings = setup.SettingsName,
                        RoundTrips = roundTrips,
                        RoundTripsPerSecond = Math.Round(roundTrips / median, 1),
                        Runs = runs,
                        MedianSeconds = median,
                        SecondsPerRun = seconds,
                    });
                }
            }
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("bench: cancelled");
            return ExitCodes.StepFailed;
        }
        catch (Exception e) when (e is HssSocketException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
        {
            error.WriteLine($"error: measurement {current} failed: {e.Message}");
            return ExitCodes.StepFailed;
        }

        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(records, BenchJson.Default.ListBenchRecord));
        }
        else
        {
            output.WriteLine($"hss bench: median of {runs} run(s), {SampleSteps.Size(bytes)} per throughput run, {roundTrips} OPEN+CONNECT per round-trip run");
            BenchTable.Write(output, records);
        }

        return ExitCodes.Success;
    }

    public static async Task<int> RunHostScaleAsync(int devices, int idleDevices, double seconds, bool json, TextWriter output, TextWriter error)
    {
        var records = new List<HostScaleRecord>();
        try
        {
            // Idle first: afterwards the runtime still settles (tiered JIT, background GC) from the active run.
            records.Add(await HostScaleBenchmark.MeasureIdleAsync(idleDevices, seconds, error).ConfigureAwait(false));
            records.AddRange(await HostScaleBenchmark.MeasureActiveAsync(devices, seconds, error).ConfigureAwait(false));
        }
        catch (Exception e) when (e is HssSocketException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
        {
            error.WriteLine($"error: host scale measurement failed: {e.Message}");
            return ExitCodes.StepFailed;
        }

        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(records, HostScaleJson.Default.ListHostScaleRecord));
            return ExitCodes.Success;
        }

        output.WriteLine($"hss bench --host-scale: one host, emulated full-speed devices (board {LinkSetup.FullSpeedBoard}, timing model), {seconds.ToString("0.##", CultureInfo.InvariantCulture)} s per state");
        foreach (HostScaleRecord r in records)
        {
            string rate = r.State != "idle"
                ? $"{r.PerDeviceBytesPerSecond.ToString("N0", CultureInfo.InvariantCulture)} B/s per device ({(r.PerDeviceBytesPerSecond / r.CeilingBytesPerSecond!.Value * 100).ToString("0.0", CultureInfo.InvariantCulture)} % of the ceiling), "
                : "";
            string hostCpu = r.HostCpuSecondsPerSecond is double h
                ? $" (host threads {h.ToString("0.000", CultureInfo.InvariantCulture)}, emulation {r.EmulationCpuSecondsPerSecond!.Value.ToString("0.000", CultureInfo.InvariantCulture)}, " +
                  $"devices {r.DevicesCpuSecondsPerSecond!.Value.ToString("0.000", CultureInfo.InvariantCulture)}, sink {r.SinkCpuSecondsPerSecond!.Value.ToString("0.000", CultureInfo.InvariantCulture)})"
                : "";
            output.WriteLine($"{r.State,-6} {r.Devices,5} devices: {rate}{r.CpuSecondsPerSecond.ToString("0.000", CultureInfo.InvariantCulture)} CPU s/s{hostCpu}, " +
                             (r.MemoryBytesPerDevice is double memory ? $"{memory.ToString("N0", CultureInfo.InvariantCulture)} B per device" : "no memory figure"));
        }

        return ExitCodes.Success;
    }

    private static async Task<double[]> RepeatAsync(int runs, string what, Func<Task<(double Seconds, string? Detail)>> measure, TextWriter progress, CancellationToken cancellationToken)
    {
        var seconds = new double[runs];
        for (int run = 0; run < runs; run++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (seconds[run], string? detail) = await measure().ConfigureAwait(false);
            progress.WriteLine($"bench: {what}: run {run + 1}/{runs} {seconds[run].ToString("0.000", CultureInfo.InvariantCulture)} s" + (detail == null ? "" : "; " + detail));
            progress.Flush();
        }

        return seconds;
    }

    private static BenchRecord Throughput(ThroughputCase benchCase, double[] seconds)
    {
        double median = Median(seconds);
        double rate = benchCase.Bytes / median;
        return new BenchRecord
        {
            Kind = "throughput",
            Speed = benchCase.Setup.SpeedName,
            Direction = benchCase.DirectionName,
            WriteSize = benchCase.WriteSize,
            Settings = benchCase.Setup.SettingsName,
            Bytes = benchCase.Bytes,
            BytesPerSecond = Math.Round(rate),
            CeilingBytesPerSecond = benchCase.CeilingBytesPerSecond,
            CeilingFraction = Math.Round(rate / benchCase.CeilingBytesPerSecond, 4),
            Runs = seconds.Length,
            MedianSeconds = median,
            SecondsPerRun = seconds,
        };
    }

    private static double Median(double[] values)
    {
        double[] sorted = values.OrderBy(v => v).ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
