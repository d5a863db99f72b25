using System;
using System.Buffers.Binary;
using System.Threading.Tasks;
using HssDevice.Usb;
using Xunit;

namespace HssDevice.UsbIp.Tests;

/// <summary>
/// What a broken or hostile client gets: the protocol's error reply, or the connection closed; a warning in the
/// log; and the server goes on serving the next import. No claimed length is allocated up front.
/// </summary>
public sealed class UsbIpBadInputTests
{
    private static async Task AssertServesNextImportAsync(EmulatedBoardDevice device)
    {
        await using var next = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        await next.ImportAsync();
        Assert.Equal(0, (await next.ControlAsync(0x00, 9, 1, 0, 0)).Status);
    }

    private static async Task<UsbIpTestClient> ImportedAsync(EmulatedBoardDevice device)
    {
        var client = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        await client.ImportAsync();
        Assert.Equal(0, (await client.ControlAsync(0x00, 9, 1, 0, 0)).Status);
        return client;
    }

    public static TheoryData<string, byte[], string> ClosingOperations => new()
    {
        { "short operation header", new byte[] { 0x01, 0x11, 0x80 }, "mid-message" },
        { "import cut in its bus ID", UsbIpTestClient.ImportRequest("1-1")[..20], "mid-message" },
        { "unknown operation code", UsbIpTestClient.OpRequest(0x8099), "unknown operation code 0x8099" },
        { "wrong protocol version", new byte[] { 0x01, 0x06, 0x80, 0x05, 0, 0, 0, 0 }, "expected an operation request" },
        { "URB command before any import", UsbIpTestClient.Submit(1, 1, 0, 18), "expected an operation request" },
    };

    [Theory]
    [MemberData(nameof(ClosingOperations))]
    public async Task A_bad_operation_message_closes_the_connection_and_is_logged(string what, byte[] bytes, string logged)
    {
        await using var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full);
        await using (var client = await UsbIpTestClient.ConnectAsync(device.EndPoint))
        {
            await client.SendAsync(bytes);
            client.ShutdownSend(); // so a message cut short stays short
            Assert.True(await client.ClosedByServerAsync(), what);
        }

        Assert.True(device.Log.HasWarning(logged), $"{what}: {device.Log}");
        await AssertServesNextImportAsync(device);
    }

    public static TheoryData<string, Func<byte[]>, string> ClosingUrbs => new()
    {
        { "unknown URB command", () => { byte[] m = UsbIpTestClient.Submit(1, 1, 1, 8); m[3] = 9; return m; }, "unknown URB command 9" },
        { "transfer_buffer_length over the limit", () => UsbIpTestClient.Submit(1, 0, 1, int.MaxValue), "over the limit" },
        { "isochronous", () => UsbIpTestClient.Submit(1, 1, 1, 8, numberOfPackets: 4), "isochronous" },
        { "endpoint number over 15", () => UsbIpTestClient.Submit(1, 1, 16, 8), "out of range" },
        { "direction 7", () => UsbIpTestClient.Submit(1, 7, 1, 8), "out of range" },
        { "URB header cut short", () => UsbIpTestClient.Submit(1, 1, 1, 8)[..30], "mid-message" },
        { "OUT data cut short", () => UsbIpTestClient.Submit(1, 0, 1, 1000, outData: new byte[10]), "mid-message" },
    };

    [Theory]
    [MemberData(nameof(ClosingUrbs))]
    public async Task A_bad_URB_message_closes_the_connection_detaches_and_is_logged(string what, Func<byte[]> bytes, string logged)
    {
        await using var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full);
        var detached = new TaskCompletionSource<int>();
        device.Server.Detached += n => detached.TrySetResult(n);
        await using (var client = await ImportedAsync(device))
        {
            await client.SendAsync(bytes());
            client.ShutdownSend();
            Assert.True(await client.ClosedByServerAsync(), what);
        }

        Assert.Equal(1, await detached.Task.WaitAsync(UsbIpTestClient.ReplyTimeout));
        Assert.True(device.Log.HasWarning(logged), $"{what}: {device.Log}");
        await AssertServesNextImportAsync(device);
    }

    [Fact]
    public async Task A_huge_claimed_OUT_length_under_the_limit_waits_for_its_bytes_and_a_client_that_gives_up_is_closed()
    {
        // 1 MiB claimed, 10 bytes sent: the server waits for the rest, and closes when the client gives up mid-message.
        // The claim is charged against UsbIpLimits.MaxOutBytesInFlight before a byte is read, which bounds what claims
        // can make the server allocate (UsbIpLimitTests).
        await using var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full);
        await using var client = await ImportedAsync(device);
        await client.SendAsync(UsbIpTestClient.Submit(2, 0, 1, 1024 * 1024, outData: new byte[10]));
        Assert.True(await client.NothingArrivesAsync(TimeSpan.FromMilliseconds(200)));
        client.ShutdownSend();
        Assert.True(await client.ClosedByServerAsync());
        Assert.True(device.Log.HasWarning("10 of 1048576 data bytes"), device.Log.ToString());
    }

    [Fact]
    public async Task A_seqnum_reused_while_its_URB_is_in_flight_closes_the_connection()
    {
        await using var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full);
        await using var client = await ImportedAsync(device);
        await client.SendAsync(UsbIpTestClient.Submit(40, 1, 1, 64)); // held: the device has nothing
        await client.SendAsync(UsbIpTestClient.Submit(40, 1, 2, 64));
        Assert.True(await client.ClosedByServerAsync());
        Assert.True(device.Log.HasWarning("reuses seqnum 40"), device.Log.ToString());
        await AssertServesNextImportAsync(device);
    }

    [Fact]
    public async Task Too_many_URBs_in_flight_close_the_connection()
    {
        await using var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full, limits: new UsbIpLimits { MaxUrbsInFlight = 4 });
        await using var client = await ImportedAsync(device);
        for (uint seq = 100; seq < 105; seq++)
        {
            await client.SendAsync(UsbIpTestClient.Submit(seq, 1, 1, 64));
        }

        Assert.True(await client.ClosedByServerAsync());
        Assert.True(device.Log.HasWarning("more than 4 URBs in flight"), device.Log.ToString());
    }

    [Theory]
    [InlineData(1, 3u)]  // IN endpoint 3: none
    [InlineData(0, 5u)]  // OUT endpoint 5: none
    [InlineData(1, 15u)]
    public async Task A_SUBMIT_for_an_endpoint_that_does_not_exist_stalls_and_is_logged(int direction, uint endpoint)
    {
        await using var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full);
        await using var client = await ImportedAsync(device);
        await client.SendAsync(UsbIpTestClient.Submit(50, (uint)direction, endpoint, 8, outData: direction == 0 ? new byte[8] : null));
        UrbReply reply = await client.ReceiveUrbReplyAsync(false);
        Assert.Equal((3u, 50u, -32, 0), (reply.Command, reply.SeqNum, reply.Status, reply.ActualLength));
        Assert.True(device.Log.HasWarning("does not exist"), device.Log.ToString());
        // The connection goes on.
        Assert.Equal(device.Descriptors.BuildDeviceDescriptor(), (await client.ControlAsync(0x80, 6, 0x0100, 0, 18)).Data);
    }

    [Fact]
    public async Task A_data_SUBMIT_before_SET_CONFIGURATION_stalls()
    {
        await using var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full);
        await using var client = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        await client.ImportAsync();
        await client.SendAsync(UsbIpTestClient.Submit(60, 1, 1, 64));
        Assert.Equal(-32, (await client.ReceiveUrbReplyAsync(false)).Status);
        Assert.True(device.Log.HasWarning("before SET_CONFIGURATION"), device.Log.ToString());
    }

    [Fact]
    public async Task A_connection_silent_for_less_than_the_first_request_deadline_is_served_when_it_speaks()
    {
        await using var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full);
        await using var client = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        Assert.True(await client.NothingArrivesAsync(TimeSpan.FromSeconds(2)));
        await client.ImportAsync();
        Assert.Equal(1, device.Server.Imports);
    }

    [Fact]
    public async Task An_interrupt_OUT_URB_longer_than_a_packet_fails_with_EMSGSIZE()
    {
        await using var device = new EmulatedBoardDevice("esp32-s3", HssUsbProfile.Vendor, UsbSpeed.Full);
        await using var client = await ImportedAsync(device);
        await client.SendAsync(UsbIpTestClient.Submit(70, 0, 2, 100, outData: new byte[100]));
        UrbReply reply = await client.ReceiveUrbReplyAsync(false);
        Assert.Equal((70u, -90), (reply.SeqNum, reply.Status));
        Assert.Equal(-90, BinaryPrimitives.ReadInt32BigEndian(reply.Header.AsSpan(20)));
    }
}
