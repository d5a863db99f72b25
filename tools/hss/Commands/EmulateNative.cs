using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Engine;
using HssDevice.NativeUsbIp;
using HssDevice.Tool.Display;
using HssDevice.Tool.Samples;
using HssDevice.Transport.NativeUsb;
using HssDevice.Usb;
using HssDevice.UsbIp;
using Microsoft.Extensions.Logging;

namespace HssDevice.Tool.Commands;

/// <summary>
/// `hss emulate --usbip ADDR:PORT --native`: the sample device served through the C core (firmware/native) and its
/// USB/IP port (libhss_native.so) instead of the C# emulation: the board's descriptors go down as the blob of
/// UsbDescriptorBlob, and the engine runs over NativeUsbLink, the link a board with the native function uses.
/// </summary>
public static class EmulateNative
{
    // Queue sizes handed to hss_usb_open: a few command packets, and room for several 4 KiB bulk transfers.
    private const int CommandQueuePackets = 16;
    private const int DataBytes = 64 * 1024;

    public static async Task<int> RunAsync(IPEndPoint listen, EmulateUsbIp.Choices choices, BoardSettings board, UsbSpeed speed,
        HssUsbProfile profile, IReadOnlyList<SampleStep> steps, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var descriptors = new UsbDescriptorBuilder(board, profile);
        byte[] blob = UsbDescriptorBlob.Build(descriptors);
        bool high = speed == UsbSpeed.High;
        UsbIpDeviceInfo info = UsbIpDeviceInfo.FromDescriptors(descriptors.BuildDeviceDescriptor(), descriptors.BuildConfiguration(speed), high);
        using ILoggerFactory loggers = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(choices.LogLevel)
            .AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss.fff ";
            }));
        NativeUsbIpServer server;
        try
        {
            server = NativeUsbIpServer.Start(listen, high, loggers.CreateLogger("hss.usbip.native"));
        }
        catch (SocketException e)
        {
            error.WriteLine($"error: cannot listen on {listen}: {e.Message}");
            return ExitCodes.Unavailable;
        }

        PInvokeUsbFunction function = server.Function;
        var configured = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        function.LinkChanged += () =>
        {
            if (function.LinkState() == 1)
            {
                configured.TrySetResult();
            }
        };
        int status = function.Open(blob, CommandQueuePackets, DataBytes, DataBytes);
        if (status != NativeUsbStatus.Ok)
        {
            server.Dispose();
            error.WriteLine($"error: the native USB function refused the board's descriptors: {NativeUsbStatus.NameOf(status)}");
            return ExitCodes.BadInput;
        }

        IPEndPoint bound = server.LocalEndPoint;
        output.WriteLine($"hss emulate: board {board.Name} ({profile.ToString().ToLowerInvariant()} profile, {(high ? "high" : "full")} speed" +
            $"{(choices.Reference ? ", reference device" : "")}, native C core) as USB/IP bus ID {info.BusId} on {bound}, " +
            $"device {info.VendorId:x4}:{info.ProductId:x4}");
        output.WriteLine($"hss emulate: attach it with: usbip attach -r {bound.Address} -b {info.BusId}" +
            (bound.Port != EmulateUsbIp.DefaultEndPoint.Port ? $" (usbip --tcp-port {bound.Port})" : ""));
        var link = new NativeUsbLink(function);
        var engine = new HssEngine(link, LinkSetup.WithReferenceAcks(new HssEngineSettings(), choices.Reference));
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
            // Unplug (the kernel sees the device leave), stop the device, then free the C server.
            function.Close();
            engine.Dispose();
            NativeUsbIpCounters counters = server.Counters;
            server.Dispose();
            if (counters.ProtocolErrors > 0)
            {
                error.WriteLine($"hss emulate: the native USB/IP server closed {counters.ProtocolErrors} connection(s) for bad input (see --log-level Warning)");
            }
        }

        return SampleReport.Finish(outcomes, output, error);
    }
}
