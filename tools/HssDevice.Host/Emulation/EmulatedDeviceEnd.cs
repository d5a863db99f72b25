using System;
using HssDevice.Transport;

namespace HssDevice.Host.Emulation;

/// <summary>
/// The device's side of an <see cref="EmulatedUsbLink"/>. ReadData returns at most one transfer per call (less when
/// the buffer is smaller; the rest comes with the next call); ReadCommand returns one whole command transfer.
/// After the host end leaves or resets the link, reads return 0 once (link down), then wait.
/// </summary>
public sealed class EmulatedDeviceEnd : IHssLink
{
    private readonly EmulatedUsbLink _link;

    internal EmulatedDeviceEnd(EmulatedUsbLink link) => _link = link;

    public bool HasCommandPipe => !_link.Options.SinglePipe;

    public void WriteCommand(byte[] buffer, int offset, int count) => _link.DeviceToHostCommandRoute.Write(buffer, offset, count);

    public int ReadCommand(byte[] buffer, int offset, int count)
    {
        if (_link.Options.SinglePipe)
        {
            throw new InvalidOperationException("single-pipe profile: commands arrive on the data pipe");
        }

        return _link.HostToDeviceCommand.Read(buffer, offset, count, wholeTransfer: true);
    }

    public void WriteData(byte[] buffer, int offset, int count) => _link.DeviceToHostData.Write(buffer, offset, count);

    public int ReadData(byte[] buffer, int offset, int count) => _link.HostToDeviceData.Read(buffer, offset, count, wholeTransfer: false);

    public void Close() => _link.DeviceLeft();
}
