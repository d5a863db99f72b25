using System;
using System.Collections.Generic;
using System.Linq;
using System.CommandLine;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using HssDevice.App;
using HssDevice.Capture;
using HssDevice.Engine;
using HssDevice.Host.Emulation;
using HssDevice.Sockets;
using HssDevice.Tool.Display;
using Microsoft.Extensions.Logging;
using HssDevice.Tool.Samples;

namespace HssDevice.Tool.Commands;

/// <summary>
/// `hss emulate --connect ADDR:PORT [targets]` (or `--usbip [ADDR:]PORT`, EmulateUsbIp): an emulated device that connects to `hss host --listen` (or any HSS
/// host speaking the single-pipe profile on TCP) and runs the sample device application against the targets.
/// </summary>
public sealed class EmulateCommand : Command, IHelpNotes
{
    public EmulateCommand()
        : base("emulate", "Run the sample device application on an emulated device connected to an HSS host over TCP (single-pipe profile).")
    {
        var connect = EndPointOption.Ip("--connect", "Address and port of the host (hss host --listen).");
        var usbip = new Option<string?>("--usbip")
        {
            Description = "Instead of --connect: serve the device over USB/IP (bus ID 1-1) for usbip attach / vhci-hcd; default 127.0.0.1:3240.",
            HelpName = "[ADDR:]PORT",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var board = new Option<string>("--board")
        {
            Description = "With --usbip: board whose USB device is served (boards/NAME.json).",
            DefaultValueFactory = _ => "esp32-s3",
            HelpName = "NAME",
        };
        var speed = new Option<string?>("--speed")
        {
            Description = "With --usbip: bus speed; default the board's.",
            HelpName = "full|high",
        };
        ChoiceOption.AcceptOnly(speed, "full", "high");
        var profile = new Option<string?>("--profile")
        {
            Description = "With --usbip: descriptor profile; default the board's.",
            HelpName = "vendor|cdc",
        };
        ChoiceOption.AcceptOnly(profile, "vendor", "cdc");
        var reference = new Option<bool>("--reference")
        {
            Description = "With --usbip: the reference device's identity (VID 0x2FE0, vendor interface) and link (one packet per transfer, no zero-length packets).",
        };
        var native = new Option<bool>("--native")
        {
            Description = "With --usbip: serve the device through the native C core (firmware/native) and its USB/IP port instead of the C# emulation.",
        };
        var enumerateTwice = new Option<bool>("--enumerate-twice")
        {
            Description = "With --usbip and a usbstream board: enumerate without the interface first, then again with it, as stock firmware does when the application creates its UsbStream.",
        };
        var boardsDir = new Option<string?>("--boards-dir")
        {
            Description = "Folder of board files; default boards/ of the repository above the working directory, else the one beside the tool.",
            HelpName = "DIR",
        };
        var logLevel = ChoiceOption.Enum("--log-level",
            "With --usbip: least severe log level of the USB/IP server (Trace, Debug, Information, Warning, Error, None).",
            "LEVEL", Microsoft.Extensions.Logging.LogLevel.Warning);
        usbip.Validators.Add(result =>
        {
            string? text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            if (EmulateUsbIp.ParseEndPoint(text) == null)
            {
                result.AddError($"--usbip: '{CommandValues.Shown(text ?? "")}' is not [ADDR:]PORT (e.g. 3240, 127.0.0.1:3240 or [::1]:3240)");
            }
        });
        var http = EndPointOption.Targets("--http", "HTTP server to GET / from (repeatable).");
        var tcpEcho = EndPointOption.Targets("--tcp-echo", "TCP echo server to send --bytes to and check the echo (repeatable).");
        var udpEcho = EndPointOption.Targets("--udp-echo", "UDP echo server to send --datagrams to and check them (repeatable).");
        var bytes = SampleOptions.EchoBytes();
        var datagrams = SampleOptions.Datagrams();
        var path = new Option<string>("--path")
        {
            Description = "Path of the HTTP GET.",
            DefaultValueFactory = _ => "/",
        };
        // It goes into the request line as typed: a space or a line break would make another request (or header).
        path.Validators.Add(result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "/";
            if (!text.StartsWith('/') || text.Any(c => c <= ' ' || c >= 0x7f))
            {
                result.AddError($"--path: '{CommandValues.Shown(text)}' is not a path starting with / (printable ASCII, no spaces)");
            }
        });
        Options.Add(connect);
        Options.Add(usbip);
        Options.Add(board);
        Options.Add(speed);
        Options.Add(profile);
        Options.Add(reference);
        Options.Add(enumerateTwice);
        Options.Add(boardsDir);
        Options.Add(logLevel);
        Options.Add(native);
        BoardChoice.AddValidator(this, board, boardsDir);
        Validators.Add(result =>
        {
            bool hasConnect = result.GetResult(connect) != null;
            bool hasUsbIp = result.GetResult(usbip) != null;
            if (hasConnect == hasUsbIp)
            {
                result.AddError("give either --connect ADDR:PORT or --usbip [ADDR:]PORT");
            }

            if (result.GetValue(native) && !hasUsbIp)
            {
                result.AddError("--native needs --usbip [ADDR:]PORT");
            }
        });
        Options.Add(http);
        Options.Add(tcpEcho);
        Options.Add(udpEcho);
        Options.Add(bytes);
        Options.Add(datagrams);
        Options.Add(path);
        var pcap = new PcapOptions();
        pcap.AddTo(this);
        SetAction((parseResult, cancellationToken) =>
        {
            var steps = new List<SampleStep>();
            HssEndPoint[] httpTargets = parseResult.GetValue(http) ?? [];
            HssEndPoint[] tcpTargets = parseResult.GetValue(tcpEcho) ?? [];
            HssEndPoint[] udpTargets = parseResult.GetValue(udpEcho) ?? [];
            if (httpTargets.Length + tcpTargets.Length + udpTargets.Length == 0)
            {
                // The board application's own targets, which `hss demo --serve` serves.
                httpTargets = [BoardTargets.Http()];
                tcpTargets = [BoardTargets.TcpEcho()];
                udpTargets = [BoardTargets.UdpEcho()];
            }

            foreach (HssEndPoint target in httpTargets)
            {
                steps.Add(SampleSteps.HttpGet(target, parseResult.GetValue(path)!));
            }

            foreach (HssEndPoint target in tcpTargets)
            {
                steps.Add(SampleSteps.TcpEcho(target, parseResult.GetValue(bytes)));
            }

            foreach (HssEndPoint target in udpTargets)
            {
                steps.Add(SampleSteps.UdpEcho(target, parseResult.GetValue(datagrams)));
            }

            using ILoggerFactory loggers = LoggerFactory.Create(builder => builder
                .SetMinimumLevel(parseResult.GetValue(logLevel)).AddSimpleConsole(options => options.SingleLine = true));
            if (!pcap.TryOpen(parseResult, loggers.CreateLogger("hss.pcap"),
                    parseResult.InvocationConfiguration.Error, out CaptureFile? capture))
            {
                return Task.FromResult(ExitCodes.Unavailable);
            }

            return RunWithCaptureAsync(capture, () => parseResult.GetResult(usbip) != null
                ? EmulateUsbIp.RunAsync(
                    EmulateUsbIp.ParseEndPoint(parseResult.GetValue(usbip))!,
                    new EmulateUsbIp.Choices(parseResult.GetValue(board)!, parseResult.GetValue(speed), parseResult.GetValue(profile),
                        parseResult.GetValue(reference), parseResult.GetValue(boardsDir), parseResult.GetValue(logLevel),
                        parseResult.GetValue(native), parseResult.GetValue(enumerateTwice)),
                    steps, parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error, cancellationToken, capture)
                : RunAsync(parseResult.GetRequiredValue(connect), steps, parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error, capture));
        });
    }

    /// <summary>Runs <paramref name="run"/>, then closes the capture (everything queued is written first).</summary>
    private static async Task<int> RunWithCaptureAsync(CaptureFile? capture, Func<Task<int>> run)
    {
        using (capture)
        {
            return await run().ConfigureAwait(false);
        }
    }

    public string HelpNotes => """
        Targets:
          Each --http, --tcp-echo and --udp-echo adds one step; the host opens those sockets, so addresses are as
          the host sees them. Without any target, the board application's (firmware/HssDevice.App/BoardTargets.cs):
          --http 127.0.0.1:8080 --tcp-echo 127.0.0.1:7007 --udp-echo [::1]:7007, which `hss demo --serve` serves.

        Exit codes:
          0  every step matched
          1  usage error
          3  a step failed (named on stderr as: error: step ID failed: DETAIL)
          4  the host did not accept the connection (--usbip: the port cannot be listened on)

        USB/IP (--usbip):
          The board's USB device (descriptors as `hss descriptors` prints them) is served as bus ID 1-1; attach it
          on Linux with `modprobe vhci-hcd; usbip attach -r 127.0.0.1 -b 1-1`. The steps start when the host
          configures the device; when they are done the device is unplugged and the exit code is the steps'.
          Each import is an attach, its end a detach (link down for the device); several in one run work.
          With --native the device is the C core (firmware/native) behind its USB/IP port (libhss_native.so),
          driven by the same engine and sample through NativeUsbLink (docs/native-usb.md).

        Example:
          hss emulate --connect 127.0.0.1:7000 --http 127.0.0.1:8080 --tcp-echo [::1]:7007 --bytes 65536
          hss emulate --usbip 3240 --board stm32f769i-discovery --profile cdc --speed high
          hss emulate --usbip 127.0.0.1:3240 --native --board esp32-s3
        """;

    public static async Task<int> RunAsync(IPEndPoint hostEndPoint, IReadOnlyList<SampleStep> steps, TextWriter output, TextWriter error,
        CaptureFile? capture = null)
    {
        StreamDeviceLink link;
        try
        {
            link = await Task.Run(() => StreamDeviceLink.ConnectTcp(hostEndPoint)).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            error.WriteLine($"error: cannot connect to the host at {hostEndPoint}: {e.Message}");
            return ExitCodes.Unavailable;
        }

        output.WriteLine($"hss emulate: the sample device application on an emulated device, over TCP to the HSS host at {hostEndPoint}");
        // --pcap: the device's end of the single-pipe link, as bulk transfers of a pseudo device on the TCP bus.
        HssDevice.Transport.IHssLink deviceLink = capture == null ? link
            : new CapturingDeviceLink(link, capture.AddDevice("tcp " + hostEndPoint, CaptureDescriptors.Pseudo(false, 64, false), CaptureFile.TcpBus));
        var engine = new HssEngine(deviceLink, new HssEngineSettings());
        engine.Start();
        IReadOnlyList<StepOutcome> outcomes;
        try
        {
            outcomes = await StepDisplay.RunAsync(steps, engine, output).ConfigureAwait(false);
        }
        finally
        {
            // Closes the link: the host sees the device leave (hss host --once exits).
            engine.Dispose();
        }

        return SampleReport.Finish(outcomes, output, error);
    }
}
