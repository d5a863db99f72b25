namespace HssDevice.Host.Usb.Parsing;

/// <summary>
/// Finds the HSS interface in a parsed configuration, in either profile of docs/protocol.md section 12. Like the
/// reference host driver, endpoints are found by direction and transfer type, in any order.
/// </summary>
public static class HssInterfaceFinder
{
    public const byte VendorClass = 0xFF;
    public const byte VendorSubClass = 0xAB;
    public const byte VendorProtocol = 0x00;
    public const byte CommunicationsClass = 0x02;
    public const byte CdcDataClass = 0x0A;
    public const byte CsInterfaceType = 0x24;
    public const byte CdcHeaderSubtype = 0x00;
    public const byte CdcUnionSubtype = 0x06;

    /// <summary>Parses <paramref name="configuration"/> and finds HSS in it; DescriptorFormatException (NotHss) when absent.</summary>
    public static HssInterfaceMatch Find(byte[] configuration) => Find(UsbDescriptorParser.ParseConfiguration(configuration));

    /// <summary>The vendor interface if there is one, else the CDC function; DescriptorFormatException (NotHss) with the reason otherwise.</summary>
    public static HssInterfaceMatch Find(ConfigurationInfo configuration)
    {
        var reasons = new List<string>();
        foreach (var candidate in configuration.Interfaces.Where(i => i.AlternateSetting == 0 && i.InterfaceClass == VendorClass && i.InterfaceSubClass == VendorSubClass && i.InterfaceProtocol == VendorProtocol))
        {
            var match = TryFourEndpoints(HssProfile.Vendor, candidate, candidate, reasons);
            if (match != null)
            {
                return match;
            }
        }

        foreach (var association in configuration.Associations.Where(a => a.FunctionClass == CommunicationsClass && a.InterfaceCount == 2))
        {
            var match = TryCdc(configuration, association, reasons);
            if (match != null)
            {
                return match;
            }
        }

        var why = reasons.Count == 0
            ? "no interface 0xFF/0xAB/0x00 and no CDC function (IAD of class 0x02 over two interfaces)"
            : string.Join("; ", reasons);
        throw new DescriptorFormatException(DescriptorProblem.NotHss, 0, "no HSS interface: " + why);
    }

    private static HssInterfaceMatch? TryCdc(ConfigurationInfo configuration, InterfaceAssociationInfo association, List<string> reasons)
    {
        var control = configuration.Interfaces.FirstOrDefault(i => i.Number == association.FirstInterface && i.AlternateSetting == 0);
        var data = configuration.Interfaces.FirstOrDefault(i => i.Number == association.FirstInterface + 1 && i.AlternateSetting == 0);
        var where = $"CDC function at interface {association.FirstInterface}";
        if (control == null || data == null)
        {
            reasons.Add(where + ": interfaces missing");
            return null;
        }

        if (control.InterfaceClass != CommunicationsClass || data.InterfaceClass != CdcDataClass)
        {
            reasons.Add(where + $": classes 0x{control.InterfaceClass:x2}/0x{data.InterfaceClass:x2}, expected 0x02 and 0x0A");
            return null;
        }

        var functional = control.ClassSpecific.Where(d => d.DescriptorType == CsInterfaceType && d.Bytes.Length >= 3).ToList();
        if (!functional.Any(d => d.Bytes[2] == CdcHeaderSubtype))
        {
            reasons.Add(where + ": no CDC Header functional descriptor");
            return null;
        }

        var union = functional.FirstOrDefault(d => d.Bytes[2] == CdcUnionSubtype && d.Bytes.Length >= 5);
        if (union == null || union.Bytes[3] != control.Number || !union.Bytes.Skip(4).Contains(data.Number))
        {
            reasons.Add(where + ": no CDC Union functional descriptor joining it to its data interface");
            return null;
        }

        var commands = Pick(control, EndpointTransfer.Interrupt, where + " communications interface", reasons);
        var bulk = Pick(data, EndpointTransfer.Bulk, where + " data interface", reasons);
        if (commands == null || bulk == null)
        {
            return null;
        }

        return new HssInterfaceMatch(HssProfile.Cdc, control.Number, data.Number, bulk.Value.In, bulk.Value.Out, commands.Value.In, commands.Value.Out);
    }

    private static HssInterfaceMatch? TryFourEndpoints(HssProfile profile, InterfaceInfo commandInterface, InterfaceInfo dataInterface, List<string> reasons)
    {
        var where = $"interface {commandInterface.Number} (0xFF/0xAB/0x00)";
        var commands = Pick(commandInterface, EndpointTransfer.Interrupt, where, reasons);
        var bulk = Pick(dataInterface, EndpointTransfer.Bulk, where, reasons);
        if (commands == null || bulk == null)
        {
            return null;
        }

        return new HssInterfaceMatch(profile, commandInterface.Number, dataInterface.Number, bulk.Value.In, bulk.Value.Out, commands.Value.In, commands.Value.Out);
    }

    /// <summary>Exactly one IN and one OUT endpoint of <paramref name="transfer"/> type.</summary>
    private static (EndpointInfo In, EndpointInfo Out)? Pick(InterfaceInfo iface, EndpointTransfer transfer, string where, List<string> reasons)
    {
        var ins = iface.Endpoints.Where(e => e.Transfer == transfer && e.IsIn).ToList();
        var outs = iface.Endpoints.Where(e => e.Transfer == transfer && !e.IsIn).ToList();
        if (ins.Count != 1 || outs.Count != 1)
        {
            reasons.Add($"{where}: {ins.Count} {transfer} IN and {outs.Count} {transfer} OUT endpoints, expected one of each");
            return null;
        }

        return (ins[0], outs[0]);
    }
}
