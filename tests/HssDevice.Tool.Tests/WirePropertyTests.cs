using System;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using HssDevice.Tool.Fuzzing;
using Xunit;

namespace HssDevice.Tool.Tests;

/// <summary>
/// Property tests of HssPacket.Decode, PacketReassembler (both used by the host, DeviceConnection reads every
/// device through them) and `hss decode`'s PacketSequence: 10^6 generated inputs per run (FsCheck picks 100 seeds,
/// WireFuzz checks 10,000 inputs of each). Every input ends in packets or a documented DecodeStatus, with no other
/// exception and no allocation by the device-side decoders (so none sized by a length from the wire). The same
/// checks run longer with `hss fuzz --count 100000000`.
/// </summary>
public class WirePropertyTests
{
    private const int Seeds = 100;
    private const int InputsPerSeed = 10_000;

    [Fact]
    public void AMillionInputsEndInPacketsOrDocumentedErrors()
    {
        long inputs = 0;
        var property = Prop.ForAll(Arb.From(Gen.Choose(1, int.MaxValue)), seed =>
        {
            var fuzz = new WireFuzz();
            fuzz.Run(seed, InputsPerSeed);
            inputs += fuzz.Inputs;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Seeds).WithReplay(Seed(20261130)), property);
        Assert.Equal((long)Seeds * InputsPerSeed, inputs);
    }

    private static FSharpOption<Replay> Seed(ulong seed) => FSharpOption<Replay>.Some(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None));

    [Fact]
    public void FuzzCommandReportsItsInputs()
    {
        var run = ToolRun.Of("fuzz", "--count", "20000", "--seed", "7");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("all 20000 inputs ended in packets or documented errors (seeds 7..8)", run.Output);
    }

    [Fact]
    public void InputsOfASeedAreTheSameOnEveryRun()
    {
        var a = new WireFuzz();
        var b = new WireFuzz();
        a.Run(99, 5000);
        b.Run(99, 5000);
        Assert.Equal(a.PacketsDecoded, b.PacketsDecoded);
        Assert.Equal(a.Errors, b.Errors);
        Assert.Equal(a.FramingLosses, b.FramingLosses);
        Assert.True(a.PacketsDecoded > 0 && a.Errors > 0 && a.FramingLosses > 0, "the generator covers packets, errors and framing losses");
    }
}
