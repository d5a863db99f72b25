using System;
using System.Linq;
using System.Threading.Tasks;
using HssDevice.Usb;
using Xunit;

namespace HssDevice.UsbIp.Tests;

/// <summary>
/// Bulk and interrupt URBs: IN held until the device writes (a NAK), completed with at most the URB's length and
/// ended where USB ends a transfer; OUT as one transfer; UNLINK of a held URB. The tests play the device on the
/// emulated link's device end.
/// </summary>
public sealed class UsbIpPipeTests
{
    private static readonly TimeSpan Held = TimeSpan.FromMilliseconds(300);

    private static async Task<(EmulatedBoardDevice Device, UsbIpTestClient Client)> ConfiguredAsync(UsbSpeed speed = UsbSpeed.Full, bool reference = false)
    {
        var device = new EmulatedBoardDevice("stm32f769i-discovery", HssUsbProfile.Vendor, speed, reference);
        var client = await UsbIpTestClient.ConnectAsync(device.EndPoint);
        await client.ImportAsync();
        Assert.Equal(0, (await client.ControlAsync(0x00, 9, 1, 0, 0)).Status);
        return (device, client);
    }

    private static byte[] Bytes(int count, int seed = 1) => Enumerable.Range(seed, count).Select(i => (byte)i).ToArray();

    private static Task<byte[]> DeviceReadsDataAsync(EmulatedBoardDevice device, int max) => Task.Run(() =>
    {
        var buffer = new byte[max];
        int n = device.Link.DeviceEnd.ReadData(buffer, 0, max);
        return buffer[..n];
    });

    [Fact]
    public async Task A_bulk_IN_URB_is_held_until_the_device_writes_then_gets_that_transfer()
    {
        var (device, client) = await ConfiguredAsync();
        await using var _ = device;
        await using var __ = client;
        await client.SendAsync(UsbIpTestClient.Submit(77, 1, 1, 4096));
        Assert.True(await client.NothingArrivesAsync(Held), "an IN URB with no device data is held (NAK)");
        byte[] data = Bytes(100);
        device.Link.DeviceEnd.WriteData(data, 0, data.Length);
        UrbReply reply = await client.ReceiveUrbReplyAsync(inData: true);
        Assert.Equal((3u, 77u, 0, 100), (reply.Command, reply.SeqNum, reply.Status, reply.ActualLength));
        Assert.Equal(data, reply.Data);
        Assert.Equal("FFFFFFFF", Convert.ToHexString(reply.Header, 32, 4)); // number_of_packets: not isochronous
    }

    [Fact]
    public async Task A_bulk_IN_URB_shorter_than_the_transfer_takes_its_length_and_the_next_URB_the_rest()
    {
        var (device, client) = await ConfiguredAsync();
        await using var _ = device;
        await using var __ = client;
        byte[] data = Bytes(100);
        device.Link.DeviceEnd.WriteData(data, 0, data.Length);
        await client.SendAsync(UsbIpTestClient.Submit(1, 1, 1, 64));
        Assert.Equal(data[..64], (await client.ReceiveUrbReplyAsync(true)).Data);
        await client.SendAsync(UsbIpTestClient.Submit(2, 1, 1, 64));
        Assert.Equal(data[64..], (await client.ReceiveUrbReplyAsync(true)).Data);
    }

    [Fact]
    public async Task A_transfer_of_whole_packets_ends_with_a_ZLP_by_default_and_runs_on_without_one_in_reference_mode()
    {
        // Two device writes of 64 bytes (one full-speed packet each). With ZLPs the host's 512-byte URB ends after the
        // first; without (the reference link) nothing ends it, so the URB runs on into the second (USB 2.0 5.8.3).
        foreach (bool reference in new[] { false, true })
        {
            var (device, client) = await ConfiguredAsync(UsbSpeed.Full, reference);
            await using var _ = device;
            await using var __ = client;
            byte[] a = Bytes(64, 1), b = Bytes(64, 100);
            device.Link.DeviceEnd.WriteData(a, 0, 64);
            device.Link.DeviceEnd.WriteData(b, 0, 64);
            await client.SendAsync(UsbIpTestClient.Submit(1, 1, 1, 512));
            UrbReply reply = await client.ReceiveUrbReplyAsync(true);
            Assert.Equal(reference ? a.Concat(b).ToArray() : a, reply.Data);
        }
    }

    [Fact]
    public async Task A_bulk_OUT_URB_is_one_transfer_to_the_device()
    {
        var (device, client) = await ConfiguredAsync(UsbSpeed.High);
        await using var _ = device;
        await using var __ = client;
        byte[] data = Bytes(1500);
        Task<byte[]> read = DeviceReadsDataAsync(device, 4096);
        await client.SendAsync(UsbIpTestClient.Submit(5, 0, 1, data.Length, outData: data));
        UrbReply reply = await client.ReceiveUrbReplyAsync(false);
        Assert.Equal((3u, 5u, 0, 1500), (reply.Command, reply.SeqNum, reply.Status, reply.ActualLength));
        Assert.Equal(data, await read.WaitAsync(UsbIpTestClient.ReplyTimeout));
    }

    [Fact]
    public async Task Interrupt_URBs_carry_one_command_each_way()
    {
        var (device, client) = await ConfiguredAsync();
        await using var _ = device;
        await using var __ = client;
        byte[] command = Bytes(12, 7);
        Task<byte[]> read = Task.Run(() =>
        {
            var buffer = new byte[64];
            return buffer[..device.Link.DeviceEnd.ReadCommand(buffer, 0, 64)];
        });
        await client.SendAsync(UsbIpTestClient.Submit(9, 0, 2, 12, outData: command));
        Assert.Equal(12, (await client.ReceiveUrbReplyAsync(false)).ActualLength);
        Assert.Equal(command, await read.WaitAsync(UsbIpTestClient.ReplyTimeout));

        await client.SendAsync(UsbIpTestClient.Submit(10, 1, 2, 64));
        Assert.True(await client.NothingArrivesAsync(Held));
        device.Link.DeviceEnd.WriteCommand(command, 0, 12);
        UrbReply reply = await client.ReceiveUrbReplyAsync(true);
        Assert.Equal(10u, reply.SeqNum);
        Assert.Equal(command, reply.Data);
    }

    [Fact]
    public async Task Unlinking_a_held_IN_URB_cancels_it_without_a_RET_SUBMIT_and_loses_no_device_data()
    {
        var (device, client) = await ConfiguredAsync();
        await using var _ = device;
        await using var __ = client;
        await client.SendAsync(UsbIpTestClient.Submit(20, 1, 1, 512));
        Assert.True(await client.NothingArrivesAsync(Held));
        await client.SendAsync(UsbIpTestClient.Unlink(21, 20));
        UrbReply unlink = await client.ReceiveUrbReplyAsync(false);
        Assert.Equal((4u, 21u, -104), (unlink.Command, unlink.SeqNum, unlink.Status)); // RET_UNLINK -ECONNRESET

        byte[] data = Bytes(30);
        device.Link.DeviceEnd.WriteData(data, 0, data.Length);
        await client.SendAsync(UsbIpTestClient.Submit(22, 1, 1, 512));
        UrbReply reply = await client.ReceiveUrbReplyAsync(true);
        Assert.Equal((3u, 22u), (reply.Command, reply.SeqNum)); // not 20: the unlinked URB never completes
        Assert.Equal(data, reply.Data);
    }

    [Fact]
    public async Task Unlinking_a_URB_that_already_completed_answers_status_0_after_its_RET_SUBMIT()
    {
        var (device, client) = await ConfiguredAsync();
        await using var _ = device;
        await using var __ = client;
        byte[] data = Bytes(10);
        device.Link.DeviceEnd.WriteData(data, 0, data.Length);
        await client.SendAsync(UsbIpTestClient.Submit(30, 1, 1, 512));
        UrbReply submitted = await client.ReceiveUrbReplyAsync(true);
        await client.SendAsync(UsbIpTestClient.Unlink(31, 30));
        UrbReply unlink = await client.ReceiveUrbReplyAsync(false);
        Assert.Equal((3u, 30u), (submitted.Command, submitted.SeqNum));
        Assert.Equal((4u, 31u, 0), (unlink.Command, unlink.SeqNum, unlink.Status));
    }

    [Fact]
    public async Task A_detach_is_a_link_down_for_the_device_and_a_new_import_attaches_again()
    {
        var (device, client) = await ConfiguredAsync();
        await using var _ = device;
        var detaches = new System.Collections.Concurrent.BlockingCollection<int>();
        device.Server.Detached += detaches.Add;
        Task<byte[]> read = DeviceReadsDataAsync(device, 64);
        await client.DisposeAsync();
        Assert.True(detaches.TryTake(out int first, UsbIpTestClient.ReplyTimeout));
        Assert.Equal(1, first);
        Assert.Empty(await read.WaitAsync(UsbIpTestClient.ReplyTimeout)); // a read of 0: the link went down

        for (int cycle = 2; cycle <= 4; cycle++)
        {
            var again = await UsbIpTestClient.ConnectAsync(device.EndPoint);
            await again.ImportAsync();
            Assert.Equal(0, (await again.ControlAsync(0x00, 9, 1, 0, 0)).Status);
            byte[] data = Bytes(5, cycle);
            Task<byte[]> got = DeviceReadsDataAsync(device, 64);
            await again.SendAsync(UsbIpTestClient.Submit(1, 0, 1, 5, outData: data));
            Assert.Equal(5, (await again.ReceiveUrbReplyAsync(false)).ActualLength);
            byte[] seen = await got.WaitAsync(UsbIpTestClient.ReplyTimeout);
            if (seen.Length == 0)
            {
                // The device's one link-down notice of the previous detach, then the data.
                seen = await DeviceReadsDataAsync(device, 64).WaitAsync(UsbIpTestClient.ReplyTimeout);
            }

            Assert.Equal(data, seen);
            Assert.Equal(cycle, device.Server.Imports);
            await again.DisposeAsync();
            Assert.True(detaches.TryTake(out int ended, UsbIpTestClient.ReplyTimeout));
            Assert.Equal(cycle, ended);
        }
    }
}
