using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Capture;
using HssDevice.Engine;
using HssDevice.Host.Emulation;
using HssDevice.Host.Usb.Boards;
using HssDevice.Tool.Display;
using HssDevice.Tool.Samples;
using HssDevice.Usb;
using HssDevice.UsbIp;
using Microsoft.Extensions.Logging;
using FirmwareSpeed = HssDevice.Usb.UsbSpeed;
using LinkSpeed = HssDevice.Host.Emulation.UsbSpeed;

namespace HssDevice.Tool.Commands;

/// <summary>
/// `hss emulate --usbip [ADDR:]PORT`: the emulated device as a USB/IP server (bus ID 1-1) that the Linux kernel
/// attaches with `usbip attach`. The sample steps start when the host configures the device, as on a board.
/// </summary>
public static class EmulateUsbIp
{
    public static readonly IPEndPoint DefaultEndPoint = new(IPAddress.Loopback, 3240);

    /// <summary>Parses "[ADDR:]PORT" ("3240", "127.0.0.1:3240", "[::1]:3240"); null when it is neither.</summary>
    public static IPEndPoint? ParseEndPoint(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return DefaultEndPoint;
        }

        if (ushort.TryParse(text, out ushort port))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        return IPEndPoint.TryParse(text, out IPEndPoint? endPoint) && text.Contains(':')
            && (endPoint.AddressFamily != AddressFamily.InterNetworkV6 || text.StartsWith('['))
            ? endPoint
            : null;
    }

    /// <param name="Native">Serve through the C core and its USB/IP port (EmulateNative) instead of the C# emulation.</param>
    /// <param name="EnumerateTwice">A usbstream board enumerates without its interface first, as stock firmware does.</param>
    public sealed record Choices(string Board, string? Speed, string? Profile, bool Reference, string? BoardsDir, LogLevel LogLevel,
        bool Native = false, bool EnumerateTwice = false);

    public static async Task<int> RunAsync(IPEndPoint listen, Choices choices, IReadOnlyList<SampleStep> steps, TextWriter output,
        TextWriter error, CancellationToken cancellationToken, CaptureFile? capture = null)
    {
        BoardSettings board;
        FirmwareSpeed speed;
        HssUsbProfile profile;
        try
        {
            board = BoardDirectory.Load(BoardDirectory.Locate(choices.BoardsDir), choices.Board).ToDeviceSettings();
            if (board.Link == BoardLink.UsbStream && (choices.Profile != null || choices.Reference || choices.Speed == "high"))
            {
                // Stock firmware's UsbStream serves its own descriptors: speed, profile and identity are the board's.
                error.WriteLine($"error: board {board.Name} runs stock firmware's UsbStream (full speed, its own descriptors): --profile, --reference and --speed high do not apply");
                return ExitCodes.BadInput;
            }

            speed = choices.Speed == null ? board.Speed : choices.Speed == "high" ? FirmwareSpeed.High : FirmwareSpeed.Full;
            if (speed == FirmwareSpeed.High && board.Speed != FirmwareSpeed.High)
            {
                error.WriteLine($"error: board {choices.Board} is full-speed only; it cannot run at high speed");
                return ExitCodes.BadInput;
            }

            profile = choices.Profile == null ? board.Profile : choices.Profile == "cdc" ? HssUsbProfile.Cdc : HssUsbProfile.Vendor;
            if (choices.Reference)
            {
                // The reference host driver matches VID 0x2FE0 and the vendor interface 0xFF/0xAB/0x00 (docs/protocol.md section 12).
                board.ReferenceIdentity = true;
                profile = HssUsbProfile.Vendor;
            }
        }
        catch (Exception e) when (e is BoardFileException or ArgumentException)
        {
            error.WriteLine("error: " + e.Message);
            return ExitCodes.BadInput;
        }

        if (capture != null && (choices.Native || board.Link == BoardLink.UsbStream))
        {
            // The capture hooks the C# emulation's link; the C core and the stock-firmware emulation have their own.
            error.WriteLine("warning: --pcap captures the C# emulation only; this run (" + (choices.Native ? "--native" : "a usbstream board") + ") is not captured");
        }

        if (board.Link == BoardLink.UsbStream)
        {
            if (choices.Native)
            {
                error.WriteLine($"--native: board {board.Name} runs stock firmware's UsbStream, not the native USB function");
                return ExitCodes.BadInput;
            }

            return await EmulateUsbStream.RunAsync(listen, board, choices.EnumerateTwice, choices.LogLevel, steps, output, error, cancellationToken).ConfigureAwait(false);
        }

        if (choices.Native)
        {
            return await EmulateNative.RunAsync(listen, choices, board, speed, profile, steps, output, error, cancellationToken).ConfigureAwait(false);
        }

        LinkSpeed linkSpeed = speed == FirmwareSpeed.High ? LinkSpeed.HighSpeed : LinkSpeed.FullSpeed;
        UsbLinkOptions linkOptions = choices.Reference ? UsbLinkOptions.ReferenceCompatible(linkSpeed)
            : linkSpeed == LinkSpeed.HighSpeed ? UsbLinkOptions.HighSpeed : UsbLinkOptions.FullSpeed;
        var link = new EmulatedUsbLink(linkOptions);
        var descriptors = new UsbDescriptorBuilder(board, profile);
        // --pcap: the URBs the kernel sends through USB/IP, at the link the server serves them from, with the device's own descriptors.
        Host.Links.IHostLink hostEnd = capture == null ? link.HostEnd
            : new CapturingHostLink(link.HostEnd, capture.AddDevice("usbip " + board.Name,
                new CaptureDescriptors(descriptors.BuildDeviceDescriptor(), descriptors.BuildConfiguration(speed))));
        var device = new EmulatedUsbIpDevice(descriptors, speed, hostEnd);
        using ILoggerFactory loggers = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(choices.LogLevel)
            .AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss.fff ";
            }));
        var server = new UsbIpServer(device, logger: loggers.CreateLogger("hss.usbip"));
        var configured = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Configured += () => configured.TrySetResult();
        IPEndPoint bound;
        try
        {
            bound = server.Start(listen);
        }
        catch (SocketException e)
        {
            error.WriteLine($"error: cannot listen on {listen}: {e.Message}");
            return ExitCodes.Unavailable;
        }

        output.WriteLine($"hss emulate: board {board.Name} ({profile.ToString().ToLowerInvariant()} profile, {UsbSpeedFacts.NameOf(linkSpeed)} speed" +
            $"{(choices.Reference ? ", reference device" : "")}) as USB/IP bus ID {device.Info.BusId} on {bound}, " +
            $"device {device.Info.VendorId:x4}:{device.Info.ProductId:x4}");
        output.WriteLine($"hss emulate: attach it with: usbip attach -r {bound.Address} -b {device.Info.BusId}" +
            (bound.Port != DefaultEndPoint.Port ? $" (usbip --tcp-port {bound.Port})" : ""));
        if (!IPAddress.IsLoopback(bound.Address))
        {
            // USB/IP has no authentication: whichever client imports and configures the device first is its host.
            error.WriteLine($"warning: listening on {bound}, which is not loopback: any machine that reaches it can attach the device " +
                "and start its steps (docs/security.md)");
        }
        var engine = new HssEngine(link.DeviceEnd, LinkSetup.WithReferenceAcks(new HssEngineSettings(), choices.Reference));
        engine.Start();
        IReadOnlyList<StepOutcome> outcomes;
        try
        {
            try
            {
                await configured.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                error.WriteLine("error: stopped before a host configured the device");
                return ExitCodes.Unavailable;
            }

            output.WriteLine("hss emulate: configured by the host; running the steps");
            outcomes = await StepDisplay.RunAsync(steps, engine, output).ConfigureAwait(false);
        }
        finally
        {
            // Unplug (the kernel sees the device leave), then stop the device.
            await server.DisposeAsync().ConfigureAwait(false);
            engine.Dispose();
        }

        return SampleReport.Finish(outcomes, output, error);
    }
}
