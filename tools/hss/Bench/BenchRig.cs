using System;
using System.Threading.Tasks;
using HssDevice.Engine;
using HssDevice.Host;
using HssDevice.Host.Emulation;
using HssDevice.Tool.Samples;

namespace HssDevice.Tool.Bench;

/// <summary>One device engine attached to a fresh host over a fresh emulated USB link, for one measurement.</summary>
internal sealed class BenchRig : IAsyncDisposable
{
    private readonly HssHost _host;

    public BenchRig(LinkSetup setup)
    {
        _host = new HssHost(setup.HostSettings);
        var usb = new EmulatedUsbLink(setup.LinkOptions);
        Device = _host.Attach(usb.HostEnd, "bench-device");
        Engine = new HssEngine(usb.DeviceEnd, new HssEngineSettings());
        Engine.Start();
    }

    public HssEngine Engine { get; }

    public DeviceConnection Device { get; }

    public string Describe()
    {
        EngineStats device = Engine.Stats;
        DeviceCounters host = Device.Counters;
        return $"device: {device.TransmitsSent} TRANSMITs sent, {device.TransmitsReceived} received, {device.RejectedTransmits} rejected, " +
               $"{device.ProtocolErrors} protocol errors, {device.TimedOutRequests} timed out; host: {host.BytesDeviceToHost} bytes device-to-host, " +
               $"{host.BytesHostToDevice} host-to-device, {host.RefusedTransmits} refused, {host.ProtocolErrors} protocol errors";
    }

    public async ValueTask DisposeAsync()
    {
        Engine.Dispose();
        await _host.DisposeAsync().ConfigureAwait(false);
    }
}
