using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using HssDevice.Tool.Fuzzing;

namespace HssDevice.Tool.Commands;

/// <summary>`hss fuzz --count N [--seed S]`: the property checks of the wire decoders and reassembler (the test suite
/// runs 10^6 of them) on as many generated inputs as asked, e.g. 10^8 for a long run.</summary>
public sealed class FuzzCommand : Command, IHelpNotes
{
    private const int PerSeed = 10_000;

    public FuzzCommand()
        : base("fuzz", "Check the HSS decoders and reassembler against N generated inputs (valid streams in random chunks, mutated, random).")
    {
        var count = NumberOption.Whole("--count", "Inputs to check (the test suite runs 1000000).", "N", 1L, long.MaxValue, 1_000_000L);
        // Seeds count up from the first (one per 10,000 inputs): the bound leaves room for that without overflow.
        var seed = NumberOption.Whole("--seed", "First seed; input i of a seed is the same on every run (a failure names its seed).", "S",
            0, 1_000_000_000, 1);
        Options.Add(count);
        Options.Add(seed);
        SetAction(parseResult => Run(parseResult.GetValue(count), parseResult.GetValue(seed),
            parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error));
    }

    public string HelpNotes => """
        Output:
          A progress line every 10 s and a summary: inputs checked, inputs per second, packets decoded, decode
          errors (documented DecodeStatus values), framing losses.

        Exit codes:
          0  every input ended in packets or a documented error, with no allocation by the decoders
          3  a property broke: stderr names the seed, the input's index and its bytes (hex)

        Example:
          hss fuzz --count 100000000
        """;

    public static int Run(long count, int firstSeed, TextWriter output, TextWriter error)
    {
        var fuzz = new WireFuzz();
        var clock = Stopwatch.StartNew();
        TimeSpan nextReport = TimeSpan.FromSeconds(10);
        int seed = firstSeed;
        try
        {
            while (fuzz.Inputs < count)
            {
                fuzz.Run(seed++, (int)Math.Min(PerSeed, count - fuzz.Inputs));
                if (clock.Elapsed >= nextReport)
                {
                    output.WriteLine(Summary(fuzz, clock.Elapsed));
                    output.Flush();
                    nextReport += TimeSpan.FromSeconds(10);
                }
            }
        }
        catch (WireFuzzFailure e)
        {
            output.WriteLine(Summary(fuzz, clock.Elapsed));
            error.WriteLine("property broken: " + e.Message);
            return ExitCodes.StepFailed;
        }

        output.WriteLine(Summary(fuzz, clock.Elapsed));
        output.WriteLine($"all {fuzz.Inputs} inputs ended in packets or documented errors (seeds {firstSeed}..{seed - 1})");
        return ExitCodes.Success;
    }

    private static string Summary(WireFuzz fuzz, TimeSpan elapsed) =>
        $"{elapsed.TotalSeconds,7:0.0} s  {fuzz.Inputs} inputs ({fuzz.Inputs / Math.Max(elapsed.TotalSeconds, 0.001):0} /s), " +
        $"{fuzz.PacketsDecoded} packets decoded, {fuzz.Errors} decode errors, {fuzz.FramingLosses} framing losses";
}
