using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host.Emulation;
using HssDevice.Host.Links;
using HssDevice.Host.Usb.Boards;
using HssDevice.Tool;
using HssDevice.Usb;
using HssDevice.UsbIp;
using HssDevice.UsbIp.Tests;
using Xunit;
using LinkSpeed = HssDevice.Host.Emulation.UsbSpeed;

namespace HssDevice.Capture.Tests;

/// <summary>Captures of the other transports, decoded by tshark with hss.lua: the TCP single-pipe profile, the USB/IP
/// server's URBs, and `hss demo --pcap` as a newcomer runs it.</summary>
public sealed class TransportDissectionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hss-pcap-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Tcp_single_pipe_packets_are_bulk_transfers_of_a_pseudo_device_on_bus_2_and_reassemble_from_short_reads()
    {
        string path = Path.Combine(_dir, "tcp.pcap");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var device = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await device.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        Socket accepted = await listener.AcceptSocketAsync();
        byte[] open = Hss.OpenTcp4(1, 5);
        byte[] connect = Hss.Connect4(2, 5, [127, 0, 0, 1], 7007);
        byte[] transmit = Hss.Packet(Hss.Transmit, 3, 5, Hss.Data(40, 9));
        byte[] sent = [.. open, .. connect, .. transmit];
        using (var capture = new CaptureFile(path))
        {
            await using CapturingHostLink host = CapturingHostLink.Wrap(StreamHostLink.ForSocket(accepted), capture, "tcp device", CaptureFile.TcpBus);
            await device.SendAsync(sent);
            // 7-byte reads: headers and payloads straddle reads, as a byte stream allows.
            var received = new System.Collections.Generic.List<byte>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (received.Count < sent.Length)
            {
                var buffer = new byte[7];
                int n = await host.ReadDataAsync(buffer, timeout.Token);
                Assert.True(n > 0, "the device's bytes arrive");
                received.AddRange(buffer[..n]);
            }

            Assert.Equal(sent, received.ToArray());
            byte[] answers = [.. Hss.Answer(1, 5, Hss.Open, 0), .. Hss.Answer(2, 5, Hss.Connect, 0), .. Hss.Answer(3, 5, Hss.Transmit, 0, 40)];
            await host.WriteCommandAsync(answers, CancellationToken.None);
        }

        var rows = Tshark.Fields(path, "hss.opcode", "hss.opcode", "hss.msg_id", "hss.direction", "usb.bus_id", "usb.transfer_type",
            "hss.connect.ipv4", "hss.connect.port", "hss.data_len", "hss.request_in", "hss.ack.count");
        Assert.Equal("0,1,3", string.Join(",", rows.Where(r => r["hss.direction"].StartsWith("device")).Select(r => r["hss.opcode"])));
        Assert.Equal("1,2,3", string.Join(",", rows.Where(r => r["hss.direction"].StartsWith("device")).Select(r => r["hss.msg_id"])));
        Assert.All(rows, r => Assert.Equal(("2", "0x03"), (r["usb.bus_id"], r["usb.transfer_type"])));
        Assert.Contains(rows, r => r["hss.connect.ipv4"] == "127.0.0.1" && r["hss.connect.port"] == "7007");
        Assert.Contains(rows, r => r["hss.data_len"] == "40");
        var answerRow = Assert.Single(rows, r => r["hss.direction"].StartsWith("host"));
        Assert.Equal(("4,4,4", "40"), (answerRow["hss.opcode"], answerRow["hss.ack.count"]));
        Assert.Equal(3, answerRow["hss.request_in"].Split(',').Length);
        Assert.Empty(Tshark.Fields(path, "_ws.expert.severity >= \"warning\" && hss"));
    }

    [Fact]
    public async Task Usbip_urbs_are_captured_with_the_boards_own_descriptors_and_decoded()
    {
        string path = Path.Combine(_dir, "usbip.pcap");
        BoardSettings board = BoardDirectory.Load(Path.Combine(Tshark.RepositoryRoot, "boards"), "esp32-s3").ToDeviceSettings();
        var descriptors = new UsbDescriptorBuilder(board, HssUsbProfile.Vendor);
        var usb = new EmulatedUsbLink(UsbLinkOptions.FullSpeed);
        byte[] transmit = Hss.Packet(Hss.Transmit, 77, 3, Hss.Data(20, 4));
        byte[] ack = Hss.Answer(77, 3, Hss.Transmit, 0, 20);
        using (var capture = new CaptureFile(path))
        {
            var hostEnd = new CapturingHostLink(usb.HostEnd, capture.AddDevice("usbip esp32-s3",
                new CaptureDescriptors(descriptors.BuildDeviceDescriptor(), descriptors.BuildConfiguration(HssDevice.Usb.UsbSpeed.Full))));
            await using var server = new UsbIpServer(new EmulatedUsbIpDevice(descriptors, HssDevice.Usb.UsbSpeed.Full, hostEnd));
            IPEndPoint endPoint = server.Start(new IPEndPoint(IPAddress.Loopback, 0));
            await using var client = await UsbIpTestClient.ConnectAsync(endPoint);
            await client.ImportAsync();
            Assert.Equal(0, (await client.ControlAsync(0x00, 9, 1, 0, 0)).Status);
            usb.DeviceEnd.WriteData(transmit, 0, transmit.Length);
            await client.SendAsync(UsbIpTestClient.Submit(client.NextSeq(), 1, 1, 512));
            Assert.Equal(transmit, (await client.ReceiveUrbReplyAsync(inData: true)).Data);
            await client.SendAsync(UsbIpTestClient.Submit(client.NextSeq(), 0, 2, ack.Length, outData: ack));
            Assert.Equal(0, (await client.ReceiveUrbReplyAsync(inData: false)).Status);
            var got = new byte[64];
            Assert.Equal(ack.Length, usb.DeviceEnd.ReadCommand(got, 0, got.Length));
        }

        // Found by the board's interface (0xFF/0xAB/0x00) from the configuration descriptor at the capture's start.
        var rows = Tshark.Fields(path, "hss", "hss.opcode", "hss.msg_id", "hss.sock_id", "hss.data", "hss.ack.count", "hss.request_in", "usb.idVendor", "usb.bInterfaceClass");
        Assert.Equal(["3", "4"], rows.Select(r => r["hss.opcode"]).ToArray());
        Assert.Equal(("77", "0x00000003", Hss.Hex(Hss.Data(20, 4))), (rows[0]["hss.msg_id"], rows[0]["hss.sock_id"], rows[0]["hss.data"]));
        Assert.Equal(("20", rows[0]["frame.number"]), (rows[1]["hss.ack.count"], rows[1]["hss.request_in"]));
        var descriptorRows = Tshark.Fields(path, "usb.bInterfaceClass", "usb.idVendor", "usb.idProduct", "usb.bInterfaceClass", "usb.bInterfaceSubClass");
        Assert.Contains(descriptorRows, r => r["usb.bInterfaceClass"] == "0xff" && r["usb.bInterfaceSubClass"] == "0xab");
        Assert.Contains(Tshark.Fields(path, "usb.idVendor", "usb.idVendor"), r => r["usb.idVendor"] == $"0x{board.EffectiveVendorId:x4}");
    }

    [Fact]
    public async Task Demo_with_pcap_decodes_to_the_hosts_own_counts_and_every_request_is_answered()
    {
        string path = Path.Combine(_dir, "demo.pcap");
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = await Program.RunAsync(["demo", "--pcap", path, "--bytes", "3000", "--datagrams", "3"], output, error);
        Assert.True(exitCode == 0, output.ToString() + error);
        Match counts = Regex.Match(output.ToString(), @"host: (\d+) sockets opened, (\d+) bytes device-to-host, (\d+) bytes host-to-device");
        Assert.True(counts.Success, output.ToString());

        var rows = Tshark.Fields(path, "hss", "hss.opcode", "hss.direction", "hss.payload_len", "hss.response_in");
        var packets = rows.SelectMany(r => r["hss.opcode"].Split(',').Zip(r["hss.direction"].Split(','), r["hss.payload_len"].Split(','))).ToList();
        Assert.Equal(int.Parse(counts.Groups[1].Value), packets.Count(p => p.First == "0" && p.Second == "device-to-host"));
        long Transmitted(string direction) => packets.Where(p => p.First == "3" && p.Second == direction).Sum(p => long.Parse(p.Third, CultureInfo.InvariantCulture));
        Assert.Equal(long.Parse(counts.Groups[2].Value), Transmitted("device-to-host"));
        Assert.Equal(long.Parse(counts.Groups[3].Value), Transmitted("host-to-device"));
        foreach (string opcode in new[] { "0", "1", "2", "3", "4", "6" })
        {
            Assert.Contains(packets, p => p.First == opcode);
        }

        // Every request of the run has its answer in the capture, and nothing is flagged.
        int requests = packets.Count(p => p.First is "0" or "1" or "2" or "3" or "6");
        int answered = rows.Sum(r => r["hss.response_in"].Length == 0 ? 0 : r["hss.response_in"].Split(',').Length);
        Assert.Equal(requests, answered);
        Assert.Empty(Tshark.Fields(path, "hss.expert.unknown_opcode or hss.expert.bad_length or hss.expert.framing_lost or hss.expert.unmatched_answer or hss.expert.answer_mismatch"));
    }
}
