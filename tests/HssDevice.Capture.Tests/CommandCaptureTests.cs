using System;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Tool;
using HssDevice.Tool.Servers;
using Xunit;

namespace HssDevice.Capture.Tests;

/// <summary>`hss host --listen --pcap` and `hss emulate --connect --pcap` in-process: both ends of one TCP link captured,
/// each decoding to the same HSS packets; bad option values refused.</summary>
public sealed class CommandCaptureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hss-pcap-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A writer whose text can be waited for (the host's "listening on" line).</summary>
    private sealed class LineWaiter : StringWriter
    {
        private readonly object _lock = new();

        public override void Write(char value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public async Task<string> LineStartingWith(string prefix)
        {
            for (int i = 0; i < 600; i++)
            {
                string text;
                lock (_lock)
                {
                    text = ToString();
                }

                string? line = text.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
                if (line != null && text.Contains(line + "\n"))
                {
                    return line.TrimEnd('\r');
                }

                await Task.Delay(100);
            }

            throw new TimeoutException("no line starting with " + prefix);
        }
    }

    [Fact]
    public async Task Host_and_emulate_captures_of_one_tcp_link_decode_to_the_same_packets()
    {
        string hostPcap = Path.Combine(_dir, "host.pcap");
        string devicePcap = Path.Combine(_dir, "device.pcap");
        await using var servers = await LoopbackServers.StartAsync(ServerPorts.OsChosen);
        var hostOutput = new LineWaiter();
        Task<int> host = Program.RunAsync(["host", "--listen", "127.0.0.1:0", "--allow-loopback", "--once", "--log-level", "Warning", "--pcap", hostPcap],
            hostOutput, new StringWriter());
        string listening = (await hostOutput.LineStartingWith("listening on ")).Substring("listening on ".Length);
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = await Program.RunAsync(["emulate", "--connect", listening, "--tcp-echo", servers.TcpEcho(AddressFamily.InterNetwork).ToString(),
            "--bytes", "5000", "--pcap", devicePcap], output, error);
        Assert.True(exitCode == 0, output.ToString() + error);
        Assert.Equal(0, await host.WaitAsync(TimeSpan.FromSeconds(60)));

        string Packets(string pcap) => string.Join(";", Tshark.Fields(pcap, "hss", "hss.opcode", "hss.msg_id", "hss.direction", "hss.payload_len")
            .SelectMany(r => r["hss.opcode"].Split(',').Zip(r["hss.msg_id"].Split(','), r["hss.direction"].Split(',')))
            .Select(p => $"{p.First}/{p.Second}/{p.Third}")
            .OrderBy(p => p, StringComparer.Ordinal));
        string atHost = Packets(hostPcap);
        Assert.Contains("0/1/device-to-host", atHost);
        Assert.Contains("3/", atHost);
        Assert.Equal(atHost, Packets(devicePcap));
        Assert.All(Tshark.Fields(hostPcap, "hss", "usb.bus_id"), r => Assert.Equal("2", r["usb.bus_id"]));
    }

    [Theory]
    [InlineData("1000")]
    [InlineData("-5")]
    public void Pcap_max_bytes_below_the_minimum_is_a_usage_error(string value)
    {
        var error = new StringWriter();
        int exitCode = Program.Run(["demo", "--pcap", Path.Combine(_dir, "x.pcap"), "--pcap-max-bytes", value], new StringWriter(), error);
        Assert.Equal(1, exitCode);
        Assert.Contains("--pcap-max-bytes: '" + value + "' is not a whole number from 65536 to", error.ToString());
        Assert.False(File.Exists(Path.Combine(_dir, "x.pcap")));
    }

    [Fact]
    public void A_capture_that_cannot_be_created_is_refused_before_anything_runs()
    {
        var error = new StringWriter();
        int exitCode = Program.Run(["demo", "--pcap", Path.Combine(_dir, "no-such-folder", "x.pcap")], new StringWriter(), error);
        Assert.Equal(4, exitCode);
        Assert.Contains("cannot write the capture", error.ToString());
    }
}
