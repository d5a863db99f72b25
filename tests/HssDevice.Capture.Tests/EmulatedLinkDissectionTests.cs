using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host.Emulation;
using Xunit;

namespace HssDevice.Capture.Tests;

/// <summary>
/// The test plays both ends of an emulated USB link (raw bytes on the device end, the capturing decorator on the host
/// end), then tshark with hss.lua decodes the capture: every field of what was sent, a packet split across two URBs,
/// two packets in one transfer, request/answer matching with the time between, and a bad opcode as expert info.
/// </summary>
public sealed class EmulatedLinkDissectionTests : IDisposable
{
    private static readonly byte[] Loopback6 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    private readonly string _dir = Directory.CreateTempSubdirectory("hss-pcap-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<byte[]> HostReadsCommandAsync(CapturingHostLink host)
    {
        var buffer = new byte[64];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int n = await host.ReadCommandAsync(buffer, timeout.Token);
        return buffer[..n];
    }

    private static async Task<byte[]> HostReadsDataAsync(CapturingHostLink host, int urbLength)
    {
        var buffer = new byte[urbLength];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int n = await host.ReadDataAsync(buffer, timeout.Token);
        return buffer[..n];
    }

    private static byte[] DeviceReadsCommand(EmulatedUsbLink usb)
    {
        var buffer = new byte[64];
        int n = usb.DeviceEnd.ReadCommand(buffer, 0, buffer.Length);
        return buffer[..n];
    }

    [Fact]
    public async Task Every_field_sent_is_decoded_with_splits_packing_matching_and_a_bad_opcode_flagged()
    {
        string path = Path.Combine(_dir, "emulated.pcap");
        var usb = new EmulatedUsbLink(UsbLinkOptions.FullSpeed);
        byte[] open = Hss.OpenTcp4(0x0102, 0x11223344);
        byte[] connect = Hss.Connect6(0x0103, 0x11223344, Loopback6, 8080);
        byte[] payload = Hss.Data(100, 1);
        byte[] split = Hss.Packet(Hss.Transmit, 0x0104, 0x11223344, payload);
        byte[] first = Hss.Packet(Hss.Transmit, 0x0105, 0x11223344, Hss.Data(5, 2));
        byte[] second = Hss.Packet(Hss.Transmit, 0x0106, 0x11223344, Hss.Data(7, 3));
        byte[] bad = Hss.Packet(0x0042, 0x0107, 0x11223344, []);
        using (var capture = new CaptureFile(path))
        {
            CapturingHostLink host = CapturingHostLink.Wrap(usb.HostEnd, capture, "test-device");
            usb.DeviceEnd.WriteCommand(open, 0, open.Length);
            Assert.Equal(open, await HostReadsCommandAsync(host));
            byte[] openAck = Hss.Answer(0x0102, 0x11223344, Hss.Open, 0);
            await host.WriteCommandAsync(openAck, CancellationToken.None);
            Assert.Equal(openAck, DeviceReadsCommand(usb));

            usb.DeviceEnd.WriteCommand(connect, 0, connect.Length);
            Assert.Equal(connect, await HostReadsCommandAsync(host));
            await host.WriteCommandAsync(Hss.Answer(0x0103, 0x11223344, Hss.Connect, 4), CancellationToken.None); // ECONNREFUSED
            DeviceReadsCommand(usb);

            // 112 bytes read with 64-byte URBs: the packet is split across two completions.
            usb.DeviceEnd.WriteData(split, 0, split.Length);
            Assert.Equal(split[..64], await HostReadsDataAsync(host, 64));
            Assert.Equal(split[64..], await HostReadsDataAsync(host, 64));

            // Two packets in one transfer, one URB.
            byte[] both = [.. first, .. second];
            usb.DeviceEnd.WriteData(both, 0, both.Length);
            Assert.Equal(both, await HostReadsDataAsync(host, 512));
            foreach ((ushort msg, int count) in new[] { ((ushort)0x0104, 100), ((ushort)0x0105, 5), ((ushort)0x0106, 7) })
            {
                await host.WriteCommandAsync(Hss.Answer(msg, 0x11223344, Hss.Transmit, 0, count), CancellationToken.None);
                DeviceReadsCommand(usb);
            }

            usb.DeviceEnd.WriteCommand(bad, 0, bad.Length);
            Assert.Equal(bad, await HostReadsCommandAsync(host));
        }

        var rows = Tshark.Fields(path, "hss", "hss.opcode", "hss.msg_id", "hss.sock_id", "hss.payload_len", "hss.direction",
            "hss.open.handle", "hss.open.family", "hss.open.protocol", "hss.open.type", "hss.connect.family", "hss.connect.port",
            "hss.connect.ipv6", "hss.ack.orig_opcode", "hss.ack.code", "hss.ack.count", "hss.data", "hss.request_in", "hss.response_in",
            "hss.time", "hss.begins_in", "usb.bus_id", "usb.device_address", "usb.endpoint_address");
        string Frame(int index) => rows[index]["frame.number"];

        // OPEN, its ACK, CONNECT, its ACK, the split TRANSMIT's first part (no complete packet) and second part, the
        // packed pair, three TRANSMIT ACKs, the bad packet.
        Assert.Equal(["0", "4", "1", "4", "", "3", "3,3", "4", "4", "4", ""], rows.Select(r => r["hss.opcode"]).ToArray());
        var openRow = rows[0];
        Assert.Equal(("258", "0x00000000", "9", "device-to-host"), (openRow["hss.msg_id"], openRow["hss.sock_id"], openRow["hss.payload_len"], openRow["hss.direction"]));
        Assert.Equal(("0x11223344", "1", "1", "1"), (openRow["hss.open.handle"], openRow["hss.open.family"], openRow["hss.open.protocol"], openRow["hss.open.type"]));
        Assert.Equal(("1", "2", "0x82"), (openRow["usb.bus_id"], openRow["usb.device_address"], openRow["usb.endpoint_address"]));
        Assert.Equal(Frame(1), openRow["hss.response_in"]);

        var openAckRow = rows[1];
        Assert.Equal(("258", "0x11223344", "0", "0", "host-to-device", "0x02"), (openAckRow["hss.msg_id"], openAckRow["hss.sock_id"],
            openAckRow["hss.ack.orig_opcode"], openAckRow["hss.ack.code"], openAckRow["hss.direction"], openAckRow["usb.endpoint_address"]));
        Assert.Equal(Frame(0), openAckRow["hss.request_in"]);
        Assert.True(double.Parse(openAckRow["hss.time"], System.Globalization.CultureInfo.InvariantCulture) >= 0, openAckRow["hss.time"]);

        Assert.Equal(("259", "2", "8080", "::1"), (rows[2]["hss.msg_id"], rows[2]["hss.connect.family"], rows[2]["hss.connect.port"], rows[2]["hss.connect.ipv6"]));
        Assert.Equal(("1", "4"), (rows[3]["hss.ack.orig_opcode"], rows[3]["hss.ack.code"]));

        // The split packet: decoded whole in the second URB's frame, which points back to where it began.
        Assert.Equal(("260", "100", Hss.Hex(payload), Frame(4), "0x81"), (rows[5]["hss.msg_id"], rows[5]["hss.payload_len"], rows[5]["hss.data"],
            rows[5]["hss.begins_in"], rows[5]["usb.endpoint_address"]));
        Assert.Equal(("261,262", "5,7", Hss.Hex(Hss.Data(5, 2)) + "," + Hss.Hex(Hss.Data(7, 3))),
            (rows[6]["hss.msg_id"], rows[6]["hss.payload_len"], rows[6]["hss.data"]));
        Assert.Equal(("100", Frame(5)), (rows[7]["hss.ack.count"], rows[7]["hss.request_in"]));
        Assert.Equal(("5", Frame(6)), (rows[8]["hss.ack.count"], rows[8]["hss.request_in"]));
        Assert.Equal(("7", Frame(6)), (rows[9]["hss.ack.count"], rows[9]["hss.request_in"]));

        var experts = Tshark.Fields(path, "hss.expert.unknown_opcode", "_ws.expert.message");
        Assert.Equal([Frame(10)], experts.Select(r => r["frame.number"]).ToArray());
        Assert.Contains("unknown opcode 0x0042", experts[0]["_ws.expert.message"]);
        // The refused CONNECT is a note (a failed request, not a protocol error); nothing else is flagged.
        var failures = Tshark.Fields(path, "hss.expert.error_code", "_ws.expert.message");
        Assert.Equal([Frame(3)], failures.Select(r => r["frame.number"]).ToArray());
        Assert.Contains("ECONNREFUSED", failures[0]["_ws.expert.message"]);
        Assert.Empty(Tshark.Fields(path, "hss.expert.unmatched_answer or hss.expert.bad_length or hss.expert.answer_mismatch or hss.expert.framing_lost"));
    }

    [Fact]
    public async Task Protocol_errors_are_flagged_an_answer_without_request_a_bad_length_and_a_wrong_orig_opcode()
    {
        string path = Path.Combine(_dir, "errors.pcap");
        var usb = new EmulatedUsbLink(UsbLinkOptions.FullSpeed);
        byte[] close = Hss.Packet(Hss.Close, 9, 7, [1, 2]);                // CLOSE has no payload
        byte[] orphan = Hss.Answer(40, 7, Hss.Close, 0);                     // nobody asked msg_id 40
        byte[] shutdown = Hss.Packet(Hss.Shutdown, 10, 7, []);
        byte[] wrongAnswer = Hss.Answer(10, 7, Hss.Close, 0);                // answers SHUTDOWN as if it were CLOSE
        using (var capture = new CaptureFile(path))
        {
            CapturingHostLink host = CapturingHostLink.Wrap(usb.HostEnd, capture, "test-device");
            usb.DeviceEnd.WriteCommand(close, 0, close.Length);
            await HostReadsCommandAsync(host);
            await host.WriteCommandAsync(orphan, CancellationToken.None);
            DeviceReadsCommand(usb);
            usb.DeviceEnd.WriteCommand(shutdown, 0, shutdown.Length);
            await HostReadsCommandAsync(host);
            await host.WriteCommandAsync(wrongAnswer, CancellationToken.None);
            DeviceReadsCommand(usb);

            // On the bulk pipe: a good TRANSMIT, then a header with an unknown opcode: framing is lost for the rest.
            byte[] lost = [.. Hss.Packet(Hss.Transmit, 11, 7, [9, 9, 9]), .. Hss.Packet(0x0099, 12, 7, [1]), .. Hss.Packet(Hss.Close, 13, 7, [])];
            usb.DeviceEnd.WriteData(lost, 0, lost.Length);
            Assert.Equal(lost, await HostReadsDataAsync(host, 512));
        }

        var lostRow = Assert.Single(Tshark.Fields(path, "hss.expert.framing_lost", "hss.opcode", "hss.msg_id", "_ws.expert.message"));
        Assert.Equal(("3", "11"), (lostRow["hss.opcode"], lostRow["hss.msg_id"]));  // the CLOSE behind the bad header is not parsed
        Assert.Contains("unknown opcode 0x0099 at byte 15", lostRow["_ws.expert.message"]);

        Assert.Single(Tshark.Fields(path, "hss.expert.bad_length and hss.opcode == 6"));
        Assert.Single(Tshark.Fields(path, "hss.expert.unmatched_answer and hss.msg_id == 40"));
        Assert.Single(Tshark.Fields(path, "hss.expert.answer_mismatch and hss.msg_id == 10"));
    }
}
