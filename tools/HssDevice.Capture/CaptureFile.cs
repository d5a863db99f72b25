using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HssDevice.Capture;

/// <summary>
/// A pcap file of usbmon events (link type 220) that Wireshark opens as USB. Links add events from any thread through
/// their <see cref="CaptureDevice"/>; a bounded queue (<see cref="CaptureOptions.MaxQueuedBytes"/>) hands them to one
/// writer thread, and a full queue drops and counts instead of blocking a link. At <see cref="CaptureOptions.MaxFileBytes"/>
/// the file is renamed FILE.1 and a new FILE starts with every device's descriptors again, so each file opens on its own.
/// </summary>
public sealed class CaptureFile : IDisposable
{
    /// <summary>Bus numbers in the capture: USB devices (emulated, USB/IP, libusb) on 1, TCP single-pipe links on 2.</summary>
    public const ushort UsbBus = 1;
    public const ushort TcpBus = 2;

    private readonly object _lock = new();
    private readonly Queue<UsbmonEvent> _queue = new();
    private readonly List<CaptureDevice> _devices = new();
    private readonly Dictionary<ushort, int> _nextAddress = new();
    private readonly CaptureOptions _options;
    private readonly ILogger _log;
    private readonly Thread _writer;
    private readonly long _startMicroseconds;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _queuedBytes;
    private long _urbIds;
    private bool _stopping;
    private FileStream? _stream;
    private long _fileBytes;
    private long _dropped;
    private long _written;
    private long _rotations;
    private string? _failure;

    public CaptureFile(string path, CaptureOptions? options = null, ILogger? log = null)
    {
        Path = System.IO.Path.GetFullPath(path ?? throw new ArgumentNullException(nameof(path)));
        _options = options ?? new CaptureOptions();
        if (_options.MaxFileBytes < CaptureOptions.MinMaxFileBytes)
        {
            throw new ArgumentException($"the capture's size cap must be at least {CaptureOptions.MinMaxFileBytes} bytes");
        }

        _log = log ?? NullLogger.Instance;
        _startMicroseconds = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
        _stream = OpenNew(); // Throws here (bad folder, no permission), before any link runs.
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "pcap writer" };
        _writer.Start();
    }

    public string Path { get; }

    /// <summary>Events dropped because the queue was full (or the file failed); logged when the first is dropped and at the end.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public long Written => Interlocked.Read(ref _written);

    public long Rotations => Interlocked.Read(ref _rotations);

    /// <summary>Adds a device: it gets the next device number on <paramref name="bus"/> and its descriptors go into the capture.</summary>
    public CaptureDevice AddDevice(string name, CaptureDescriptors descriptors, ushort bus = UsbBus)
    {
        CaptureDevice device;
        lock (_lock)
        {
            // Device numbers 2..127 as a USB bus hands them out (1 is the root hub); after 126 devices they repeat,
            // which Wireshark then shows as one device.
            int next = _nextAddress.TryGetValue(bus, out int n) ? n : 0;
            _nextAddress[bus] = next + 1;
            device = new CaptureDevice(this, name, bus, (byte)(2 + next % 126), descriptors);
            _devices.Add(device);
        }

        foreach (UsbmonEvent e in device.DescriptorEvents(NowMicroseconds(), NextUrbId))
        {
            Enqueue(e);
        }

        _log.LogInformation("capture: {Device} is bus {Bus} device {Address} in {Path}", name, device.Bus, device.Address, Path);
        return device;
    }

    internal ulong NextUrbId() => (ulong)Interlocked.Increment(ref _urbIds);

    internal long NowMicroseconds() => _startMicroseconds + _clock.Elapsed.Ticks / 10;

    internal void Enqueue(UsbmonEvent e)
    {
        long size = UsbmonFormat.RecordLength(e);
        bool firstDrop = false;
        lock (_lock)
        {
            if (_stopping || _failure != null || _queuedBytes + size > _options.MaxQueuedBytes)
            {
                firstDrop = _dropped == 0 && !_stopping;
                _dropped++;
            }
            else
            {
                // Stamped under the lock so that the file's order and its timestamps agree.
                e = e with { TimestampMicroseconds = NowMicroseconds() };
                _queue.Enqueue(e);
                _queuedBytes += size;
                Monitor.Pulse(_lock);
            }
        }

        if (firstDrop)
        {
            _log.LogWarning("capture: {Path}: the writer fell behind ({Max} bytes queued, the limit) or failed; events are dropped and counted, links not slowed",
                Path, _options.MaxQueuedBytes);
        }
    }

    /// <summary>Writes what is queued, closes the file and logs the counts.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            Monitor.Pulse(_lock);
        }

        _writer.Join();
        _log.LogInformation("capture: {Path}: {Written} events written, {Dropped} dropped, {Rotations} rotations", Path, Written, Dropped, Rotations);
    }

    private void WriteLoop()
    {
        var batch = new List<UsbmonEvent>();
        byte[] buffer = new byte[64 * 1024];
        while (true)
        {
            bool stop;
            lock (_lock)
            {
                while (_queue.Count == 0 && !_stopping)
                {
                    Monitor.Wait(_lock);
                }

                while (_queue.Count > 0)
                {
                    UsbmonEvent e = _queue.Dequeue();
                    _queuedBytes -= UsbmonFormat.RecordLength(e);
                    batch.Add(e);
                }

                stop = _stopping;
            }

            foreach (UsbmonEvent e in batch)
            {
                int length = UsbmonFormat.RecordLength(e);
                if (buffer.Length < length)
                {
                    buffer = new byte[length];
                }

                UsbmonFormat.WriteRecord(e, buffer);
                Write(buffer.AsSpan(0, length), e.TimestampMicroseconds);
            }

            batch.Clear();
            Flush();
            if (stop)
            {
                _stream?.Dispose();
                _stream = null;
                return;
            }
        }
    }

    private void Write(ReadOnlySpan<byte> record, long timestampMicroseconds)
    {
        if (_stream == null)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        try
        {
            if (_fileBytes + record.Length > _options.MaxFileBytes)
            {
                Rotate(timestampMicroseconds);
            }

            _stream.Write(record);
            _fileBytes += record.Length;
            Interlocked.Increment(ref _written);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(e);
        }
    }

    private void Rotate(long timestampMicroseconds)
    {
        _stream!.Dispose();
        string older = Path + ".1";
        File.Move(Path, older, overwrite: true);
        Interlocked.Increment(ref _rotations);
        _log.LogInformation("capture: {Path} reached {Max} bytes (--pcap-max-bytes): moved to {Older}, a new {Path} starts", Path, _options.MaxFileBytes, older, Path);
        _stream = OpenNew();
        CaptureDevice[] devices;
        lock (_lock)
        {
            devices = _devices.ToArray();
        }

        // Each file opens on its own: the descriptors of every device known so far come first again, stamped with the
        // time of the record that follows them so that the file's times keep their order.
        foreach (CaptureDevice device in devices)
        {
            foreach (UsbmonEvent e in device.DescriptorEvents(timestampMicroseconds, NextUrbId))
            {
                byte[] record = new byte[UsbmonFormat.RecordLength(e)];
                UsbmonFormat.WriteRecord(e, record);
                _stream.Write(record);
                _fileBytes += record.Length;
            }
        }
    }

    private void Flush()
    {
        try
        {
            _stream?.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(e);
        }
    }

    private void Fail(Exception e)
    {
        lock (_lock)
        {
            _failure = e.Message;
            _queue.Clear();
            _queuedBytes = 0;
        }

        _log.LogError("capture: writing {Path} failed ({Error}); no more events are written", Path, e.Message);
        try
        {
            _stream?.Dispose();
        }
        catch (IOException)
        {
        }

        _stream = null;
    }

    private FileStream OpenNew()
    {
        var stream = new FileStream(Path, FileMode.Create, FileAccess.Write, FileShare.Read);
        byte[] header = UsbmonFormat.FileHeader();
        stream.Write(header);
        _fileBytes = header.Length;
        return stream;
    }
}
