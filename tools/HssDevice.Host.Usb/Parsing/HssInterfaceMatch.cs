namespace HssDevice.Host.Usb.Parsing;

public enum HssProfile
{
    /// <summary>One interface 0xFF/0xAB/0x00 with all four endpoints.</summary>
    Vendor,

    /// <summary>A CDC function: communications interface with the interrupt pair, data interface with the bulk pair.</summary>
    Cdc,
}

/// <summary>Where HSS lives in a configuration: the interface(s) to claim and the four endpoints (docs/protocol.md section 12).</summary>
public sealed record HssInterfaceMatch(
    HssProfile Profile,
    byte CommandInterface,
    byte DataInterface,
    EndpointInfo BulkIn,
    EndpointInfo BulkOut,
    EndpointInfo InterruptIn,
    EndpointInfo InterruptOut)
{
    /// <summary>The interfaces a host claims: one for the vendor profile, two for CDC.</summary>
    public IReadOnlyList<byte> Interfaces => CommandInterface == DataInterface ? new[] { CommandInterface } : new[] { CommandInterface, DataInterface };
}
