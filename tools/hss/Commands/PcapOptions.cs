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
        MaxBytes = NumberOption.Whole("--pcap-max-bytes",
            "Size at which FILE moves to FILE.1 and a new FILE starts (so at most twice this on disk).", "BYTES",
            CaptureOptions.MinMaxFileBytes, long.MaxValue / 4, CaptureOptions.DefaultMaxFileBytes);
        File.Validators.Add(result =>
        {
            // A file name: the empty text and a folder are refused while parsing, not when the capture opens.
            string? path = result.GetValueOrDefault<string?>();
            if (string.IsNullOrWhiteSpace(path) || path.EndsWith('/') || Directory.Exists(path))
            {
                result.AddError("--pcap: needs a file name (not empty, not a folder)");
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
