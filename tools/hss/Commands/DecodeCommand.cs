using System;
using System.CommandLine;
using System.IO;
using System.Text.Json;
using HssDevice.Tool.Decoding;
using HssDevice.Wire;

namespace HssDevice.Tool.Commands;

/// <summary>`hss decode [--json] [--max-data N] HEX...`: prints the packets held in hex bytes.</summary>
public sealed class DecodeCommand : Command, IHelpNotes
{
    public DecodeCommand()
        : base("decode", "Decode HSS packets given as hex and print their fields.")
    {
        var hex = new Argument<string[]>("HEX")
        {
            Description = "Bytes in wire order holding one or more packets back to back (see Input below).",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print a JSON array, one object per packet.",
        };
        var maxData = NumberOption.Whole("--max-data",
            "Largest TRANSMIT or REPLY payload accepted (a receiver's maximum); by default " +
            "PacketReassembler.SkipLimit, the longest payload a receiver here skips rather than losing framing.",
            "BYTES", 0, int.MaxValue, PacketReassembler.SkipLimit);

        Arguments.Add(hex);
        Options.Add(json);
        Options.Add(maxData);
        SetAction(parseResult => Run(
            parseResult.GetRequiredValue(hex),
            parseResult.GetValue(json),
            parseResult.GetValue(maxData),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            Console.In));
    }

    public string HelpNotes => """
        Input:
          Whitespace may separate groups of hex digits, inside and between arguments. Each group holds whole
          bytes (an even number of digits) and may start with 0x, which is ignored: 0x0102 is the bytes 01 02
          in wire order, not a number. An argument @FILE stands for the words of FILE (lines starting with #
          are comments), for long dumps of any length; an argument - reads the words of stdin the same way.
          Argument numbers in errors count those words.

        Output:
          Text: one block per packet, one field per line. JSON: an array with one object per packet; keys
          opcode, msgId, sockId, payloadLen, then those the opcode has: handle, family, protocol, type, port,
          address, flowInfo, scopeId, origOpcode, code, value, data (lower-case hex); and offset.

        Exit codes:
          0  every byte decoded
          1  usage error: no input, an unknown option
          2  bad input: text that is not hex, or bytes that are not HSS packets

        Errors (stderr):
          error at offset N of argument M: REASON    bad hex; N counts characters of argument M from 0
          error at offset N: REASON (packet K ...)   bad packet; N counts bytes of the input from 0, K packets from 0
          Decoding stops at the first bad packet; the packets before it are still printed (with --json, stdout
          holds the array of those packets, [] when the hex itself is bad).

        Example:
          hss decode 01 00 03 00 01 00 00 00 08 00 00 00 01 00 01 bb c0 00 02 01
        """;

    public static int Run(string[] hex, bool json, int maxDataPayload, TextWriter output, TextWriter error, TextReader? input = null)
    {
        // System.CommandLine passes an unknown option on as an argument; hex never starts with '-' ("-" alone is stdin).
        foreach (string token in hex)
        {
            if (token.StartsWith('-') && token != HexSource.Stdin)
            {
                error.WriteLine($"error: unknown option '{token}'");
                return ExitCodes.Usage;
            }
        }

        if (!HexSource.TryExpand(hex, input ?? TextReader.Null, out System.Collections.Generic.List<string> words, out string? sourceError))
        {
            error.WriteLine(sourceError);
            return ExitCodes.Usage;
        }

        hex = words.ToArray();

        if (!HexInput.TryParse(hex, out byte[] bytes, out string? hexError))
        {
            if (json)
            {
                output.WriteLine("[]");
            }

            error.WriteLine(hexError);
            return ExitCodes.BadInput;
        }

        if (bytes.Length == 0)
        {
            error.WriteLine("error: no hex digits given");
            return ExitCodes.Usage;
        }

        var packets = PacketSequence.Decode(bytes, maxDataPayload, out DecodeFailure? failure);
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(packets, PacketJson.Default.ListPacketDescription));
        }
        else
        {
            PacketText.Write(output, packets);
        }

        if (failure is not null)
        {
            error.WriteLine(failure.ToString());
            return ExitCodes.BadInput;
        }

        return ExitCodes.Success;
    }
}
