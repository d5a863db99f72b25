using System;
using System.Buffers.Binary;
using System.IO;
using Xunit;

namespace HssDevice.Capture.Tests;

/// <summary>The writer without tshark: the usbmon layout, rotation at the size cap, and drops when the queue is full.</summary>
public sealed class CaptureFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hss-pcap-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_record_has_the_usbmon_mmapped_layout()
    {
        var e = new UsbmonEvent(0x0102030405060708, UsbmonFormat.Complete, UsbTransferType.Bulk, 0x81, 2, 5, 1_700_000_000_123_456, 0, 3, [0xAA, 0xBB, 0xCC]);
        var record = new byte[UsbmonFormat.RecordLength(e)];
        Assert.Equal(16 + 64 + 3, UsbmonFormat.WriteRecord(e, record));
        Assert.Equal(1_700_000_000u, BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(0)));
        Assert.Equal(123_456u, BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(4)));
        Assert.Equal(67u, BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(8)));
        ReadOnlySpan<byte> usb = record.AsSpan(16);
        Assert.Equal(0x0102030405060708ul, BinaryPrimitives.ReadUInt64LittleEndian(usb));
        Assert.Equal(((byte)'C', (byte)3, (byte)0x81, (byte)5), (usb[8], usb[9], usb[10], usb[11]));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(usb[12..]));
        Assert.Equal(((byte)'-', (byte)0), (usb[14], usb[15]));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(usb[32..]));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(usb[36..]));
        Assert.Equal([0xAA, 0xBB, 0xCC], usb[64..].ToArray());

        var header = UsbmonFormat.FileHeader();
        Assert.Equal(0xA1B2C3D4u, BinaryPrimitives.ReadUInt32LittleEndian(header));
        Assert.Equal(220u, BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(20)));
    }

    [Fact]
    public void At_the_size_cap_the_file_moves_to_FILE_1_and_each_file_stays_under_the_cap_and_starts_with_the_descriptors()
    {
        string path = Path.Combine(_dir, "rotating.pcap");
        const long cap = CaptureOptions.MinMaxFileBytes;
        using (var capture = new CaptureFile(path, new CaptureOptions { MaxFileBytes = cap }))
        {
            CaptureDevice device = capture.AddDevice("d", CaptureDescriptors.Pseudo(true, 64, false));
            var data = new byte[1000];
            for (int i = 0; i < 300; i++)
            {
                ulong id = device.Submit(0x01, UsbTransferType.Bulk, data, data.Length);
                device.Complete(id, 0x01, UsbTransferType.Bulk, 0, ReadOnlySpan<byte>.Empty, data.Length);
                if (i % 50 == 0)
                {
                    System.Threading.Thread.Sleep(5); // let the writer keep up: this test is about rotation, not drops
                }
            }

            capture.Dispose();
            Assert.True(capture.Rotations >= 2, $"{capture.Rotations} rotations");
            Assert.Equal(0, capture.Dropped);
        }

        foreach (string file in new[] { path, path + ".1" })
        {
            byte[] bytes = File.ReadAllBytes(file);
            Assert.True(bytes.Length <= cap, $"{file}: {bytes.Length} bytes");
            Assert.Equal(220u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(20)));
            // The first record is the GET_DESCRIPTOR submission: a control transfer with a setup packet.
            Assert.Equal(((byte)'S', (byte)UsbTransferType.Control, (byte)0), (bytes[24 + 16 + 8], bytes[24 + 16 + 9], bytes[24 + 16 + 14]));
            // Records follow each other whole, in time order (the repeated descriptors included).
            long previous = 0;
            int at = 24;
            while (at < bytes.Length)
            {
                long time = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)) * 1_000_000L + BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 4));
                Assert.True(time >= previous, $"{file}: record at {at} is older than the one before");
                previous = time;
                at += 16 + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8));
            }

            Assert.Equal(bytes.Length, at);
        }

        Assert.False(File.Exists(path + ".2"));
    }

    [Fact]
    public void A_full_queue_drops_and_counts_instead_of_blocking()
    {
        string path = Path.Combine(_dir, "dropping.pcap");
        // A queue smaller than one record: every event is dropped, and each call still returns at once.
        var capture = new CaptureFile(path, new CaptureOptions { MaxQueuedBytes = 50 });
        CaptureDevice device = capture.AddDevice("d", CaptureDescriptors.Pseudo(false, 64, false));
        for (int i = 0; i < 1000; i++)
        {
            device.Submit(0x01, UsbTransferType.Bulk, new byte[10], 10);
        }

        capture.Dispose();
        Assert.Equal(4 + 1000, capture.Dropped);
        Assert.Equal(0, capture.Written);
        Assert.Equal(24, new FileInfo(path).Length);
    }
}
