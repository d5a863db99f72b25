using System;
using System.CommandLine;
using System.IO;
using HssDevice.Capture;
using Microsoft.Extensions.Logging;

namespace HssDevice.Tool.Commands;

/// <summary>`--pcap FILE` and `--pcap-max-bytes N` of `hss host`, `hss emulate` and `hss demo` (docs/tool.md, "Captures").</summary>
public sealed class PcapOptions
{
    public PcapOptions()
    {
        File = new Option<string?>("--pcap")
        {
            Description = "Write every USB transfer of every device to FILE, a pcap of Linux usbmon (Wireshark opens it as USB; tools/wireshark/hss.lua dissects HSS).",
            HelpName = "FILE",
        };
        MaxBytes = new Option<long>("--pcap-max-bytes")
        {
            Description = "Size at which FILE moves to FILE.1 and a new FILE starts (so at most twice this on disk).",
            DefaultValueFactory = _ => CaptureOptions.DefaultMaxFileBytes,
            HelpName = "BYTES",
        };
        MaxBytes.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long>() < CaptureOptions.MinMaxFileBytes)
            {
                result.AddError($"--pcap-max-bytes must be {CaptureOptions.MinMaxFileBytes} or more.");
            }
        });
    }

    public Option<string?> File { get; }

    public Option<long> MaxBytes { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(File);
        command.Options.Add(MaxBytes);
    }

    /// <summary>The capture the options ask for, or null without --pcap; writes "error: ..." and returns false when FILE cannot be created.</summary>
    public bool TryOpen(ParseResult parseResult, ILogger log, TextWriter error, out CaptureFile? capture)
    {
        capture = null;
        string? path = parseResult.GetValue(File);
        if (path == null)
        {
            return true;
        }

        try
        {
            capture = new CaptureFile(path, new CaptureOptions { MaxFileBytes = parseResult.GetValue(MaxBytes) }, log);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error.WriteLine($"error: cannot write the capture {path}: {e.Message}");
            return false;
        }
    }
}
