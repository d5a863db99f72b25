using System;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Wire;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.Tool.Tests;

/// <summary>
/// `hss host --listen` and `hss emulate --usbip` as child processes under a hard open-file limit of 256 (bash's
/// `ulimit -n`): bursts of connections from many loopback addresses, each asking for as many sockets as it may, then a
/// proper client is served. Before, the host aborted ("Out of memory.": the runtime could not open a file for a new
/// thread) in about one burst in five, and the USB/IP server stopped accepting for good at the first EMFILE.
/// </summary>
public class ServersUnderFdExhaustionTests
{
    private const int OpenFileLimit = 256;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ITestOutputHelper _output;

    public ServersUnderFdExhaustionTests(ITestOutputHelper output)
    {
        _output = output;
    }

    /// <summary>`hss ARGS` in a child process with `ulimit -n` set, its output collected line by line.</summary>
    private sealed class ChildTool : IDisposable
    {
        private readonly Process _process;

        public ChildTool(int openFileLimit, params string[] args)
        {
            string hss = typeof(Program).Assembly.Location;
            string runtimeConfig = Path.Combine(AppContext.BaseDirectory, "HssDevice.Tool.Tests.runtimeconfig.json");
            var start = new ProcessStartInfo("bash")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // ulimit -n sets the soft and the hard limit: the runtime cannot raise it.
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"ulimit -n {openFileLimit} && exec \"$@\"");
            start.ArgumentList.Add("bash");
            foreach (string arg in new[] { "dotnet", "exec", "--runtimeconfig", runtimeConfig, hss }.Concat(args))
            {
                start.ArgumentList.Add(arg);
            }

            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, e) => { if (e.Data != null) { Lines.Enqueue(e.Data); } };
            _process.ErrorDataReceived += (_, e) => { if (e.Data != null) { Lines.Enqueue("stderr: " + e.Data); } };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public ConcurrentQueue<string> Lines { get; } = new();

        public bool HasExited => _process.HasExited;

        public string Tail => string.Join("\n", Lines.TakeLast(15));

        public async Task<string> LineContainingAsync(string text)
        {
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < Patience)
            {
                string? line = Lines.FirstOrDefault(l => l.Contains(text));
                if (line != null)
                {
                    return line;
                }

                Assert.False(_process.HasExited, "the tool exited: " + Tail);
                await Task.Delay(50);
            }

            throw new TimeoutException($"no line with '{text}': {Tail}");
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }

            _process.Dispose();
        }
    }

    /// <summary>`count` connections from 127.77.x.y (one address per `perAddress`), each sending `hello` once; held
    /// for `hold`, then closed. Returns how many connected.</summary>
    private static async Task<int> BurstAsync(IPEndPoint server, int count, int perAddress, byte[] hello, TimeSpan hold)
    {
        var sockets = new ConcurrentBag<Socket>();
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                int address = i / perAddress;
                socket.Bind(new IPEndPoint(IPAddress.Parse($"127.77.{address / 250}.{address % 250 + 1}"), 0));
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await socket.ConnectAsync(server, timeout.Token);
                if (hello.Length > 0)
                {
                    await socket.SendAsync(hello, SocketFlags.None, timeout.Token);
                }

                sockets.Add(socket);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                socket.Dispose();
            }
        }));
        await Task.Delay(hold);
        foreach (Socket socket in sockets)
        {
            socket.Dispose();
        }

        return sockets.Count;
    }

    private static IPEndPoint EndPointIn(string line)
    {
        int at = line.LastIndexOf("127.0.0.1:", StringComparison.Ordinal);
        string text = new string(line[at..].TakeWhile(c => c == '.' || c == ':' || char.IsDigit(c)).ToArray());
        return IPEndPoint.Parse(text);
    }

    [Fact]
    public async Task HostListen_UnderALowOpenFileLimit_SurvivesConnectionBursts_AndThenServesADevice()
    {
        using var host = new ChildTool(OpenFileLimit, "host", "--listen", "127.0.0.1:0", "--log-level", "Warning");
        IPEndPoint listening = EndPointIn(await host.LineContainingAsync("listening on "));

        // Each burst connection asks for 64 UDP sockets (the per-device maximum): far more than 256 descriptors.
        var opens = new List<byte>();
        byte[] packet = new byte[HssLayout.MaxCommandPacket];
        for (int handle = 1; handle <= 64; handle++)
        {
            opens.AddRange(packet[..PacketWriter.WriteOpen(packet, 0, handle, (uint)handle, HssFamily.IPv4, HssProtocol.Udp, HssType.Datagram)]);
        }

        for (int burst = 0; burst < 3; burst++)
        {
            int connected = await BurstAsync(listening, 400, 10, opens.ToArray(), TimeSpan.FromSeconds(1));
            int halfOpen = await BurstAsync(listening, 200, 10, new byte[5], TimeSpan.FromMilliseconds(200));
            _output.WriteLine($"burst {burst}: {connected} connections asking for 64 sockets each, {halfOpen} half headers");
            Assert.False(host.HasExited, "the host died: " + host.Tail);
        }

        // A proper device, once the burst's connections are gone: its OPEN is answered Success.
        using var device = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        device.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        await device.ConnectAsync(listening);
        byte[] ack = Array.Empty<byte>();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < Patience)
        {
            // The burst's devices may still be leaving: until then the device's own floor of descriptors serves it.
            int n = PacketWriter.WriteOpen(packet, 0, 1, (uint)watch.ElapsedMilliseconds + 1, HssFamily.IPv4, HssProtocol.Udp, HssType.Datagram);
            await device.SendAsync(packet.AsMemory(0, n), SocketFlags.None);
            ack = await ReadExactlyAsync(device, HssLayout.HeaderSize + HssLayout.AckMinPayloadLength);
            if (ack[HssLayout.HeaderSize + HssLayout.AckCodeOffset] == HssError.Success)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.Equal(HssError.Success, ack[HssLayout.HeaderSize + HssLayout.AckCodeOffset]);
        Assert.False(host.HasExited, host.Tail);
        // The descriptor budget was what held: devices were refused sockets, not the runtime its files.
        Assert.Contains(host.Lines, l => l.Contains("limit ReservedDescriptors reached"));
        _output.WriteLine(string.Join("\n", host.Lines.Where(l => l.Contains("file descriptors") || l.Contains("held back")).Take(5)));
    }

    [Fact]
    public async Task EmulateUsbIp_UnderALowOpenFileLimit_SurvivesConnectionBursts_AndThenServesAClient()
    {
        using var emulate = new ChildTool(OpenFileLimit, "emulate", "--usbip", "127.0.0.1:0", "--http", "127.0.0.1:1");
        IPEndPoint listening = EndPointIn(await emulate.LineContainingAsync("as USB/IP bus ID"));
        for (int burst = 0; burst < 3; burst++)
        {
            int connected = await BurstAsync(listening, 400, 20, Array.Empty<byte>(), TimeSpan.FromSeconds(1));
            _output.WriteLine($"burst {burst}: {connected} silent connections");
            Assert.False(emulate.HasExited, "the server died: " + emulate.Tail);
        }

        // A proper client: the device list (OP_REQ_DEVLIST), then an import of bus ID 1-1.
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listening);
        byte[] request = new byte[8];
        BinaryPrimitives.WriteUInt16BigEndian(request, 0x0111);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(2), 0x8005);
        await client.SendAsync(request, SocketFlags.None);
        byte[] reply = await ReadExactlyAsync(client, 12);
        Assert.Equal(0x0005, BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(2)));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(reply.AsSpan(4)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(reply.AsSpan(8)));
        Assert.False(emulate.HasExited, emulate.Tail);
    }

    private static async Task<byte[]> ReadExactlyAsync(Socket socket, int count)
    {
        byte[] buffer = new byte[count];
        int read = 0;
        using var timeout = new CancellationTokenSource(Patience);
        while (read < count)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                throw new InvalidOperationException($"closed after {read} of {count} bytes");
            }

            read += n;
        }

        return buffer;
    }
}
