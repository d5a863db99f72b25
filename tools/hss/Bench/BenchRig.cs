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
        Usb = new EmulatedUsbLink(setup.LinkOptions);
        Device = _host.Attach(Usb.HostEnd, "bench-device");
        Engine = new HssEngine(Usb.DeviceEnd, setup.EngineSettings);
        Engine.Start();
    }

    public HssEngine Engine { get; }

    public EmulatedUsbLink Usb { get; }

    /// <summary>What the run so far put on the bus (host TRANSMITs are the device's received ones).</summary>
    public RunProfile Profile() => RunProfile.From(Usb, Engine.Stats.TransmitsSent, Engine.Stats.TransmitsReceived);

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
