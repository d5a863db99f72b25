using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using HssDevice.Tool.Display;
using HssDevice.Tool.Samples;
using Spectre.Console;

namespace HssDevice.Tool.Bench;

/// <summary>The text form of `hss bench`: throughput with default and reference settings side by side, then round trips.</summary>
public static class BenchTable
{
    public static void Write(TextWriter output, IReadOnlyList<BenchRecord> records)
    {
        var throughput = new Table().Border(ToolConsole.TableBorderFor(output));
        foreach (string column in new[] { "speed", "direction", "write" })
        {
            throughput.AddColumn(column);
        }

        foreach (string column in new[] { "default B/s", "of ceiling", "reference B/s", "of ceiling" })
        {
            throughput.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var group in records.Where(r => r.Kind == "throughput").GroupBy(r => (r.Speed, r.Direction, r.WriteSize)))
        {
            BenchRecord? ours = group.FirstOrDefault(r => r.Settings == "default");
            BenchRecord? reference = group.FirstOrDefault(r => r.Settings == "reference");
            throughput.AddRow(group.Key.Speed, group.Key.Direction!, SampleSteps.Size(group.Key.WriteSize ?? 0),
                Rate(ours?.BytesPerSecond), Percent(ours?.CeilingFraction), Rate(reference?.BytesPerSecond), Percent(reference?.CeilingFraction));
        }

        ToolConsole.Write(output, throughput);
        output.WriteLine();

        var roundTrips = new Table().Border(ToolConsole.TableBorderFor(output));
        roundTrips.AddColumn("speed");
        roundTrips.AddColumn(new TableColumn("default OPEN+CONNECT/s").RightAligned());
        roundTrips.AddColumn(new TableColumn("reference OPEN+CONNECT/s").RightAligned());
        foreach (var group in records.Where(r => r.Kind == "round-trips").GroupBy(r => r.Speed))
        {
            roundTrips.AddRow(group.Key,
                Rate(group.FirstOrDefault(r => r.Settings == "default")?.RoundTripsPerSecond),
                Rate(group.FirstOrDefault(r => r.Settings == "reference")?.RoundTripsPerSecond));
        }

        ToolConsole.Write(output, roundTrips);
    }

    private static string Rate(double? value) => value is double v ? v.ToString("N0", CultureInfo.InvariantCulture) : "-";

    private static string Percent(double? fraction) => fraction is double f ? (f * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "-";
}
