using HssDevice.Host.Usb.Parsing;
using HssDevice.Usb;
using HssDevice.Usb.Boards;

namespace HssDevice.Host.Usb.UsbStream;

/// <summary>Where stock nanoFramework firmware's UsbStream is in a device: its interface and bulk pair, and the board it was told apart as.</summary>
public sealed record UsbStreamInterfaceMatch(byte Interface, EndpointInfo BulkIn, EndpointInfo BulkOut, string Board);

/// <summary>
/// Finds an HSS device behind stock firmware's UsbStream (docs/boards.md): the firmware's VID:PID (shared by every
/// nanoFramework image of that vendor, so not enough), one interface 0xFF/0xFF/0xFF with exactly one bulk IN and
/// one bulk OUT endpoint (addresses and sizes read from the descriptor), told apart from other UsbStream
/// applications by the product string, which is the name the application gave CreateUsbStream and the board file's
/// product. Boards come from the catalog (link usbstream).
/// </summary>
public static class UsbStreamFinder
{
    public const byte InterfaceClass = 0xFF;
    public const byte InterfaceSubClass = 0xFF;
    public const byte InterfaceProtocol = 0xFF;

    /// <summary>Every board of link usbstream the host knows (the C# twins of boards/*.json).</summary>
    public static IReadOnlyList<BoardSettings> Boards { get; } = BoardCatalog.Names.Select(BoardCatalog.Create)
        .Where(b => b.Link == BoardLink.UsbStream).ToList();

    /// <summary>Whether the identity is one a UsbStream board uses (then a mismatch is worth explaining).</summary>
    public static bool IsUsbStreamIdentity(ushort vendorId, ushort productId) =>
        Boards.Any(b => b.EffectiveVendorId == vendorId && b.ProductId == productId);

    /// <summary>The match, or null with the reason.</summary>
    public static (UsbStreamInterfaceMatch? Match, string? WhyNot) Find(ushort vendorId, ushort productId, string? product, byte[] configuration)
    {
        var boards = Boards.Where(b => b.EffectiveVendorId == vendorId && b.ProductId == productId).ToList();
        if (boards.Count == 0)
        {
            return (null, "not a UsbStream board's VID:PID");
        }

        ConfigurationInfo parsed;
        try
        {
            parsed = UsbDescriptorParser.ParseConfiguration(configuration);
        }
        catch (DescriptorFormatException e)
        {
            return (null, "UsbStream configuration: " + e.Message);
        }

        var candidates = parsed.Interfaces.Where(i => i.AlternateSetting == 0 && i.InterfaceClass == InterfaceClass
            && i.InterfaceSubClass == InterfaceSubClass && i.InterfaceProtocol == InterfaceProtocol).ToList();
        if (candidates.Count == 0)
        {
            // Stock firmware enumerates once without it, before the application creates its UsbStream.
            return (null, "no interface 0xFF/0xFF/0xFF (yet: the firmware adds it when the application creates its UsbStream)");
        }

        var iface = candidates[0];
        var ins = iface.Endpoints.Where(e => e.Transfer == EndpointTransfer.Bulk && e.IsIn).ToList();
        var outs = iface.Endpoints.Where(e => e.Transfer == EndpointTransfer.Bulk && !e.IsIn).ToList();
        if (ins.Count != 1 || outs.Count != 1 || iface.Endpoints.Count != 2)
        {
            return (null, $"interface {iface.Number} (0xFF/0xFF/0xFF): {ins.Count} bulk IN and {outs.Count} bulk OUT of {iface.Endpoints.Count} endpoints, expected one of each and nothing else");
        }

        var board = boards.FirstOrDefault(b => b.Product == product);
        if (board == null)
        {
            return (null, $"UsbStream product \"{product}\" is none of the boards' ({string.Join(", ", boards.Select(b => "\"" + b.Product + "\""))}): another application's UsbStream");
        }

        return (new UsbStreamInterfaceMatch(iface.Number, ins[0], outs[0], board.Name), null);
    }
}
