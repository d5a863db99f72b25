using System;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host.Links;

namespace HssDevice.Host.Emulation;

/// <summary>The host's side of an <see cref="EmulatedUsbLink"/>.</summary>
public sealed class EmulatedHostEnd : IHostLink
{
    private readonly EmulatedUsbLink _link;

    internal EmulatedHostEnd(EmulatedUsbLink link) => _link = link;

    public bool HasCommandPipe => !_link.Options.SinglePipe;

    public string Description =>
        $"usb-emulated/{UsbSpeedFacts.NameOf(_link.Options.Speed)}-speed{(_link.Options.SinglePipe ? "/single-pipe" : "")}";

    public ValueTask WriteCommandAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken) =>
        _link.HostToDeviceCommandRoute.WriteAsync(packet, cancellationToken);

    public ValueTask<int> ReadCommandAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_link.Options.SinglePipe)
        {
            throw new InvalidOperationException("single-pipe profile: commands arrive on the data pipe");
        }

        return _link.DeviceToHostCommand.ReadAsync(buffer, wholeTransfer: true, cancellationToken);
    }

    public ValueTask WriteDataAsync(ReadOnlyMemory<byte> transfer, CancellationToken cancellationToken) =>
        _link.HostToDeviceData.WriteAsync(transfer, cancellationToken);

    public ValueTask<int> ReadDataAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _link.DeviceToHostData.ReadAsync(buffer, wholeTransfer: false, cancellationToken);

    /// <summary>A bus reset: everything in flight is dropped, the device sees its link go down once, the link goes on.</summary>
    public ValueTask<bool> ResetAsync(CancellationToken cancellationToken)
    {
        _link.Reset();
        return ValueTask.FromResult(true);
    }

    public ValueTask DisposeAsync()
    {
        _link.HostLeft();
        return ValueTask.CompletedTask;
    }
}
