using System;
using System.CommandLine;
using System.IO;
using HssDevice.Host.Usb;
using HssDevice.Host.Usb.Boards;
using HssDevice.Host.Usb.Parsing;
using HssDevice.Host.Usb.Printing;
using HssDevice.Usb;

namespace HssDevice.Tool.Commands;

/// <summary>
/// `hss descriptors --board NAME [--speed full|high] [--profile vendor|cdc] [--hex]`: the USB descriptors a board
/// answers with, built by the device code from boards/NAME.json and decoded by the host's independent parser.
/// </summary>
public sealed class DescriptorsCommand : Command, IHelpNotes
{
    public DescriptorsCommand()
        : base("descriptors", "Print the USB descriptors of a board, decoded as lsusb -v does, or as hex.")
    {
        var board = new Option<string>("--board")
        {
            Description = "Board name: a file boards/NAME.json (esp32-s3, stm32f769i-discovery, ...).",
            Required = true,
            HelpName = "NAME",
        };
        var speed = new Option<string?>("--speed")
        {
            Description = "Bus speed the device runs at; default the board's speed. A high-speed board can also run at full speed.",
            HelpName = "full|high",
        };
        ChoiceOption.AcceptOnly(speed, "full", "high");
        var profile = new Option<string?>("--profile")
        {
            Description = "Descriptor profile; default the board's (vendor: one 0xFF/0xAB/0x00 interface; cdc: IAD, communications and data interfaces).",
            HelpName = "vendor|cdc",
        };
        ChoiceOption.AcceptOnly(profile, "vendor", "cdc");
        var hex = new Option<bool>("--hex")
        {
            Description = "Print each descriptor's bytes as hex instead of decoding them.",
        };
        var boardsDir = new Option<string?>("--boards-dir")
        {
            Description = "Folder of board files; default boards/ of the repository above the working directory, else the one beside the tool.",
            HelpName = "DIR",
        };

        Options.Add(board);
        Options.Add(speed);
        Options.Add(profile);
        Options.Add(hex);
        Options.Add(boardsDir);
        BoardChoice.AddValidator(this, board, boardsDir);
        SetAction(parseResult => Run(
            parseResult.GetRequiredValue(board),
            parseResult.GetValue(speed),
            parseResult.GetValue(profile),
            parseResult.GetValue(hex),
            parseResult.GetValue(boardsDir),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
    }

    public string HelpNotes => """
        Output:
          Device, configuration (with the HSS interface found by the host's parser), device qualifier and
          other-speed configuration (high-speed boards only: a full-speed-only device stalls those requests),
          BOS with the Microsoft OS 2.0 platform capability, the MS OS 2.0 descriptor set, and the strings.

        Exit codes:
          0  printed
          1  usage error: no --board, a --speed or --profile value not listed
          2  bad input: unknown board, a board file with an error, --speed high for a full-speed board

        Example:
          hss descriptors --board stm32f769i-discovery --profile cdc --speed full
        """;

    public static int Run(string board, string? speed, string? profile, bool hex, string? boardsDir, TextWriter output, TextWriter error)
    {
        try
        {
            var settings = BoardDirectory.Load(BoardDirectory.Locate(boardsDir), board).ToDeviceSettings();
            var runningSpeed = speed == null ? settings.Speed : speed == "high" ? UsbSpeed.High : UsbSpeed.Full;
            if (runningSpeed == UsbSpeed.High && settings.Speed != UsbSpeed.High)
            {
                error.WriteLine($"error: board {board} is full-speed only; it cannot run at high speed");
                return ExitCodes.BadInput;
            }

            var chosenProfile = profile == null ? settings.Profile : profile == "cdc" ? HssUsbProfile.Cdc : HssUsbProfile.Vendor;
            var bundle = DescriptorBundle.Build(settings, chosenProfile, runningSpeed);
            output.Write(hex ? DescriptorPrinter.Hex(bundle) : DescriptorPrinter.Decode(bundle));
            return ExitCodes.Success;
        }
        catch (BoardFileException e)
        {
            error.WriteLine("error: " + e.Message);
            return ExitCodes.BadInput;
        }
        catch (DescriptorFormatException e)
        {
            // The device builder produced bytes the host parser rejects: a bug, reported rather than hidden.
            error.WriteLine("error: descriptors do not parse: " + e.Message);
            return ExitCodes.BadInput;
        }
        catch (ArgumentException e)
        {
            error.WriteLine("error: " + e.Message);
            return ExitCodes.BadInput;
        }
    }
}
