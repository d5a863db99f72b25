using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using HssDevice.Engine;
using HssDevice.Host.Emulation;
using HssDevice.Host.Usb.Boards;
using HssDevice.LinuxGuest;
using HssDevice.NativeUsbIp;
using HssDevice.Sample;
using HssDevice.Sockets;
using HssDevice.Transport.NativeUsb;
using HssDevice.Usb;
using HssDevice.UsbIp;
using FirmwareSpeed = HssDevice.Usb.UsbSpeed;
using LinkSpeed = HssDevice.Host.Emulation.UsbSpeed;

namespace HssDevice.RealKernelBench;

/// <summary>
/// Throughput through a real kernel: the device engine (default settings) behind a USB/IP server on this machine,
/// the rig's guest kernel (vhci-hcd) with `hss host --usb` (libusb), and in the guest a TCP sink (device-to-host)
/// and a TCP source (host-to-device) made with socat. Prints one line per direction: the median of --runs.
///   bench-usb.sh [--bytes N] [--runs N] [--board NAME] [--speed full|high] [--profile vendor|cdc] [--reference] [--native]
/// --native: the device is the C core of firmware/native behind its USB/IP port (libhss_native.so) instead of the
/// C# emulation; the engine, the guest and the measurement are the same.
/// </summary>
public static class Program
{
    private const int SinkPort = 9000;
    private const int SourcePort = 9001;
    private const int ChunkBytes = 16 * 1024;
    private const int IoTimeoutMs = 120_000;

    public static async Task<int> Main(string[] args)
    {
        var options = Options.Parse(args);
        if (options == null)
        {
            Console.Error.WriteLine("usage: bench-usb.sh [--bytes N] [--runs N] [--board NAME] [--speed full|high] [--profile vendor|cdc] [--reference] [--native]");
            return 1;
        }

        string hss = "dotnet " + Path.Combine(AppContext.BaseDirectory, "hss.dll");
        var clock = Stopwatch.StartNew();
        await using LinuxGuest.LinuxGuest guest = await LinuxGuest.LinuxGuest.BootAsync();
        Console.Error.WriteLine($"guest booted in {guest.BootTime.TotalSeconds:0.0} s");
        BoardSettings board = BoardDirectory.Load(Path.Combine(RepositoryRoot.Path, "boards"), options.Board).ToDeviceSettings();
        board.ReferenceIdentity = options.Reference;
        string vidPid = $"{board.EffectiveVendorId:x4}:{board.ProductId:x4}";
        await guest.RunCheckedAsync($"head -c {options.Bytes} /dev/urandom >/tmp/blob");
        await guest.RunCheckedAsync($"setsid socat -u TCP-LISTEN:{SinkPort},bind=127.0.0.1,reuseaddr,fork OPEN:/dev/null >/tmp/sink.log 2>&1 </dev/null &");
        await guest.RunCheckedAsync($"setsid socat -U TCP-LISTEN:{SourcePort},bind=127.0.0.1,reuseaddr,fork OPEN:/tmp/blob >/tmp/source.log 2>&1 </dev/null &");
        await guest.RunCheckedAsync($"cd /tmp && setsid {hss} host --usb --allow-loopback --device {vidPid}{(options.Reference ? " --reference-device" : "")} >/tmp/host.log 2>&1 </dev/null &");
        await guest.RunCheckedAsync("i=0; while [ $i -lt 1800 ]; do grep -q 'watching USB' /tmp/host.log && exit 0; sleep 0.1; i=$((i+1)); done; cat /tmp/host.log; exit 1", TimeSpan.FromMinutes(4));
        Console.Error.WriteLine($"hss host --usb up in the guest after {clock.Elapsed.TotalSeconds:0.0} s");

        // The device: the C# emulation (EmulatedUsbLink + UsbIpServer) or, with --native, the C core behind its
        // USB/IP port (libhss_native.so) driven through NativeUsbLink, the same engine and settings on top.
        HssEngine engine;
        IPEndPoint bound;
        var configured = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<Task> unplug;
        var descriptors = new UsbDescriptorBuilder(board, options.Profile);
        if (options.Native)
        {
            var native = NativeUsbIpServer.Start(new IPEndPoint(IPAddress.Loopback, 0), options.Speed == FirmwareSpeed.High);
            native.Function.LinkChanged += () =>
            {
                if (native.Function.LinkState() == 1)
                {
                    configured.TrySetResult();
                }
            };
            int status = native.Function.Open(UsbDescriptorBlob.Build(descriptors), 16, 64 * 1024, 64 * 1024);
            if (status != NativeUsbStatus.Ok)
            {
                throw new InvalidOperationException("the native USB function refused the descriptors: " + NativeUsbStatus.NameOf(status));
            }

            engine = new HssEngine(new NativeUsbLink(native.Function), new HssEngineSettings());
            bound = native.LocalEndPoint;
            unplug = () =>
            {
                native.Function.Close();
                engine.Dispose();
                native.Dispose();
                return Task.CompletedTask;
            };
        }
        else
        {
            LinkSpeed linkSpeed = options.Speed == FirmwareSpeed.High ? LinkSpeed.HighSpeed : LinkSpeed.FullSpeed;
            var link = new EmulatedUsbLink(options.Reference ? UsbLinkOptions.ReferenceCompatible(linkSpeed)
                : linkSpeed == LinkSpeed.HighSpeed ? UsbLinkOptions.HighSpeed : UsbLinkOptions.FullSpeed);
            var device = new EmulatedUsbIpDevice(descriptors, options.Speed, link.HostEnd);
            var server = new UsbIpServer(device);
            server.Configured += () => configured.TrySetResult();
            bound = server.Start(new IPEndPoint(IPAddress.Loopback, 0));
            engine = new HssEngine(link.DeviceEnd, new HssEngineSettings());
            unplug = async () =>
            {
                await server.DisposeAsync();
                engine.Dispose();
            };
        }

        engine.Start();
        try
        {
            await guest.UseUsbIpServerAsync(bound);
            await guest.RunCheckedAsync("sh " + Path.Combine(RepositoryRoot.LinuxUsbTools, "guest-usbip.sh") + " attach");
            await configured.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await guest.RunCheckedAsync("i=0; while [ $i -lt 600 ]; do grep -q 'attached usb' /tmp/host.log && exit 0; sleep 0.1; i=$((i+1)); done; cat /tmp/host.log; exit 1");
            string what = $"{options.Board} {options.Profile.ToString().ToLowerInvariant()} {(options.Speed == FirmwareSpeed.High ? "high" : "full")}-speed{(options.Reference ? " reference" : "")}{(options.Native ? " native-C-core" : " C#-emulation")}";
            foreach (bool deviceToHost in new[] { true, false })
            {
                var seconds = new List<double>();
                for (int run = 0; run < options.Runs; run++)
                {
                    seconds.Add(await Task.Run(() => deviceToHost ? DeviceToHost(engine, options.Bytes) : HostToDevice(engine, options.Bytes)));
                }

                seconds.Sort();
                double median = seconds[seconds.Count / 2];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{what}  {(deviceToHost ? "device-to-host" : "host-to-device")}  {options.Bytes} B  median {median:0.000} s of {options.Runs}  {options.Bytes / median / 1e6:0.000} MB/s  (runs: {string.Join(", ", seconds.Select(s => s.ToString("0.000", CultureInfo.InvariantCulture)))} s)"));
            }
        }
        finally
        {
            await unplug();
            Console.Error.WriteLine("guest host log:\n" + (await guest.RunAsync("cat /tmp/host.log")).Output);
        }

        return 0;
    }

    /// <summary>From the first byte queued until every byte was written to the host's socket (all ACKed) and CLOSE answered.</summary>
    private static double DeviceToHost(HssEngine engine, int bytes)
    {
        var socket = new HssSocket(engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SendTimeout = IoTimeoutMs;
        socket.Connect(HssEndPoint.Parse("127.0.0.1:" + SinkPort));
        byte[] chunk = new byte[ChunkBytes];
        SampleApp.Fill(chunk, 0, chunk.Length);
        var watch = Stopwatch.StartNew();
        for (int sent = 0; sent < bytes; sent += ChunkBytes)
        {
            socket.Send(chunk, 0, Math.Min(ChunkBytes, bytes - sent), SocketFlags.None);
        }

        socket.Close();
        if (!SampleApp.WaitForSocketsClosed(engine, IoTimeoutMs))
        {
            throw new TimeoutException("the device-to-host socket did not close");
        }

        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>From CONNECT answered until the source's last byte was read (it closes after the blob).</summary>
    private static double HostToDevice(HssEngine engine, int bytes)
    {
        var socket = new HssSocket(engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.ReceiveTimeout = IoTimeoutMs;
        socket.Connect(HssEndPoint.Parse("127.0.0.1:" + SourcePort));
        byte[] buffer = new byte[ChunkBytes];
        var watch = Stopwatch.StartNew();
        int received = 0;
        int n;
        while ((n = socket.Receive(buffer, 0, buffer.Length, SocketFlags.None)) > 0)
        {
            received += n;
        }

        double seconds = watch.Elapsed.TotalSeconds;
        socket.Close();
        SampleApp.WaitForSocketsClosed(engine, IoTimeoutMs);
        if (received != bytes)
        {
            throw new InvalidOperationException($"host-to-device: {received} of {bytes} bytes arrived");
        }

        return seconds;
    }

    private sealed record Options(int Bytes, int Runs, string Board, FirmwareSpeed Speed, HssUsbProfile Profile, bool Reference, bool Native = false)
    {
        public static Options? Parse(string[] args)
        {
            var o = new Options(4 * 1024 * 1024, 3, "stm32f769i-discovery", FirmwareSpeed.High, HssUsbProfile.Vendor, false);
            for (int i = 0; i < args.Length; i++)
            {
                string? value = i + 1 < args.Length ? args[i + 1] : null;
                switch (args[i])
                {
                    case "--bytes" when int.TryParse(value, out int bytes) && bytes > 0: o = o with { Bytes = bytes }; i++; break;
                    case "--runs" when int.TryParse(value, out int runs) && runs > 0: o = o with { Runs = runs }; i++; break;
                    case "--board" when value != null: o = o with { Board = value }; i++; break;
                    case "--speed" when value is "full" or "high": o = o with { Speed = value == "high" ? FirmwareSpeed.High : FirmwareSpeed.Full }; i++; break;
                    case "--profile" when value is "vendor" or "cdc": o = o with { Profile = value == "cdc" ? HssUsbProfile.Cdc : HssUsbProfile.Vendor }; i++; break;
                    case "--reference": o = o with { Reference = true }; break;
                    case "--native": o = o with { Native = true }; break;
                    default: return null;
                }
            }

            return o;
        }
    }
}
