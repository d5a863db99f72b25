using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Capture;
using HssDevice.Engine;
using HssDevice.Host;
using HssDevice.Host.Emulation;
using HssDevice.Host.Links;
using HssDevice.Sockets;
using AddressFamily = System.Net.Sockets.AddressFamily;
using HssDevice.Tool.Display;
using Microsoft.Extensions.Logging;
using HssDevice.Tool.Samples;
using HssDevice.Tool.Servers;

namespace HssDevice.Tool.Commands;

/// <summary>
/// `hss demo`: loopback servers, an emulated device running the sample application through the host, a summary.
/// `hss demo --serve`: only the servers, on the ports the board application targets, until Ctrl+C.
/// </summary>
public sealed class DemoCommand : Command, IHelpNotes
{
    public DemoCommand()
        : base("demo", "Run the sample device application on an emulated device through the host against loopback servers; no hardware needed.")
    {
        var speed = new Option<string>("--speed")
        {
            Description = "Speed of the emulated USB link (bulk packets of 64 or 512 bytes).",
            DefaultValueFactory = _ => "full",
            HelpName = "full|high",
        };
        ChoiceOption.AcceptOnly(speed, "full", "high");
        var reference = new Option<bool>("--reference")
        {
            Description = "Reference-compatible setting: one packet per transfer, no zero-length packets, 3-byte TRANSMIT ACKs, a host that ignores device ACKs.",
        };
        var timing = new Option<bool>("--timing")
        {
            Description = "Run the link with the USB timing model (packets per frame, interrupt interval), as hardware would pace it.",
        };
        var bytes = SampleOptions.EchoBytes();
        var datagrams = SampleOptions.Datagrams();
        var serve = new Option<bool>("--serve")
        {
            Description = "Only start the servers (HTTP 8080, TCP and UDP echo 7007, on 127.0.0.1 and ::1) and print their endpoints, until Ctrl+C; for a board or `hss emulate`.",
        };
        var httpPort = PortOption("--http-port", "HTTP server port (default 8080 with --serve, else chosen by the OS).");
        var tcpPort = PortOption("--tcp-port", "TCP echo server port (default 7007 with --serve, else chosen by the OS).");
        var udpPort = PortOption("--udp-port", "UDP echo server port (default 7007 with --serve, else chosen by the OS).");
        var fault = ChoiceOption.Enum("--fault", "For tests: make one server answer wrongly (http, tcpecho, udpecho).", "SERVER", ServerFault.None);
        fault.Hidden = true;
        Options.Add(speed);
        Options.Add(reference);
        Options.Add(timing);
        Options.Add(bytes);
        Options.Add(datagrams);
        Options.Add(serve);
        Options.Add(httpPort);
        Options.Add(tcpPort);
        Options.Add(udpPort);
        Options.Add(fault);
        var pcap = new PcapOptions();
        pcap.AddTo(this);
        SetAction((parseResult, cancellationToken) =>
        {
            TextWriter output = parseResult.InvocationConfiguration.Output;
            TextWriter error = parseResult.InvocationConfiguration.Error;
            ServerPorts defaults = parseResult.GetValue(serve) ? ServerPorts.BoardTargets : ServerPorts.OsChosen;
            var ports = new ServerPorts(
                parseResult.GetValue(httpPort) ?? defaults.Http,
                parseResult.GetValue(tcpPort) ?? defaults.TcpEcho,
                parseResult.GetValue(udpPort) ?? defaults.UdpEcho);
            if (parseResult.GetValue(serve))
            {
                return ServeAsync(ports, parseResult.GetValue(fault), output, error, cancellationToken);
            }

            var setup = new LinkSetup(LinkSetup.ParseSpeed(parseResult.GetValue(speed)), parseResult.GetValue(reference), parseResult.GetValue(timing));
            return RunCapturedAsync(pcap, parseResult, setup, ports, parseResult.GetValue(bytes), parseResult.GetValue(datagrams), parseResult.GetValue(fault), output, error);
        });
    }

    public string HelpNotes => """
        What it does:
          Starts an HTTP server, a TCP echo server and a UDP echo server on 127.0.0.1 and ::1 (ports chosen by
          the OS), attaches an emulated USB device to the HSS host, and runs the sample device application
          (firmware/HssDevice.Sample, the code a board runs) on the device engine: an HTTP GET, a TCP echo with an
          Adler-32 checksum each way and UDP datagrams, over IPv4 and IPv6. Every socket is opened by the host on
          this computer's network stack. Without IPv6 loopback the IPv6 steps are skipped (and say so).

        Output:
          A live progress display on a terminal, one line per step otherwise; then a summary table.

        Exit codes:
          0  every step matched
          1  usage error
          3  a step failed (named on stderr as: error: step ID failed: DETAIL)
          4  a server could not start (port taken)

        Examples:
          hss demo
          hss demo --speed high --reference --timing
          hss demo --pcap demo.pcap     (then: wireshark -X lua_script:tools/wireshark/hss.lua demo.pcap; docs/tool.md)
          hss demo --serve              (then: hss host --listen 127.0.0.1:7000 --allow-loopback and hss emulate --connect 127.0.0.1:7000)
        """;

    /// <summary>`--pcap`: the demo with its link captured (CapturingHostLink around the emulated link's host end).</summary>
    private static async Task<int> RunCapturedAsync(PcapOptions pcap, ParseResult parseResult, LinkSetup setup, ServerPorts ports, int echoBytes, int datagrams,
        ServerFault fault, TextWriter output, TextWriter error)
    {
        using ILoggerFactory loggers = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Warning).AddSimpleConsole(options => options.SingleLine = true));
        if (!pcap.TryOpen(parseResult, loggers.CreateLogger("hss.pcap"), error, out CaptureFile? capture))
        {
            return ExitCodes.Unavailable;
        }

        using (capture)
        {
            int exitCode = await RunAsync(setup, ports, echoBytes, datagrams, fault, output, error, capture).ConfigureAwait(false);
            if (capture != null)
            {
                output.WriteLine($"capture: {capture.Path} (open it with: wireshark -X lua_script:tools/wireshark/hss.lua {capture.Path})");
            }

            return exitCode;
        }
    }

    public static async Task<int> RunAsync(LinkSetup setup, ServerPorts ports, int echoBytes, int datagrams, ServerFault fault, TextWriter output, TextWriter error,
        CaptureFile? capture = null)
    {
        LoopbackServers servers;
        try
        {
            servers = await LoopbackServers.StartAsync(ports, fault).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            error.WriteLine("error: cannot start the loopback servers: " + e.Message);
            return ExitCodes.Unavailable;
        }

        await using (servers.ConfigureAwait(false))
        {
            var steps = new List<SampleStep>();
            var skip = new Dictionary<SampleStep, string>();
            foreach (AddressFamily family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
            {
                if (!servers.Serves(family))
                {
                    // The steps still appear in the summary, marked skipped with the reason.
                    var http = SampleSteps.HttpGet(HssEndPoint.Parse("[::1]:0"));
                    var tcp = SampleSteps.TcpEcho(HssEndPoint.Parse("[::1]:0"), echoBytes);
                    var udp = SampleSteps.UdpEcho(HssEndPoint.Parse("[::1]:0"), datagrams);
                    steps.AddRange(new[] { http, tcp, udp });
                    skip[http] = skip[tcp] = skip[udp] = servers.IPv6Problem ?? "no server";
                    continue;
                }

                steps.Add(SampleSteps.HttpGet(ToHss(servers.Http(family))));
                steps.Add(SampleSteps.TcpEcho(ToHss(servers.TcpEcho(family)), echoBytes));
                steps.Add(SampleSteps.UdpEcho(ToHss(servers.UdpEcho(family)), datagrams));
            }

            output.WriteLine($"hss demo: the sample device application on an {setup.Describe()}, through the HSS host, to loopback servers");
            await using var host = new HssHost(setup.HostSettings);
            var usb = new EmulatedUsbLink(setup.LinkOptions);
            IHostLink hostEnd = capture == null ? usb.HostEnd
                : CapturingHostLink.Wrap(usb.HostEnd, capture, "demo-device", bulkMaxPacketSize: setup.LinkOptions.BulkMaxPacketSize,
                    highSpeed: setup.LinkOptions.Speed == UsbSpeed.HighSpeed);
            DeviceConnection device = host.Attach(hostEnd, "demo-device");
            var engine = new HssEngine(usb.DeviceEnd, setup.EngineSettings);
            engine.Start();
            IReadOnlyList<StepOutcome> outcomes;
            try
            {
                outcomes = await StepDisplay.RunAsync(steps, engine, output, skip).ConfigureAwait(false);
            }
            finally
            {
                engine.Dispose();
            }

            int exitCode = SampleReport.Finish(outcomes, output, error);
            output.WriteLine($"host: {device.Counters.SocketsOpened} sockets opened, {device.Counters.BytesDeviceToHost} bytes device-to-host, " +
                             $"{device.Counters.BytesHostToDevice} bytes host-to-device, {device.Counters.ProtocolErrors} protocol errors");
            return exitCode;
        }
    }

    public static async Task<int> ServeAsync(ServerPorts ports, ServerFault fault, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        LoopbackServers servers;
        try
        {
            servers = await LoopbackServers.StartAsync(ports, fault).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            error.WriteLine("error: cannot start the loopback servers: " + e.Message);
            return ExitCodes.Unavailable;
        }

        await using (servers.ConfigureAwait(false))
        {
            foreach ((string what, System.Net.IPEndPoint endPoint) in servers.EndPoints())
            {
                output.WriteLine($"{what,-9} {endPoint}");
            }

            if (servers.IPv6Problem != null)
            {
                error.WriteLine("warning: " + servers.IPv6Problem);
            }

            output.WriteLine("serving until Ctrl+C");
            output.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            return ExitCodes.Success;
        }
    }

    private static HssEndPoint ToHss(System.Net.IPEndPoint endPoint) => HssEndPoint.Parse(endPoint.ToString());

    private static Option<int?> PortOption(string name, string description) => NumberOption.OptionalWhole(name, description, "PORT", 0, 65535);
}
