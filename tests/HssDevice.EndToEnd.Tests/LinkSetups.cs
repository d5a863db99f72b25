using System;
using HssDevice.Host;
using HssDevice.Host.Emulation;
using Xunit;

namespace HssDevice.EndToEnd.Tests;

/// <summary>
/// The link and host settings a test runs over, by name (names keep theory cases readable and serializable).
/// "reference-device" is our host set up for a reference device, with our engine made to behave like one
/// (its TRANSMIT ACKs never reach the host: <see cref="ReferenceDeviceLink"/>).
/// </summary>
public sealed record LinkSetup(string Name, UsbLinkOptions Link, HssHostSettings Host, bool DeviceAcksTransmits = true)
{
    public static LinkSetup Named(string name) => name switch
    {
        "full" => new(name, UsbLinkOptions.FullSpeed, new HssHostSettings()),
        "high" => new(name, UsbLinkOptions.HighSpeed, new HssHostSettings()),
        "full-unpacked" => new(name, UsbLinkOptions.FullSpeed with { PackDataPackets = false }, new HssHostSettings { PackDataPackets = false }),
        "high-unpacked" => new(name, UsbLinkOptions.HighSpeed with { PackDataPackets = false }, new HssHostSettings { PackDataPackets = false }),
        "single-pipe" => new(name, UsbLinkOptions.FullSpeed with { SinglePipe = true }, new HssHostSettings()),
        "reference-host-full" => new(name, UsbLinkOptions.ReferenceCompatible(UsbSpeed.FullSpeed), HssHostSettings.ReferenceCompatibleHost),
        "reference-host-high" => new(name, UsbLinkOptions.ReferenceCompatible(UsbSpeed.HighSpeed), HssHostSettings.ReferenceCompatibleHost),
        "reference-device" => new(name, UsbLinkOptions.ReferenceCompatible(UsbSpeed.HighSpeed), HssHostSettings.ForReferenceDevice, DeviceAcksTransmits: false),
        _ => throw new ArgumentException("unknown link setup " + name),
    };

    /// <summary>Full and high speed, packing on and off: the link settings every data test runs over.</summary>
    public static TheoryData<string> Speeds => new() { "full", "high", "full-unpacked", "high-unpacked" };

    public override string ToString() => Name;
}
