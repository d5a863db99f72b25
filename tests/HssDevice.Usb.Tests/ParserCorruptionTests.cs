using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using HssDevice.Host.Usb.Parsing;
using Xunit;

namespace HssDevice.Usb.Tests;

/// <summary>
/// Corrupted descriptors: the parser rejects them with DescriptorFormatException and a reason, and never throws
/// anything else (no IndexOutOfRange, no ArgumentException, no hang). Seeds are fixed so a failure replays.
/// </summary>
public class ParserCorruptionTests
{
    private static readonly (string Kind, byte[] Bytes)[] Valid = BoardDescriptorCases.Blobs().ToArray();

    /// <summary>Runs the parser for <paramref name="kind"/>; null when it accepted the bytes, else the rejection.</summary>
    private static DescriptorFormatException? Parse(string kind, byte[] bytes)
    {
        try
        {
            switch (kind)
            {
                case "device": UsbDescriptorParser.ParseDevice(bytes); break;
                case "qualifier": UsbDescriptorParser.ParseDeviceQualifier(bytes); break;
                case "configuration": HssInterfaceFinder.Find(bytes); break;
                case "bos": UsbDescriptorParser.ParseBos(bytes); break;
                case "msos": UsbDescriptorParser.ParseMsOs20Set(bytes); break;
                case "languages": UsbDescriptorParser.ParseLanguageIds(bytes); break;
                case "string": UsbDescriptorParser.ParseString(bytes); break;
                default: throw new ArgumentException(kind);
            }

            return null;
        }
        catch (DescriptorFormatException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            Assert.InRange(e.Offset, 0, 0x10000);
            return e;
        }
    }

    /// <summary>Every parser on the same bytes: whatever they are, only DescriptorFormatException may come out.</summary>
    private static void ParseWithEveryParser(byte[] bytes)
    {
        foreach (var kind in new[] { "device", "qualifier", "configuration", "bos", "msos", "languages", "string" })
        {
            Parse(kind, bytes);
        }
    }

    [Fact]
    public void Every_valid_blob_parses()
    {
        Assert.NotEmpty(Valid);
        foreach (var (kind, bytes) in Valid)
        {
            Assert.Null(Parse(kind, bytes));
        }
    }

    [Fact]
    public void Every_truncation_is_rejected()
    {
        foreach (var (kind, bytes) in Valid)
        {
            for (int length = 0; length < bytes.Length; length++)
            {
                var error = Parse(kind, bytes[..length]);
                Assert.True(error != null, $"{kind} cut to {length} of {bytes.Length} bytes was accepted");
            }
        }
    }

    [Fact]
    public void Null_and_empty_are_rejected()
    {
        foreach (var kind in new[] { "device", "qualifier", "configuration", "bos", "msos", "languages", "string" })
        {
            Assert.NotNull(Parse(kind, null!));
            Assert.Equal(DescriptorProblem.Truncated, Parse(kind, Array.Empty<byte>())!.Problem);
        }
    }

    [Fact]
    public void Extra_bytes_after_the_total_are_rejected()
    {
        foreach (var (kind, bytes) in Valid.Where(v => v.Kind is "configuration" or "bos" or "msos" or "device"))
        {
            var error = Parse(kind, bytes.Concat(new byte[] { 0x02, 0x24 }).ToArray());
            Assert.Equal(DescriptorProblem.TotalMismatch, error?.Problem);
        }
    }

    [Fact]
    public void Every_single_byte_change_is_accepted_or_rejected_with_a_reason()
    {
        foreach (var (kind, bytes) in Valid)
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                foreach (var value in new[] { 0x00, 0x01, 0x02, 0x7F, 0x80, 0xFF, bytes[i] ^ 0x01, bytes[i] + 1, bytes[i] - 1 })
                {
                    var copy = (byte[])bytes.Clone();
                    copy[i] = (byte)value;
                    Parse(kind, copy);
                }
            }
        }
    }

    [Fact]
    public void Length_fields_set_to_zero_are_reported_as_zero_length()
    {
        var configuration = Valid.First(v => v.Kind == "configuration").Bytes;
        for (int offset = configuration[0]; offset < configuration.Length; offset += configuration[offset])
        {
            var copy = (byte[])configuration.Clone();
            copy[offset] = 0;
            Assert.Equal(DescriptorProblem.ZeroLength, Parse("configuration", copy)?.Problem);
        }
    }

    [Fact]
    public void Random_mutations_of_valid_blobs_fsCheck()
    {
        // A valid blob, then a few (position, value) changes and a new length: near-valid input reaches deep code.
        var gen =
            from index in Gen.Choose(0, Valid.Length - 1)
            from changes in Gen.ListOf(Gen.Zip(Gen.Choose(0, 1023), Gen.Choose(0, 255)))
            from resize in Gen.Choose(-8, 8)
            select Mutate(Valid[index].Bytes, changes, resize, index);
        var property = Prop.ForAll(Arb.From(gen), input =>
        {
            Parse(Valid[input.Index].Kind, input.Bytes);
            ParseWithEveryParser(input.Bytes);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(3000).WithReplay(Seed(20261122)), property);
    }

    [Fact]
    public void Random_bytes_fsCheck()
    {
        var property = Prop.ForAll(Arb.From(Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))), ParseWithEveryParser);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(3000).WithReplay(Seed(4242)), property);
    }

    [Fact]
    public void Random_lengths_and_totals_seeded()
    {
        // Without FsCheck: headers with random bLength/wTotalLength over a valid body, from a fixed seed.
        var random = new System.Random(12345);
        foreach (var (kind, bytes) in Valid)
        {
            for (int n = 0; n < 200; n++)
            {
                var copy = (byte[])bytes.Clone();
                int at = random.Next(copy.Length);
                copy[at] = (byte)random.Next(256);
                if (copy.Length > 3 && random.Next(2) == 0)
                {
                    copy[2] = (byte)random.Next(256); // wTotalLength (configuration, BOS) or a text unit
                    copy[3] = (byte)random.Next(4);
                }

                Parse(kind, copy);
                ParseWithEveryParser(copy);
            }
        }
    }

    /// <summary>A fixed FsCheck seed (odd gamma), so every run tries the same inputs and a failure replays.</summary>
    private static FSharpOption<Replay> Seed(ulong seed) => FSharpOption<Replay>.Some(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None));

    public sealed record Mutated(int Index, byte[] Bytes)
    {
        public override string ToString() => $"blob {Index}: {Convert.ToHexString(Bytes)}";
    }

    private static Mutated Mutate(byte[] original, IEnumerable<(int Position, int Value)> changes, int resize, int index)
    {
        var bytes = new byte[Math.Max(0, original.Length + resize)];
        Array.Copy(original, bytes, Math.Min(original.Length, bytes.Length));
        foreach (var (position, value) in changes)
        {
            if (bytes.Length > 0)
            {
                bytes[position % bytes.Length] = (byte)value;
            }
        }

        return new Mutated(index, bytes);
    }
}
