using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace HssDevice.LinuxGuest;

/// <summary>
/// A real Linux kernel in QEMU (tools/linux-usb/run-guest.sh, docs/linux-usb.md): this machine's kernel and its own
/// userspace (read-only over 9p, so usbip, lsusb and dotnet are the host's), no network. Commands run through the
/// guest agent's virtio-serial port; USB/IP reaches the server chosen with <see cref="UseUsbIpServerAsync"/>, which
/// the guest sees at 127.0.0.1:3240 (`usbip attach -r 127.0.0.1 -b 1-1`).
/// Boot once and reuse it (an xunit fixture): booting takes about 10 s under TCG.
/// </summary>
public sealed class LinuxGuest : IAsyncDisposable
{
    private const string ReadyMarker = "@@HSS-READY@@\n";
    private const string GuestFailedMarker = "hss-guest: FAILED: ";
    private static readonly Regex DoneMarker = new(@"\n@@HSS-DONE (-?[0-9]+)@@\n", RegexOptions.Compiled);

    private readonly Process _qemu;
    private readonly Socket _control;
    private readonly UsbIpRelay _relay;
    private readonly SemaphoreSlim _oneCommand = new(1, 1);
    private readonly StringBuilder _received = new();
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly StringBuilder _scriptOutput;
    private bool _broken;

    private LinuxGuest(Process qemu, Socket control, UsbIpRelay relay, string workDirectory, StringBuilder scriptOutput)
    {
        _qemu = qemu;
        _control = control;
        _relay = relay;
        WorkDirectory = workDirectory;
        _scriptOutput = scriptOutput;
    }

    /// <summary>A folder of this machine (under the temporary folder) for this guest's files, such as its console log.
    /// The guest does not see it: its /tmp is a tmpfs of its own.</summary>
    public string WorkDirectory { get; }

    /// <summary>The guest's kernel console (serial port): boot messages and the kernel log as it is printed.</summary>
    public string ConsoleLogPath => Path.Combine(WorkDirectory, "console.log");

    public TimeSpan BootTime { get; private set; }

    /// <summary>
    /// Boots the guest and waits until its agent answers. Throws LinuxGuestException saying why it could not, led by
    /// the guest's own "hss-guest: FAILED: ..." line when it printed one. <paramref name="linuxUsbTools"/>: the rig's
    /// scripts (default this checkout's tools/linux-usb); <paramref name="keep"/>: run-guest.sh --keep (default the
    /// checkout of those scripts; "" for none).
    /// </summary>
    public static async Task<LinuxGuest> BootAsync(TimeSpan? timeout = null, int memoryMegabytes = 768, string? linuxUsbTools = null, string? keep = null)
    {
        // One test process with guests at a time on this machine: two TCG guests of two test assemblies (run in
        // parallel) on two cores made each too slow for its command timeouts. Guests of one process share the lock
        // (a fixture's guest and a test's own may overlap); the wait comes before the boot's time limit starts.
        await AcquireMachineLockAsync().ConfigureAwait(false);
        try
        {
            LinuxGuest guest = await BootLockedAsync(timeout, memoryMegabytes, linuxUsbTools, keep).ConfigureAwait(false);
            guest._holdsMachineLock = true;
            return guest;
        }
        catch
        {
            ReleaseMachineLock();
            throw;
        }
    }

    private static readonly SemaphoreSlim MachineLockGate = new(1, 1);
    private static FileStream? _machineLock;
    private static int _machineLockHolders;
    private bool _holdsMachineLock;

    /// <summary>An exclusive lock (flock through FileShare.None) on a file, taken by the first guest of this process.</summary>
    private static async Task AcquireMachineLockAsync()
    {
        await MachineLockGate.WaitAsync().ConfigureAwait(false);
        try
        {
            string path = Path.Combine(Path.GetTempPath(), "hss-linux-guest.lock");
            while (_machineLock == null)
            {
                try
                {
                    _machineLock = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500)).ConfigureAwait(false);
                }
            }

            _machineLockHolders++;
        }
        finally
        {
            MachineLockGate.Release();
        }
    }

    private static void ReleaseMachineLock()
    {
        MachineLockGate.Wait();
        try
        {
            if (--_machineLockHolders == 0)
            {
                _machineLock?.Dispose();
                _machineLock = null;
            }
        }
        finally
        {
            MachineLockGate.Release();
        }
    }

    private static async Task<LinuxGuest> BootLockedAsync(TimeSpan? timeout, int memoryMegabytes, string? linuxUsbTools, string? keep)
    {
        TimeSpan limit = timeout ?? TimeSpan.FromMinutes(3);
        var watch = Stopwatch.StartNew();
        string work = Directory.CreateTempSubdirectory("hss-linux-guest-").FullName;
        string cache = Path.Combine(Path.GetTempPath(), "hss-linux-usb-cache");
        using var controlListener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        controlListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        controlListener.Listen(1);
        var relay = new UsbIpRelay();
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[]
        {
            Path.Combine(linuxUsbTools ?? RepositoryRoot.LinuxUsbTools, "run-guest.sh"),
            "--ctl", ((IPEndPoint)controlListener.LocalEndPoint!).ToString(),
            "--usbip", relay.EndPoint.ToString(),
            "--log", Path.Combine(work, "console.log"),
            "--cache", cache,
            "--memory", memoryMegabytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(arg);
        }

        if (keep != null)
        {
            start.ArgumentList.Add("--keep");
            start.ArgumentList.Add(keep);
        }

        var scriptOutput = new StringBuilder();
        var qemu = new Process { StartInfo = start };
        qemu.OutputDataReceived += (_, e) => { lock (scriptOutput) { scriptOutput.AppendLine(e.Data); } };
        qemu.ErrorDataReceived += (_, e) => { lock (scriptOutput) { scriptOutput.AppendLine(e.Data); } };
        try
        {
            qemu.Start();
        }
        catch (Exception e)
        {
            await relay.DisposeAsync().ConfigureAwait(false);
            throw new LinuxGuestException("cannot start bash for tools/linux-usb/run-guest.sh: " + e.Message);
        }

        qemu.BeginOutputReadLine();
        qemu.BeginErrorReadLine();
        Socket? control = null;
        try
        {
            using var cts = new CancellationTokenSource(limit);
            Task<Socket> accept = controlListener.AcceptAsync(cts.Token).AsTask();
            Task exited = qemu.WaitForExitAsync(cts.Token);
            if (await Task.WhenAny(accept, exited).ConfigureAwait(false) != accept)
            {
                throw new LinuxGuestException(Describe("QEMU exited before the guest connected", qemu, scriptOutput, work));
            }

            control = await accept.ConfigureAwait(false);
            var guest = new LinuxGuest(qemu, control, relay, work, scriptOutput);
            string greeting = await guest.ReadUntilAsync(s => s.Contains(ReadyMarker, StringComparison.Ordinal), limit - watch.Elapsed)
                .ConfigureAwait(false);
            guest._received.Clear();
            guest._received.Append(greeting.AsSpan(greeting.IndexOf(ReadyMarker, StringComparison.Ordinal) + ReadyMarker.Length));
            guest.BootTime = watch.Elapsed;
            return guest;
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or SocketException or LinuxGuestException)
        {
            string why = e is LinuxGuestException ? e.Message : Describe($"the guest did not come up within {limit.TotalSeconds} s ({e.Message})", qemu, scriptOutput, work);
            control?.Dispose();
            Kill(qemu);
            await relay.DisposeAsync().ConfigureAwait(false);
            throw new LinuxGuestException(why);
        }
    }

    /// <summary>Runs one shell command line in the guest (as root, in the host's userspace) and returns its output.</summary>
    public async Task<GuestResult> RunAsync(string command, TimeSpan? timeout = null)
    {
        if (command.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException("one command line: join commands with ';' or '&&'", nameof(command));
        }

        await _oneCommand.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_broken)
            {
                throw new LinuxGuestException("the guest stopped answering an earlier command");
            }

            await _control.SendAsync(Encoding.UTF8.GetBytes(command + "\n"), SocketFlags.None).ConfigureAwait(false);
            string text;
            try
            {
                text = await ReadUntilAsync(s => DoneMarker.IsMatch(s), timeout ?? TimeSpan.FromSeconds(90)).ConfigureAwait(false);
            }
            catch (LinuxGuestException)
            {
                _broken = true;
                throw;
            }

            Match done = DoneMarker.Match(text);
            _received.Clear();
            _received.Append(text.AsSpan(done.Index + done.Length));
            return new GuestResult(int.Parse(done.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), text.Substring(0, done.Index));
        }
        finally
        {
            _oneCommand.Release();
        }
    }

    /// <summary>Runs a command that must succeed; throws with its output when it does not.</summary>
    public async Task<string> RunCheckedAsync(string command, TimeSpan? timeout = null)
    {
        GuestResult result = await RunAsync(command, timeout).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new LinuxGuestException($"guest command failed ({command}): {result}");
        }

        return result.Output;
    }

    /// <summary>
    /// Joins the guest's 127.0.0.1:3240 to this USB/IP server (e.g. `hss emulate --usbip` or an in-process
    /// UsbIpServer). Closes the guest's current USB/IP stream (an attached device is detached) and waits until
    /// QEMU has reconnected, so the next `usbip attach` reaches <paramref name="server"/>.
    /// </summary>
    public Task UseUsbIpServerAsync(IPEndPoint server) => _relay.UseServerAsync(server, TimeSpan.FromSeconds(30));

    /// <summary>Waits until QEMU's USB/IP stream is connected again (after a server closed it, about a second).</summary>
    public Task WaitUsbIpStreamAsync() => _relay.WaitGuestConnectedAsync(TimeSpan.FromSeconds(30));

    /// <summary>How many times QEMU's USB/IP stream has connected (read it before something closes the stream).</summary>
    public int UsbIpStreamConnections => _relay.Connections;

    /// <summary>Waits until the stream has connected more than <paramref name="seenConnections"/> times (a reconnection).</summary>
    public Task WaitUsbIpReconnectAsync(int seenConnections) => _relay.WaitConnectionsAsync(seenConnections + 1, TimeSpan.FromSeconds(30));

    public string ConsoleTail(int lines = 40)
    {
        try
        {
            string[] all = File.ReadAllLines(ConsoleLogPath);
            return string.Join('\n', all[Math.Max(0, all.Length - lines)..]);
        }
        catch (IOException e)
        {
            return "(no console log: " + e.Message + ")";
        }
    }

    private async Task<string> ReadUntilAsync(Func<string, bool> done, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout > TimeSpan.Zero ? timeout : TimeSpan.FromMilliseconds(1));
        while (!done(_received.ToString()))
        {
            int read;
            try
            {
                read = await _control.ReceiveAsync(_buffer, SocketFlags.None, cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new LinuxGuestException(Describe($"no answer from the guest within {timeout.TotalSeconds:0} s; received so far: {_received}",
                    _qemu, _scriptOutput, WorkDirectory));
            }

            if (read == 0)
            {
                throw new LinuxGuestException(Describe("the guest closed its command port", _qemu, _scriptOutput, WorkDirectory));
            }

            _received.Append(Encoding.UTF8.GetString(_buffer, 0, read));
        }

        return _received.ToString();
    }

    private static string Describe(string what, Process qemu, StringBuilder scriptOutput, string work)
    {
        string script;
        lock (scriptOutput)
        {
            script = scriptOutput.ToString().Trim();
        }

        string console;
        string? failed = null;
        try
        {
            string[] lines = File.ReadAllLines(Path.Combine(work, "console.log"));
            console = string.Join('\n', lines[Math.Max(0, lines.Length - 30)..]);
            // guest-init.sh's one line saying why the guest gave up (e.g. it cannot see the checkout), first.
            failed = Array.Find(lines, l => l.Contains(GuestFailedMarker, StringComparison.Ordinal));
        }
        catch (IOException)
        {
            console = "(none)";
        }

        string exit = qemu.HasExited ? $"exited with {qemu.ExitCode}" : "still running";
        string cause = failed == null ? "" : failed.Substring(failed.IndexOf(GuestFailedMarker, StringComparison.Ordinal)).Trim() + "\n";
        return $"{cause}{what}. run-guest.sh/QEMU {exit}; its output: {script}\nguest console (last lines):\n{console}";
    }

    private static void Kill(Process qemu)
    {
        try
        {
            if (!qemu.HasExited)
            {
                // Only the process tree this helper started (bash exec'd QEMU, so it is one process).
                qemu.Kill(entireProcessTree: true);
                qemu.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _control.Dispose();
        Kill(_qemu);
        _qemu.Dispose();
        await _relay.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
        }

        if (_holdsMachineLock)
        {
            _holdsMachineLock = false;
            ReleaseMachineLock();
        }
    }
}
