using HssDevice.Host;
using HssDevice.Host.Emulation;

namespace HssDevice.Tool.Samples;

/// <summary>
/// The emulated link and host settings of one run: our defaults, or the reference-compatible setting (the link as
/// xaptum/hss drives it, one packet per transfer and no zero-length packets, and a host with 3-byte TRANSMIT ACKs
/// that ignores device ACKs; docs/protocol.md sections 3 and 6). The device engine keeps its defaults in both.
/// </summary>
public sealed record LinkSetup(UsbSpeed Speed, bool Reference, bool Timing)
{
    public UsbLinkOptions LinkOptions =>
        (Reference ? UsbLinkOptions.ReferenceCompatible(Speed) : Speed == UsbSpeed.HighSpeed ? UsbLinkOptions.HighSpeed : UsbLinkOptions.FullSpeed)
        with { Timing = Timing };

    /// <summary>The demo's and the bench's servers listen on this machine's loopback, which the host denies to devices
    /// by default (docs/security.md): these runs allow it, and say so.</summary>
    public HssHostSettings HostSettings => (Reference ? HssHostSettings.ReferenceCompatibleHost : new HssHostSettings()).WithLoopbackAllowed();

    public string SpeedName => UsbSpeedFacts.NameOf(Speed);

    public string SettingsName => Reference ? "reference" : "default";

    public string Describe() =>
        $"emulated {SpeedName}-speed USB link (bulk {UsbSpeedFacts.BulkMaxPacketSize(Speed)} B), " +
        (Reference ? "reference-compatible settings" : "default settings") +
        (Timing ? ", USB timing model" : "");

    public static UsbSpeed ParseSpeed(string? text) => text == "high" ? UsbSpeed.HighSpeed : UsbSpeed.FullSpeed;
}
