using System.Globalization;
using System.Text.Json;
using HssDevice.Usb;

namespace HssDevice.Host.Usb.Boards;

/// <summary>One boards/NAME.json: what the host tool knows about a board (the firmware reads its C# twin).</summary>
public sealed record BoardFile(
    string Name,
    string Description,
    string FirmwareTarget,
    string Link,
    string Speed,
    string Identity,
    ushort VendorId,
    ushort ProductId,
    ushort DeviceRelease,
    string Manufacturer,
    string Product,
    string SerialNumber,
    int InterruptIntervalMicroseconds,
    int MaxPowerMilliamps,
    string Profile,
    byte CdcSubclass,
    string DeviceInterfaceGuid,
    int SendWindow,
    int ReceiveBufferPerSocket,
    int TotalReceiveBudget,
    int MaxSockets,
    int MaxDataPayload)
{
    public const string TestIdentity = "test";
    public const string ReferenceIdentity = "reference";
    public const string NativeLink = "native";
    public const string UsbStreamLink = "usbstream";
    public const string SinglePipeProfile = "single-pipe";

    /// <summary>Reads and checks a board file; <see cref="BoardFileException"/> names the file and the field at fault.</summary>
    public static BoardFile Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BoardFileException(path, "cannot be read: " + e.Message);
        }

        return Parse(text, path);
    }

    public static BoardFile Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            throw new BoardFileException(source, "is not valid JSON: " + e.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            var usb = Object(root, "usb", source);
            var budgets = Object(root, "budgets", source);
            var board = new BoardFile(
                String(root, "name", source),
                String(root, "description", source),
                String(root, "firmwareTarget", source),
                OneOf(root, "link", source, NativeLink, UsbStreamLink),
                OneOf(usb, "speed", source, "full", "high"),
                OneOf(usb, "identity", source, TestIdentity, ReferenceIdentity),
                (ushort)Hex(usb, "vendorId", 0xFFFF, source),
                (ushort)Hex(usb, "productId", 0xFFFF, source),
                (ushort)Hex(usb, "deviceRelease", 0xFFFF, source),
                String(usb, "manufacturer", source),
                String(usb, "product", source),
                String(usb, "serialNumber", source),
                Int(usb, "interruptIntervalMicroseconds", source),
                Int(usb, "maxPowerMilliamps", source),
                OneOf(usb, "profile", source, "vendor", "cdc", SinglePipeProfile),
                (byte)Hex(usb, "cdcSubclass", 0xFF, source),
                String(usb, "deviceInterfaceGuid", source),
                Int(budgets, "sendWindow", source),
                Int(budgets, "receiveBufferPerSocket", source),
                Int(budgets, "totalReceiveBudget", source),
                Int(budgets, "maxSockets", source),
                Int(budgets, "maxDataPayload", source));

            var expectedName = Path.GetFileNameWithoutExtension(source);
            if (source.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && board.Name != expectedName)
            {
                throw new BoardFileException(source, $"has name \"{board.Name}\" but the file is named {expectedName}.json");
            }

            try
            {
                board.ToDeviceSettings().Validate();
            }
            catch (ArgumentException e)
            {
                throw new BoardFileException(source, e.Message);
            }

            return board;
        }
    }

    /// <summary>The device-side settings these values make (what the C# twin must equal).</summary>
    public BoardSettings ToDeviceSettings() => new()
    {
        Name = Name,
        FirmwareTarget = FirmwareTarget,
        Link = Link == UsbStreamLink ? BoardLink.UsbStream : BoardLink.Native,
        Speed = Speed == "high" ? UsbSpeed.High : UsbSpeed.Full,
        ReferenceIdentity = Identity == ReferenceIdentity,
        VendorId = VendorId,
        ProductId = ProductId,
        DeviceRelease = DeviceRelease,
        Manufacturer = Manufacturer,
        Product = Product,
        SerialNumber = SerialNumber,
        InterruptIntervalMicroseconds = InterruptIntervalMicroseconds,
        MaxPowerMilliamps = MaxPowerMilliamps,
        Profile = Profile == "cdc" ? HssUsbProfile.Cdc : Profile == SinglePipeProfile ? HssUsbProfile.SinglePipe : HssUsbProfile.Vendor,
        CdcSubclass = CdcSubclass,
        DeviceInterfaceGuid = DeviceInterfaceGuid,
        SendWindow = SendWindow,
        ReceiveBufferPerSocket = ReceiveBufferPerSocket,
        TotalReceiveBudget = TotalReceiveBudget,
        MaxSockets = MaxSockets,
        MaxDataPayload = MaxDataPayload,
    };

    private static JsonElement Property(JsonElement parent, string name, JsonValueKind kind, string source)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value))
        {
            throw new BoardFileException(source, $"has no \"{name}\"");
        }

        if (value.ValueKind != kind)
        {
            throw new BoardFileException(source, $"\"{name}\" must be a {kind.ToString().ToLowerInvariant()}, not {value.ValueKind.ToString().ToLowerInvariant()}");
        }

        return value;
    }

    private static JsonElement Object(JsonElement parent, string name, string source) => Property(parent, name, JsonValueKind.Object, source);

    private static string String(JsonElement parent, string name, string source) => Property(parent, name, JsonValueKind.String, source).GetString()!;

    private static string OneOf(JsonElement parent, string name, string source, params string[] allowed)
    {
        var value = String(parent, name, source);
        if (!allowed.Contains(value))
        {
            throw new BoardFileException(source, $"\"{name}\" is \"{value}\", must be one of {string.Join(", ", allowed)}");
        }

        return value;
    }

    private static int Int(JsonElement parent, string name, string source)
    {
        var value = Property(parent, name, JsonValueKind.Number, source);
        if (!value.TryGetInt32(out var result))
        {
            throw new BoardFileException(source, $"\"{name}\" must be a whole number");
        }

        return result;
    }

    /// <summary>USB IDs are written as "0x1209" strings, since JSON has no hex numbers.</summary>
    private static int Hex(JsonElement parent, string name, int max, string source)
    {
        var text = String(parent, name, source);
        if (!text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            || !int.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            || value > max)
        {
            throw new BoardFileException(source, $"\"{name}\" is \"{text}\", must be hex like \"0x{max:X}\" at most");
        }

        return value;
    }
}
