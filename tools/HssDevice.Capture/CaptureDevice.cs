using System;
using System.Threading;

namespace HssDevice.Capture;

/// <summary>
/// One device of a <see cref="CaptureFile"/>: its bus and device number in the capture, and the usbmon events of its
/// transfers. Thread-safe; never blocks (events go to the file's bounded queue).
/// </summary>
public sealed class CaptureDevice
{
    private readonly CaptureFile _file;

    internal CaptureDevice(CaptureFile file, string name, ushort bus, byte address, CaptureDescriptors descriptors)
    {
        _file = file;
        Name = name;
        Bus = bus;
        Address = address;
        Descriptors = descriptors;
    }

    public string Name { get; }

    public ushort Bus { get; }

    public byte Address { get; }

    public CaptureDescriptors Descriptors { get; }

    /// <summary>A URB is submitted: OUT carries its data, IN only the length asked for. Returns the URB id for <see cref="Complete"/>.</summary>
    public ulong Submit(byte endpoint, UsbTransferType type, ReadOnlySpan<byte> outData, int length)
    {
        ulong id = _file.NextUrbId();
        bool isIn = (endpoint & 0x80) != 0;
        _file.Enqueue(new UsbmonEvent(id, UsbmonFormat.Submit, type, endpoint, Bus, Address, _file.NowMicroseconds(),
            UsbmonFormat.StatusInProgress, length, isIn ? Array.Empty<byte>() : Snap(outData)));
        return id;
    }

    /// <summary>The URB <paramref name="urbId"/> completed with <paramref name="status"/> (0 or a negative errno):
    /// IN carries the data received, OUT only the length sent.</summary>
    public void Complete(ulong urbId, byte endpoint, UsbTransferType type, int status, ReadOnlySpan<byte> inData, int length)
    {
        bool isIn = (endpoint & 0x80) != 0;
        _file.Enqueue(new UsbmonEvent(urbId, UsbmonFormat.Complete, type, endpoint, Bus, Address, _file.NowMicroseconds(),
            status, length, isIn ? Snap(inData) : Array.Empty<byte>()));
    }

    /// <summary>The two GET_DESCRIPTOR exchanges (device, configuration) a capture starts this device with.</summary>
    internal UsbmonEvent[] DescriptorEvents(long timestampMicroseconds, Func<ulong> nextUrbId)
    {
        var events = new UsbmonEvent[4];
        AddControlIn(events, 0, 0x01, Descriptors.Device, timestampMicroseconds, nextUrbId());
        AddControlIn(events, 2, 0x02, Descriptors.Configuration, timestampMicroseconds, nextUrbId());
        return events;
    }

    private void AddControlIn(UsbmonEvent[] into, int at, byte descriptorType, byte[] answer, long timestamp, ulong id)
    {
        // GET_DESCRIPTOR: bmRequestType 0x80 (device-to-host, standard, device), bRequest 6, wValue type<<8 | index 0.
        byte[] setup = [0x80, 0x06, 0x00, descriptorType, 0x00, 0x00, (byte)answer.Length, (byte)(answer.Length >> 8)];
        into[at] = new UsbmonEvent(id, UsbmonFormat.Submit, UsbTransferType.Control, 0x80, Bus, Address, timestamp,
            UsbmonFormat.StatusInProgress, answer.Length, Array.Empty<byte>(), setup);
        into[at + 1] = new UsbmonEvent(id, UsbmonFormat.Complete, UsbTransferType.Control, 0x80, Bus, Address, timestamp,
            0, answer.Length, (byte[])answer.Clone());
    }

    private static byte[] Snap(ReadOnlySpan<byte> data) =>
        data.Length == 0 ? Array.Empty<byte>() : data[..Math.Min(data.Length, UsbmonFormat.SnapLength)].ToArray();
}
