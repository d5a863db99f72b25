using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using HssDevice.Host.Usb.Boards;
using HssDevice.LinuxGuest;
using HssDevice.NativeUsbIp;
using HssDevice.Transport.NativeUsb;
using HssDevice.Usb;
using Xunit;

namespace HssDevice.UsbIp.Tests;

/// <summary>
/// The C USB/IP port (libhss_native.so) with the C core behind it, driven from this process as a client and as the
/// device's managed side (PInvokeUsbFunction): enumeration bytes, bulk data both ways with the packet rules, unlink,
/// and bad input, which closes the connection with a warning while the server goes on serving.
/// </summary>
public sealed class NativeUsbIpServerTests
{
    private sealed class NativeDevice : IDisposable
    {
        public NativeDevice(string boardName = "esp32-s3", UsbSpeed speed = UsbSpeed.Full)
        {
            BoardSettings board = BoardDirectory.Load(Path.Combine(RepositoryRoot.Path, "boards"), boardName).ToDeviceSettings();
            Descriptors = new UsbDescriptorBuilder(board, HssUsbProfile.Vendor);
            Speed = speed;
            Server = NativeUsbIpServer.Start(new IPEndPoint(IPAddress.Loopback, 0), speed == UsbSpeed.High, Log);
            Assert.Equal(NativeUsbStatus.Ok, Server.Function.Open(UsbDescriptorBlob.Build(Descriptors), 8, 4096, 4096));
        }

        public ListLogger Log { get; } = new();

        public UsbDescriptorBuilder Descriptors { get; }

        public UsbSpeed Speed { get; }

        public NativeUsbIpServer Server { get; }

        public PInvokeUsbFunction Function => Server.Function;

        public IPEndPoint EndPoint => Server.LocalEndPoint;

        public async Task<UsbIpTestClient> ConfiguredAsync()
        {
            var client = await UsbIpTestClient.ConnectAsync(EndPoint);
            await client.ImportAsync();
            Assert.Equal(0, (await client.ControlAsync(0x00, 9, 1, 0, 0)).Status); // SET_CONFIGURATION(1)
            Assert.Equal(1, Function.LinkState());
            return client;
        }

        public void Dispose() => Server.Dispose();
    }

    [Fact]
    public async Task The_kernel_reads_exactly_the_builders_descriptors()
    {
        using var device = new NativeDevice("stm32f769i-discovery", UsbSpeed.High);
        await using var client = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        await client.SendAsync(UsbIpTestClient.OpRequest(0x8005));
        byte[] devlist = await client.ReceiveAsync(8 + 4 + 312 + 4);
        Assert.Equal(0x12, devlist[12 + 256 + 32 + 12]); // idVendor 0x1209, big-endian
        await client.ImportAsync();
        byte[] configuration = device.Descriptors.BuildConfiguration(UsbSpeed.High);
        Assert.Equal(device.Descriptors.BuildDeviceDescriptor(), (await client.ControlAsync(0x80, 6, 0x0100, 0, 64)).Data);
        Assert.Equal(configuration, (await client.ControlAsync(0x80, 6, 0x0200, 0, 0xFFFF)).Data);
        Assert.Equal(configuration.Take(9), (await client.ControlAsync(0x80, 6, 0x0200, 0, 9)).Data);
        Assert.Equal(device.Descriptors.BuildBos(), (await client.ControlAsync(0x80, 6, 0x0F00, 0, 0xFFFF)).Data);
        Assert.Equal(-32, (await client.ControlAsync(0x80, 6, 0x0300 | 0x33, 0x0409, 255)).Status); // no string 0x33
    }

    [Fact]
    public async Task Bulk_data_goes_both_ways_with_the_packet_rules_and_waits_while_there_is_none()
    {
        using var device = new NativeDevice();
        await using var client = await device.ConfiguredAsync();

        // IN before the device has data: the URB waits (NAK).
        uint waiting = client.NextSeq();
        await client.SendAsync(UsbIpTestClient.Submit(waiting, 1, 1, 512));
        Assert.True(await client.NothingArrivesAsync(TimeSpan.FromMilliseconds(300)));

        // 100 bytes: one full packet and a short one end the transfer and the URB.
        byte[] hundred = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        Assert.Equal(100, device.Function.WriteData(hundred, 0, 100, true));
        UrbReply reply = await client.ReceiveUrbReplyAsync(inData: true);
        Assert.Equal((waiting, 0, 100), (reply.SeqNum, reply.Status, reply.ActualLength));
        Assert.Equal(hundred, reply.Data);

        // 128 bytes, a multiple of the 64-byte packet: the core's zero-length packet ends the URB after them.
        Assert.Equal(128, device.Function.WriteData(hundred.Concat(hundred).Take(128).ToArray(), 0, 128, true));
        await client.SendAsync(UsbIpTestClient.Submit(client.NextSeq(), 1, 1, 512));
        reply = await client.ReceiveUrbReplyAsync(inData: true);
        Assert.Equal(128, reply.ActualLength);

        // OUT: the URB's bytes reach the device's read, and the URB completes with its length.
        byte[] out70 = Enumerable.Range(0, 70).Select(i => (byte)(200 - i)).ToArray();
        await client.SendAsync(UsbIpTestClient.Submit(client.NextSeq(), 0, 1, out70.Length, outData: out70));
        reply = await client.ReceiveUrbReplyAsync(inData: false);
        Assert.Equal((0, 70), (reply.Status, reply.ActualLength));
        byte[] read = new byte[256];
        Assert.Equal(70, device.Function.ReadData(read, 0, read.Length));
        Assert.Equal(out70, read.Take(70));
    }

    [Fact]
    public async Task Unlinking_a_waiting_urb_cancels_it_and_the_next_gets_the_data()
    {
        using var device = new NativeDevice();
        await using var client = await device.ConfiguredAsync();
        uint first = client.NextSeq();
        await client.SendAsync(UsbIpTestClient.Submit(first, 1, 1, 512));
        await client.SendAsync(UsbIpTestClient.Unlink(client.NextSeq(), first));
        UrbReply unlinked = await client.ReceiveUrbReplyAsync(inData: false);
        Assert.Equal((4u, -104), (unlinked.Command, unlinked.Status)); // RET_UNLINK -ECONNRESET
        await client.SendAsync(UsbIpTestClient.Unlink(client.NextSeq(), 999));
        Assert.Equal(0, (await client.ReceiveUrbReplyAsync(inData: false)).Status); // unknown: already done

        uint second = client.NextSeq();
        await client.SendAsync(UsbIpTestClient.Submit(second, 1, 1, 512));
        Assert.Equal(5, device.Function.WriteData(new byte[] { 1, 2, 3, 4, 5 }, 0, 5, true));
        UrbReply reply = await client.ReceiveUrbReplyAsync(inData: true);
        Assert.Equal((second, 5), (reply.SeqNum, reply.ActualLength));
    }

    public static TheoryData<string, Func<byte[]>, string> ClosingMessages => new()
    {
        { "short operation header", () => new byte[] { 0x01, 0x11, 0x80 }, "mid-message" },
        { "import cut in its bus ID", () => UsbIpTestClient.ImportRequest("1-1")[..20], "mid-message" },
        { "unknown operation code", () => UsbIpTestClient.OpRequest(0x8099), "unknown operation code" },
        { "wrong protocol version", () => new byte[] { 0x01, 0x06, 0x80, 0x05, 0, 0, 0, 0 }, "expected an operation request" },
        { "URB command before any import", () => UsbIpTestClient.Submit(1, 1, 0, 18), "expected an operation request" },
    };

    [Theory]
    [MemberData(nameof(ClosingMessages))]
    public async Task A_bad_operation_message_closes_the_connection_and_is_logged(string what, Func<byte[]> bytes, string logged)
    {
        using var device = new NativeDevice();
        await using (var client = await UsbIpTestClient.ConnectAsync(device.EndPoint))
        {
            await client.SendAsync(bytes());
            client.ShutdownSend();
            Assert.True(await client.ClosedByServerAsync(), what);
        }

        await AssertServesNextImportAsync(device, logged);
    }

    public static TheoryData<string, Func<byte[]>, string> ClosingUrbs => new()
    {
        { "unknown URB command", () => { byte[] m = UsbIpTestClient.Submit(1, 1, 1, 8); m[3] = 9; return m; }, "unknown URB command" },
        { "transfer_buffer_length over the limit", () => UsbIpTestClient.Submit(1, 0, 1, int.MaxValue), "over the limit" },
        { "isochronous", () => UsbIpTestClient.Submit(1, 1, 1, 8, numberOfPackets: 4), "isochronous" },
        { "endpoint number over 15", () => UsbIpTestClient.Submit(1, 1, 16, 8), "out of range" },
        { "control OUT data stage over 4 KiB", () => UsbIpTestClient.Submit(1, 0, 0, 5000, UsbIpTestClient.Setup(0x40, 1, 0, 0, 5000)), "control OUT data stage" },
        { "OUT data cut short", () => UsbIpTestClient.Submit(1, 0, 1, 100, outData: new byte[10]), "mid-message" },
        { "a seqnum reused while in flight", () => UsbIpTestClient.Submit(7, 1, 1, 64).Concat(UsbIpTestClient.Submit(7, 1, 1, 64)).ToArray(), "reuses a seqnum" },
    };

    [Theory]
    [MemberData(nameof(ClosingUrbs))]
    public async Task A_bad_urb_message_closes_the_connection_and_is_logged(string what, Func<byte[]> bytes, string logged)
    {
        using var device = new NativeDevice();
        await using (var client = await device.ConfiguredAsync())
        {
            await client.SendAsync(bytes());
            client.ShutdownSend();
            Assert.True(await client.ClosedByServerAsync(), what);
        }

        await AssertServesNextImportAsync(device, logged);
    }

    [Fact]
    public async Task More_urbs_in_flight_than_the_bound_close_the_connection()
    {
        using var device = new NativeDevice();
        await using (var client = await device.ConfiguredAsync())
        {
            // 129 waiting IN URBs: one over the bound of 128.
            byte[] all = Enumerable.Range(0, 129).SelectMany(i => UsbIpTestClient.Submit((uint)(100 + i), 1, 1, 64)).ToArray();
            await client.SendAsync(all);
            Assert.True(await client.ClosedByServerAsync());
        }

        await AssertServesNextImportAsync(device, "over the limit");
    }

    private static async Task AssertServesNextImportAsync(NativeDevice device, string logged)
    {
        await using var next = await device.ConfiguredAsync();
        Assert.True(device.Log.HasWarning(logged), device.Log.ToString());
        Assert.True(device.Server.Counters.ProtocolErrors >= 1);
    }
}
