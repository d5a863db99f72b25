using System;
using System.CommandLine;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host;
using HssDevice.Host.Usb.LibUsb;
using HssDevice.Host.Usb.Parsing;
using Microsoft.Extensions.Logging;

namespace HssDevice.Tool.Commands;

/// <summary>
/// `hss host --usb [--device VID:PID]`: the HSS host on real USB through the system's libusb-1.0. Every HSS device
/// (any VID, or the one named) is attached with its own socket table, and attached again after it is replugged.
/// </summary>
public sealed partial class HostCommand
{
    /// <summary>How often sysfs is read for new devices when no hot-plug event wakes the scan (a few small files: cheap; a device that
    /// starts talking at configuration waits at most this long for its host).</summary>
    private static readonly TimeSpan UsbPollInterval = TimeSpan.FromMilliseconds(250);

    private sealed record UsbOptions(Option<bool> Usb, Option<UsbDeviceFilter?> Device, Option<bool> List);

    private UsbOptions AddUsbOptions()
    {
        var usb = new Option<bool>("--usb")
        {
            Description = "Serve HSS devices on this computer's USB (libusb-1.0): any device with an HSS interface, hot-plugged or present.",
        };
        var device = new Option<UsbDeviceFilter?>("--device")
        {
            Description = "With --usb: only the device with this vendor and product ID (hex, as lsusb prints them).",
            HelpName = "VID:PID",
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                try
                {
                    return UsbDeviceFilter.Parse(text);
                }
                catch (FormatException e)
                {
                    result.AddError("--device: " + e.Message);
                    return null;
                }
            },
        };
        var list = new Option<bool>("--list")
        {
            Description = "With --usb: print the USB devices the host sees (how each was found: libusb or sysfs) and whether each is an HSS device, then exit.",
        };
        Options.Add(usb);
        Options.Add(device);
        Options.Add(list);
        return new UsbOptions(usb, device, list);
    }

    /// <summary>Exactly one of --listen and --usb; --device only with --usb.</summary>
    private static void ValidateTransport(System.CommandLine.Parsing.CommandResult result, Option<System.Net.IPEndPoint> listen, UsbOptions usb)
    {
        bool hasListen = result.GetResult(listen) != null;
        bool hasUsb = result.GetValue(usb.Usb);
        if (hasListen == hasUsb)
        {
            result.AddError("give either --listen ADDR:PORT (devices over TCP) or --usb (devices on USB).");
        }
        else if (!hasUsb && result.GetResult(usb.Device) != null)
        {
            result.AddError("--device goes with --usb.");
        }
        else if (!hasUsb && result.GetValue(usb.List))
        {
            result.AddError("--list goes with --usb.");
        }
    }

    /// <summary>
    /// Says on stderr what keeps USB devices from appearing ("waiting: no USB subsystem: ..."), once per change,
    /// and on stdout when they can appear again ("USB is there now: ..."). Ends when cancelled.
    /// </summary>
    private static async Task WatchSubsystemAsync(string sysfsRoot, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        string? reported = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            string? missing = UsbSubsystem.Missing(sysfsRoot);
            if (missing != reported)
            {
                lock (output)
                {
                    if (missing != null)
                    {
                        error.WriteLine("waiting: " + missing);
                        error.Flush();
                    }
                    else
                    {
                        output.WriteLine($"USB is there now: {sysfsRoot} has a host controller");
                        output.Flush();
                    }
                }

                reported = missing;
            }

            try
            {
                await Task.Delay(UsbPollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The reference device's vendor ID (docs/protocol.md section 12), which only it should carry.</summary>
    private const ushort ReferenceVendorId = 0x2FE0;

    /// <summary>
    /// Unless --reference or --reference-device chose the settings for every device, a device with the reference
    /// device's identity is served as the reference device behaves (it never ACKs a TRANSMIT and reads one packet
    /// per transfer), every other one with the host's settings. Either way the limits and the destination policy of
    /// the command line stay (docs/security.md).
    /// </summary>
    private static HssHostSettings? SettingsFor(UsbDeviceMatch match, bool settingsChosen, HssHostSettings settings) =>
        !settingsChosen && match.Device.VendorId == ReferenceVendorId ? settings.AsReferenceDevice() : null;

    /// <summary>
    /// `hss host --usb --list`: one line per device the scan sees, "NAME VID:PID via libusb|sysfs: HSS ..." or
    /// "...: not HSS (why)", so a user can see what the host finds on any platform before serving.
    /// </summary>
    public static int ListUsb(UsbDeviceFilter? filter, ILoggerFactory loggers, TextWriter output, TextWriter error)
    {
        LibUsbSession session;
        try
        {
            session = LibUsbSession.Open(loggers.CreateLogger<LibUsbSession>());
        }
        catch (UsbHostException e)
        {
            error.WriteLine("error: " + e.Message);
            return ExitCodes.Unavailable;
        }

        using (session)
        {
            IReadOnlyList<UsbDeviceCandidate> devices = session.ListDevices();
            output.WriteLine($"{devices.Count} USB device(s); hot-plug events {(session.HotplugSupported ? "supported" : "not supported")} by this libusb");
            foreach (UsbDeviceCandidate device in devices)
            {
                UsbDeviceMatch match = HssUsbDeviceMatcher.Match(device, filter);
                string source = device.Source == UsbDeviceSource.LibUsb ? "libusb" : "sysfs";
                string verdict = match.Stream != null ? $"HSS over UsbStream ({match.Stream.Board}), interface {match.Stream.Interface}"
                    : match.IsHss ? $"HSS {match.Interface!.Profile} profile, configuration {match.ConfigurationValue}, interface(s) {string.Join(",", match.Interface.Interfaces)}"
                    : $"not HSS ({match.WhyNot})";
                output.WriteLine($"{device.SysName} {device.VendorId:x4}:{device.ProductId:x4} via {source}: {verdict}");
            }
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// Serves USB devices until cancelled, or with <paramref name="once"/> until the first device attached leaves.
    /// Prints "watching USB for HSS devices ..." first, then "attached NAME over LINK" for each device. When USB
    /// devices cannot appear (no <paramref name="sysfsRoot"/>, no host controller) it says so on stderr and keeps
    /// waiting (a driver loaded later, e.g. vhci-hcd, brings them), and says when that changes.
    /// </summary>
    public static async Task<int> RunUsbAsync(UsbDeviceFilter? filter, HssHostSettings settings, bool settingsChosen, bool once, ILoggerFactory loggers,
        TextWriter output, TextWriter error, CancellationToken cancellationToken, string sysfsRoot = SysfsUsbDevices.DefaultRoot,
        HssDevice.Capture.CaptureFile? capture = null)
    {
        ILogger log = loggers.CreateLogger("hss.host");
        LibUsbSession session;
        try
        {
            session = LibUsbSession.Open(loggers.CreateLogger<LibUsbSession>());
        }
        catch (UsbHostException e)
        {
            error.WriteLine("error: " + e.Message);
            return ExitCodes.Unavailable;
        }

        using (session)
        {
            await using var host = new HssHost(settings, loggers);
            var monitor = new UsbDeviceMonitor(host, () => session.ListDevices(sysfsRoot), session.OpenDevice, filter, null, loggers,
                match => SettingsFor(match, settingsChosen, settings));
            if (capture != null)
            {
                monitor.WrapLink = (link, match) => CaptureUsb(link, match, capture);
            }

            var first = new TaskCompletionSource<DeviceConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
            monitor.Attached += device =>
            {
                lock (output)
                {
                    output.WriteLine($"attached {device.Name} over {device.Link.Description}");
                    output.Flush();
                }

                first.TrySetResult(device);
                _ = device.Completion.ContinueWith(_ => log.LogInformation(
                    "device {Device} detached ({Reason}): {Sockets} sockets opened, {DeviceToHost} bytes device-to-host, {HostToDevice} bytes host-to-device, {Errors} protocol errors",
                    device.Name, device.StopReason, device.Counters.SocketsOpened, device.Counters.BytesDeviceToHost, device.Counters.BytesHostToDevice,
                    device.Counters.ProtocolErrors), TaskScheduler.Default);
            };
            monitor.Failed += (_, message) =>
            {
                lock (output)
                {
                    error.WriteLine("error: " + message);
                    error.Flush();
                }
            };

            output.WriteLine($"watching USB for HSS devices ({(filter == null ? "any VID:PID" : filter.ToString())}; hot-plug {(session.HotplugSupported ? "events and " : "")}polling every {UsbPollInterval.TotalMilliseconds:0} ms)");
            output.Flush();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task scanning = monitor.RunAsync(UsbPollInterval, session.ScanWanted, stop.Token);
            Task watchingSubsystem = WatchSubsystemAsync(sysfsRoot, output, error, stop.Token);
            try
            {
                if (once)
                {
                    DeviceConnection device = await first.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                    await device.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                await scanning.ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Success;
            }
            finally
            {
                stop.Cancel();
                try
                {
                    await scanning.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }

                await watchingSubsystem.ConfigureAwait(false);
            }
        }
    }

    /// <summary>`--usb --pcap`: the device's link captured with its own descriptors and endpoint addresses.</summary>
    private static HssDevice.Host.Links.IHostLink CaptureUsb(HssDevice.Host.Links.IHostLink link, UsbDeviceMatch match, HssDevice.Capture.CaptureFile capture)
    {
        byte[] all = match.Device.Descriptors;
        HssDevice.Capture.CaptureDescriptors? descriptors = null;
        int configurationLength = all.Length >= 18 + 4 ? all[18 + 2] | (all[18 + 3] << 8) : 0;
        if (configurationLength >= 9 && all.Length >= 18 + configurationLength)
        {
            descriptors = new HssDevice.Capture.CaptureDescriptors(all[..18], all[18..(18 + configurationLength)]);
        }

        HssInterfaceMatch hss = match.Interface!;
        var endpoints = new HssDevice.Capture.CaptureEndpoints(hss.BulkIn.Address, hss.BulkOut.Address, hss.InterruptIn.Address, hss.InterruptOut.Address);
        descriptors ??= HssDevice.Capture.CaptureDescriptors.Pseudo(true, hss.BulkIn.MaxPacketSize, hss.BulkIn.MaxPacketSize > 64,
            match.Device.VendorId, match.Device.ProductId);
        return new HssDevice.Capture.CapturingHostLink(link, capture.AddDevice("usb " + match.Device.SysName, descriptors), endpoints);
    }
}
