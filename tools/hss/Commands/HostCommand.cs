using System;
using System.CommandLine;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Capture;
using HssDevice.Host;
using HssDevice.Host.Links;
using Microsoft.Extensions.Logging;

namespace HssDevice.Tool.Commands;

/// <summary>
/// `hss host --listen ADDR:PORT`: the HSS host for devices that connect over TCP with the single-pipe profile (HSS
/// packets back to back, no extra framing), until Ctrl+C, or with --once until the first device leaves.
/// `hss host --usb`: the same host for devices on real USB (HostCommand.Usb.cs).
/// </summary>
public sealed partial class HostCommand : Command, IHelpNotes
{
    public HostCommand()
        : base("host", "Run the HSS host for devices that connect over a TCP socket (single-pipe profile, no extra framing) or on USB (--usb).")
    {
        var listen = EndPointOption.Ip("--listen", "Address and port to listen on; port 0 lets the OS choose (printed on the first line).");
        var once = new Option<bool>("--once")
        {
            Description = "Serve one device and exit when it disconnects (for tests and scripts).",
        };
        var reference = new Option<bool>("--reference")
        {
            Description = "Behave like the reference host: 3-byte TRANSMIT ACKs, device ACKs ignored, one packet per transfer.",
        };
        var referenceDevice = new Option<bool>("--reference-device")
        {
            Description = "Serve devices that behave like the reference device (never ACK a TRANSMIT, read one packet per transfer).",
        };
        var logLevel = ChoiceOption.Enum("--log-level", "Least severe log level shown (Trace, Debug, Information, Warning, Error, None).",
            "LEVEL", LogLevel.Information);

        Options.Add(listen);
        Options.Add(once);
        Options.Add(reference);
        Options.Add(referenceDevice);
        Options.Add(logLevel);
        var safety = new HostSafetyOptions();
        safety.AddTo(this);
        UsbOptions usb = AddUsbOptions();
        Validators.Add(result => ValidateTransport(result, listen, usb));
        var pcap = new PcapOptions();
        pcap.AddTo(this);
        SetAction(async (parseResult, cancellationToken) =>
        {
            HssHostSettings settings = parseResult.GetValue(reference) ? HssHostSettings.ReferenceCompatibleHost
                : parseResult.GetValue(referenceDevice) ? HssHostSettings.ForReferenceDevice
                : new HssHostSettings();
            settings = safety.Apply(parseResult, settings);
            using ILoggerFactory loggers = LoggerFactory.Create(builder => builder
                .SetMinimumLevel(parseResult.GetValue(logLevel))
                .AddSimpleConsole(options =>
                {
                    options.SingleLine = true;
                    options.TimestampFormat = "HH:mm:ss.fff ";
                }));
            if (parseResult.GetValue(usb.List))
            {
                return ListUsb(parseResult.GetValue(usb.Device), loggers, parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error);
            }

            if (!pcap.TryOpen(parseResult, loggers.CreateLogger("hss.pcap"), parseResult.InvocationConfiguration.Error, out CaptureFile? capture))
            {
                return ExitCodes.Unavailable;
            }

            using (capture)
            {
                if (parseResult.GetValue(usb.Usb))
                {
                    bool settingsChosen = parseResult.GetValue(reference) || parseResult.GetValue(referenceDevice);
                    return await RunUsbAsync(parseResult.GetValue(usb.Device), settings, settingsChosen, parseResult.GetValue(once), loggers,
                        parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error, cancellationToken, capture: capture).ConfigureAwait(false);
                }

                return await RunAsync(parseResult.GetRequiredValue(listen), settings, parseResult.GetValue(once), loggers,
                    parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error, cancellationToken, capture).ConfigureAwait(false);
            }
        });
    }

    public string HelpNotes => """
        Output:
          First line: "listening on ADDR:PORT" with the port actually bound. Then the host's log (console logger):
          devices attached and detached, socket errors, protocol errors.

        Exit codes:
          0  stopped by Ctrl+C, or with --once the device disconnected
          1  usage error
          4  cannot listen on the address (taken, not local); with --usb: libusb-1.0 is not installed

        USB (--usb): devices are listed by libusb (Linux: sysfs too, for what libusb's list lacks) and found by
        their HSS interface (0xFF/0xAB/0x00, or the CDC function) at start and when plugged in; each gets its own
        sockets. --list prints the devices seen, how each was found and whether it is HSS, then exits. A device with the reference identity (VID 0x2FE0) is served
        as --reference-device unless --reference or --reference-device is given. Without permission to /dev/bus/usb, install the udev rule
        tools/linux-usb/60-hss.rules (the error names it). Output: "attached usb 1-1 over ..." per device.
        Where no USB device can appear (no /sys/bus/usb: no USB host support or a container; no host controller), it
        says so on stderr ("waiting: no USB subsystem: ...") and keeps watching until one appears or Ctrl+C.

        Security (docs/security.md):
          Devices reach public addresses only, unless --allow, --deny or --allow-loopback say otherwise (--deny
          first, then --allow, then --allow-loopback, then the defaults). A denied CONNECT is answered EDENIED (10).
          Listening on anything but loopback is warned about: whoever connects uses this machine's network.

        Example (three terminals; the demo's servers are on loopback):
          hss demo --serve
          hss host --listen 127.0.0.1:7000 --allow-loopback
          hss emulate --connect 127.0.0.1:7000

        Example (USB; a board plugged in, or `hss emulate --usbip` attached with usbip):
          hss host --usb --device 1209:0001

        Capture (--pcap FILE): every transfer of every device as a Linux usbmon pcap (USB devices on bus 1, TCP
        devices as pseudo USB devices on bus 2); FILE moves to FILE.1 at --pcap-max-bytes. Open it in Wireshark
        with tools/wireshark/hss.lua (docs/tool.md).
        """;

    public static async Task<int> RunAsync(IPEndPoint listen, HssHostSettings settings, bool once, ILoggerFactory loggers, TextWriter output, TextWriter error,
        CancellationToken cancellationToken, CaptureFile? capture = null)
    {
        ILogger log = loggers.CreateLogger("hss.host");
        await using var host = new HssHost(settings, loggers);
        var listener = new TcpListener(listen);
        try
        {
            listener.Start();
        }
        catch (SocketException e)
        {
            error.WriteLine($"error: cannot listen on {listen}: {e.Message}");
            return ExitCodes.Unavailable;
        }

        try
        {
            output.WriteLine($"listening on {listener.LocalEndpoint}");
            output.Flush();
            return await ServeAsync(listener, host, once, log, cancellationToken, capture).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Success;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>The accept loop (DeviceAcceptor: accept errors survived, device cap); with --once, until the first device leaves.</summary>
    private static async Task<int> ServeAsync(TcpListener listener, HssHost host, bool once, ILogger log, CancellationToken cancellationToken,
        CaptureFile? capture = null)
    {
        // --pcap: each TCP device is a pseudo USB device on the capture's TCP bus, its single pipe a bulk pair (docs/tool.md).
        Func<IHostLink, IHostLink>? wrap = capture == null ? null
            : link => CapturingHostLink.Wrap(link, capture, link.Description, CaptureFile.TcpBus);
        var endPoint = (IPEndPoint)listener.LocalEndpoint;
        host.AddOwnListener(endPoint);
        DeviceAcceptor.WarnUnlessLoopback(endPoint, log);
        log.LogInformation("destination policy: {Policy}", host.Settings.Destinations);
        log.LogInformation("file descriptors: {Descriptors}", host.DescriptorsDescription);
        ILogger deviceLog = host.LimitLog(log); // one line per device: whoever connects causes it
        var firstEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int attachedCount = 0;
        using var stopAccepting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task accepting = DeviceAcceptor.RunAsync(ct => listener.AcceptSocketAsync(ct), host, log, device =>
        {
            bool first = Interlocked.Increment(ref attachedCount) == 1;
            device.Completion.ContinueWith(_ =>
            {
                deviceLog.LogInformation(
                    "device {Device}: {Sockets} sockets opened, {DeviceToHost} bytes device-to-host, {HostToDevice} bytes host-to-device, {Errors} protocol errors, {Denied} CONNECTs denied, limits hit: {Limits}",
                    device.Name, device.Counters.SocketsOpened, device.Counters.BytesDeviceToHost, device.Counters.BytesHostToDevice,
                    device.Counters.ProtocolErrors, device.Counters.DeniedDestinations, DescribeLimits(device.Counters));
                if (first)
                {
                    firstEnded.TrySetResult();
                }
            }, TaskScheduler.Default);
        }, stopAccepting.Token, wrap);
        if (!once)
        {
            await accepting.ConfigureAwait(false);
            return ExitCodes.Success;
        }

        await firstEnded.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        stopAccepting.Cancel();
        try
        {
            await accepting.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return ExitCodes.Success;
    }

    private static string DescribeLimits(DeviceCounters counters)
    {
        var parts = new System.Collections.Generic.List<string>();
        foreach (var hit in counters.LimitHits)
        {
            parts.Add(hit.Key + " x" + hit.Value);
        }

        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }
}
