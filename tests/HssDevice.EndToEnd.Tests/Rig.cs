using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using HssDevice.Engine;
using HssDevice.Host;
using HssDevice.Host.Emulation;
using HssDevice.Transport;

namespace HssDevice.EndToEnd.Tests;

/// <summary>One emulated device: its USB link, the host's connection for it, and the real device engine.</summary>
public sealed class EmulatedDevice : IDisposable
{
    public EmulatedDevice(EmulatedUsbLink usb, DeviceConnection connection, HssEngine engine, ReferenceDeviceLink? referenceLink)
    {
        Usb = usb;
        Connection = connection;
        Engine = engine;
        ReferenceLink = referenceLink;
    }

    public EmulatedUsbLink Usb { get; }

    public DeviceConnection Connection { get; }

    public HssEngine Engine { get; }

    /// <summary>Set when the device plays the reference device (its TRANSMIT ACKs are dropped).</summary>
    public ReferenceDeviceLink? ReferenceLink { get; }

    public void Dispose() => Engine.Dispose();
}

/// <summary>A real HssHost with devices attached over emulated USB links (timing model off), each running the real engine.</summary>
public sealed class Rig : IAsyncDisposable
{
    private readonly List<EmulatedDevice> _devices = new();

    public Rig(LinkSetup setup, HssEngineSettings? engineSettings = null, HssHostSettings? hostSettings = null)
    {
        Setup = setup;
        // The tests' peers listen on loopback, which the host denies to devices by default: allowed here, explicitly.
        Host = new HssHost((hostSettings ?? setup.Host).WithLoopbackAllowed());
        Device = AddDevice("device-a", engineSettings);
    }

    public LinkSetup Setup { get; }

    public HssHost Host { get; }

    /// <summary>The first device.</summary>
    public EmulatedDevice Device { get; }

    public HssEngine Engine => Device.Engine;

    public DeviceConnection Connection => Device.Connection;

    /// <summary>Attaches one more device, on its own emulated link, with its own engine.</summary>
    public EmulatedDevice AddDevice(string name, HssEngineSettings? engineSettings = null)
    {
        var usb = new EmulatedUsbLink(Setup.Link);
        DeviceConnection connection = Host.Attach(usb.HostEnd, name);
        ReferenceDeviceLink? reference = Setup.DeviceAcksTransmits ? null : new ReferenceDeviceLink(usb.DeviceEnd);
        IHssLink link = reference != null ? reference : usb.DeviceEnd;
        var engine = new HssEngine(link, engineSettings ?? new HssEngineSettings());
        engine.Start();
        var device = new EmulatedDevice(usb, connection, engine, reference);
        _devices.Add(device);
        return device;
    }

    /// <summary>What both ends hold, for failure messages.</summary>
    public string Describe()
    {
        var text = new System.Text.StringBuilder();
        foreach (EmulatedDevice d in _devices)
        {
            var c = d.Connection.Counters;
            var e = d.Engine.Stats;
            text.Append($"[{d.Connection.Name}: host sockets {d.Connection.SocketCount} (");
            foreach (uint handle in d.Connection.SocketHandles)
            {
                text.Append($"{handle}: in flight {d.Connection.HostToDeviceInFlight(handle)} ");
            }

            text.Append($"), in flight total {d.Connection.HostToDeviceInFlightTotal}, d2h {c.BytesDeviceToHost}, h2d {c.BytesHostToDevice}, ")
                .Append($"timeouts {c.RequestTimeouts}, unmatched {c.UnmatchedAnswers}, refused {c.RefusedTransmits}, stop '{d.Connection.StopReason}'; ")
                .Append($"engine buffered {d.Engine.TotalBuffered}, sockets {d.Engine.SocketsInUse}, tx {e.TransmitsSent}, rx {e.TransmitsReceived}, ")
                .Append($"rejected {e.RejectedTransmits}, timed out {e.TimedOutRequests}, unmatched {e.UnmatchedAnswers}, resets {e.LinkResets}, errors {e.ProtocolErrors}; ")
                .Append($"usb h2d data {d.Usb.HostToDeviceDataStatistics}, h2d cmd {d.Usb.HostToDeviceCommandStatistics}, d2h cmd {d.Usb.DeviceToHostCommandStatistics}]");
        }

        return text.ToString();
    }

    /// <summary>Awaits device work; a hang fails with the state of both ends.</summary>
    public async Task<T> Expect<T>(Task<T> work)
    {
        try
        {
            return await work;
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException("device work hung: " + Describe(), e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (EmulatedDevice device in _devices)
        {
            device.Dispose();
        }

        await Host.DisposeAsync();
    }

    /// <summary>Waits (bounded) until a host-side condition holds, e.g. a counter the device's action will move.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        DateTime giveUp = DateTime.UtcNow + DeviceThread.Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > giveUp)
            {
                throw new TimeoutException("not reached in time: " + what);
            }

            await Task.Delay(5);
        }
    }
}
