using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Engine;
using HssDevice.Sample;
using HssDevice.Tool.Display;
using HssDevice.Tool.Samples;
using HssDevice.Transport.SinglePipe;
using HssDevice.Usb;
using HssDevice.UsbIp;
using HssDevice.UsbIp.StockUsbStream;
using Microsoft.Extensions.Logging;

namespace HssDevice.Tool.Commands;

/// <summary>
/// `hss emulate --usbip` for a board of link usbstream (boards/slstk3701a.json): the device as stock nanoFramework
/// firmware presents it (its own descriptors, MS OS 1.0, one bulk pair, the UsbStream quirks of
/// <see cref="StockUsbStreamPipe"/>), and the device engine on the project's single-pipe link over that UsbStream,
/// with the board's budgets and UsbStreamLink's timeouts. With --enumerate-twice the device first enumerates
/// without its interface and re-enumerates with it three seconds later, as when the application creates its UsbStream.
/// </summary>
public static class EmulateUsbStream
{
    /// <summary>How long the emulated application takes from the first enumeration to CreateUsbStream.</summary>
    private static readonly TimeSpan ApplicationStart = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(IPEndPoint listen, BoardSettings board, bool enumerateTwice, LogLevel logLevel,
        IReadOnlyList<SampleStep> steps, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var pipe = new StockUsbStreamPipe();
        var device = new EmulatedUsbIpDevice(new StockUsbStreamDescriptors(board, withInterface: !enumerateTwice), UsbSpeed.Full, pipe);
        using ILoggerFactory loggers = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(logLevel)
            .AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss.fff ";
            }));
        var server = new UsbIpServer(device, logger: loggers.CreateLogger("hss.usbip"));
        var firstConfigured = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var streamConfigured = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Configured += () =>
        {
            // UsbStream.IsConnected: true once the host configured the device with the UsbStream's interface.
            if (device.Function is StockUsbStreamDescriptors { WithInterface: true })
            {
                pipe.Connect();
                streamConfigured.TrySetResult();
            }

            firstConfigured.TrySetResult();
        };

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

        output.WriteLine($"hss emulate: board {board.Name} (stock firmware UsbStream, single-pipe profile, full speed) as USB/IP bus ID " +
            $"{device.Info.BusId} on {bound}, device {device.Info.VendorId:x4}:{device.Info.ProductId:x4}");
        output.WriteLine($"hss emulate: attach it with: usbip attach -r {bound.Address} -b {device.Info.BusId}" +
            (bound.Port != EmulateUsbIp.DefaultEndPoint.Port ? $" (usbip --tcp-port {bound.Port})" : ""));

        // The board application: UsbStreamLink's timeouts, the board's budgets, the link down until configured.
        pipe.DeviceStream.ReadTimeout = UsbStreamRules.DefaultReadTimeout;
        pipe.DeviceStream.WriteTimeout = UsbStreamRules.DefaultWriteTimeout;
        var link = new StreamLink(pipe.DeviceStream, pipe.IsConnected);
        pipe.ConnectionChanged += link.SetConnected;
        var engine = new HssEngine(link, BoardSetup.EngineSettings(board));
        engine.Start();
        IReadOnlyList<StepOutcome> outcomes;
        try
        {
            try
            {
                if (enumerateTwice)
                {
                    await firstConfigured.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                    output.WriteLine("hss emulate: configured without its interface; the application creates its UsbStream: re-enumerating");
                    await Task.Delay(ApplicationStart, cancellationToken).ConfigureAwait(false);
                    device.Function = new StockUsbStreamDescriptors(board, withInterface: true);
                    await server.UnplugAsync().ConfigureAwait(false);
                }

                await streamConfigured.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                error.WriteLine("error: stopped before a host configured the device");
                return ExitCodes.Unavailable;
            }

            output.WriteLine("hss emulate: configured by the host; running the steps");
            outcomes = await StepDisplay.RunAsync(steps, engine, output).ConfigureAwait(false);
            output.WriteLine($"hss emulate: UsbStream rules: {pipe.RuleViolations} refused reads, {pipe.BytesLostToReadTimeouts} bytes lost to read timeouts");
        }
        finally
        {
            await server.DisposeAsync().ConfigureAwait(false);
            engine.Dispose();
            await pipe.DisposeAsync().ConfigureAwait(false);
        }

        return SampleReport.Finish(outcomes, output, error);
    }
}
