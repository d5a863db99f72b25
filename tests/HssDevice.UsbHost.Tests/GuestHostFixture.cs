using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using HssDevice.LinuxGuest;
using Xunit;

namespace HssDevice.UsbHost.Tests;

/// <summary>
/// One booted guest for the RealKernel tests of this project, with the loopback servers (`hss demo --serve`) and
/// `hss host --usb` running in it. The host stays up across the tests, so it sees each device attach and detach in
/// turn (the reference identity, 2fe0:0001, it serves with reference-device settings by itself). A first device
/// warms it up: under TCG its first attach takes longer than the device's 5 s OPEN timeout while code is compiled.
/// A guest that cannot boot or start them makes every test fail with the reason; none is skipped.
/// </summary>
public sealed class GuestHostFixture : IAsyncLifetime
{
    public const string BoardDevice = "1209:0001";
    public const string ReferenceDevice = "2fe0:0001";
    public const string HostLog = "/tmp/hss-host.log";
    public const string ServersLog = "/tmp/hss-serve.log";

    private LinuxGuest.LinuxGuest? _guest;
    private Exception? _failure;

    public LinuxGuest.LinuxGuest Guest =>
        _guest ?? throw new LinuxGuestException("the Linux guest with `hss host --usb` did not start: " + _failure?.Message);

    /// <summary>The hss.dll beside the tests; the guest runs this same file (it sees this machine's files over 9p).</summary>
    public static string Hss => "dotnet " + Path.Combine(AppContext.BaseDirectory, "hss.dll");

    public TimeSpan BootTime { get; private set; }

    /// <summary>From boot to both hosts and the servers answering (dotnet starts slowly under TCG).</summary>
    public TimeSpan ReadyTime { get; private set; }

    public async Task InitializeAsync()
    {
        var watch = Stopwatch.StartNew();
        try
        {
            if (!File.Exists(Path.Combine(AppContext.BaseDirectory, "hss.runtimeconfig.json")))
            {
                throw new InvalidOperationException("hss.runtimeconfig.json is not beside the tests: the guest cannot run hss.dll");
            }

            _guest = await LinuxGuest.LinuxGuest.BootAsync().ConfigureAwait(false);
            BootTime = _guest.BootTime;
            // Background processes get their own output files and a new session, so the agent's shell can end.
            await _guest.RunCheckedAsync($"cd /tmp && setsid {Hss} demo --serve >{ServersLog} 2>&1 </dev/null &").ConfigureAwait(false);
            await _guest.RunCheckedAsync($"cd /tmp && setsid {Hss} host --usb --allow-loopback >{HostLog} 2>&1 </dev/null &").ConfigureAwait(false);
            await WaitForLineAsync(ServersLog, "serving until Ctrl+C").ConfigureAwait(false);
            await WaitForLineAsync(HostLog, "watching USB for HSS devices").ConfigureAwait(false);
            var warmUp = await RunEmulatorAsync(new[] { "--udp-echo", "127.0.0.1:7007", "--datagrams", "2" }, BoardDevice).ConfigureAwait(false);
            WarmUp = $"exit {warmUp.ExitCode} after {warmUp.Steps.TotalSeconds:0.0} s:\n{warmUp.Output}";
            ReadyTime = watch.Elapsed;
            Console.WriteLine($"RealKernel (hss host --usb): guest booted in {BootTime.TotalSeconds:0.0} s, hosts and servers up after {ReadyTime.TotalSeconds:0.0} s");
        }
        catch (Exception e)
        {
            _failure = e;
        }
    }

    /// <summary>What the warm-up run printed (its steps may fail: the host was still compiling its attach path).</summary>
    public string WarmUp { get; private set; } = "";

    /// <summary>
    /// Runs `hss emulate --usbip` in this process with <paramref name="emulateArgs"/>, attaches its device in the guest,
    /// waits for the steps and for the device to leave the guest. Returns the exit code and what it printed.
    /// </summary>
    public async Task<(int ExitCode, string Output, TimeSpan Steps, GuestResult Gone)> RunEmulatorAsync(string[] emulateArgs, string vidPid, TimeSpan? limit = null)
    {
        var watch = Stopwatch.StartNew();
        var output = new LineCollector();
        var args = new System.Collections.Generic.List<string> { "emulate", "--usbip", "127.0.0.1:0" };
        args.AddRange(emulateArgs);
        Task<int> emulate = HssDevice.Tool.Program.RunAsync(args.ToArray(), output, output);
        string serving = await output.LineStartingWith("hss emulate: board ", TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        var server = System.Net.IPEndPoint.Parse(System.Text.RegularExpressions.Regex.Match(serving, @" on ([0-9.]+:[0-9]+),").Groups[1].Value);
        await Guest.UseUsbIpServerAsync(server).ConfigureAwait(false);
        await Guest.RunCheckedAsync("sh " + Path.Combine(RepositoryRoot.LinuxUsbTools, "guest-usbip.sh") + " attach").ConfigureAwait(false);
        int exitCode = await emulate.WaitAsync(limit ?? TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        TimeSpan steps = watch.Elapsed;
        GuestResult gone = await Guest.RunAsync("sh " + Path.Combine(RepositoryRoot.LinuxUsbTools, "guest-usbip.sh") + $" wait-gone {vidPid} 30").ConfigureAwait(false);
        return (exitCode, output.ToString(), steps, gone);
    }

    /// <summary>A file of the guest (a host's log).</summary>
    public Task<string> ReadAsync(string path) => Guest.RunCheckedAsync("cat " + path);

    public async Task DisposeAsync()
    {
        if (_guest != null)
        {
            await _guest.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task WaitForLineAsync(string log, string text)
    {
        GuestResult result = await Guest.RunAsync(
            $"i=0; while [ $i -lt 1800 ]; do grep -q '{text}' {log} && exit 0; sleep 0.1; i=$((i+1)); done; cat {log}; exit 1",
            TimeSpan.FromMinutes(4)).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new LinuxGuestException($"'{text}' did not appear in the guest's {log} within 180 s; it holds: {result.Output}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GuestHostCollection : ICollectionFixture<GuestHostFixture>
{
    public const string Name = "RealKernel guest with hss host --usb";
}
