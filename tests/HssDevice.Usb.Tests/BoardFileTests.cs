using HssDevice.Host.Usb.Boards;
using Xunit;

namespace HssDevice.Usb.Tests;

/// <summary>Board files with mistakes are refused with the file and field named.</summary>
public class BoardFileTests
{
    private static string Esp32Json => File.ReadAllText(Path.Combine(RepositoryPaths.Boards, "esp32-s3.json"));

    [Theory]
    [InlineData("\"speed\": \"full\"", "\"speed\": \"super\"", "speed")]
    [InlineData("\"vendorId\": \"0x1209\"", "\"vendorId\": \"1209\"", "vendorId")]
    [InlineData("\"vendorId\": \"0x1209\"", "\"vendorId\": \"0x2FE0\"", "2FE0")]
    [InlineData("\"productId\": \"0x0001\"", "\"productId\": \"0x10000\"", "productId")]
    [InlineData("\"interruptIntervalMicroseconds\": 1000", "\"interruptIntervalMicroseconds\": 124", "interrupt interval")]
    [InlineData("\"interruptIntervalMicroseconds\": 1000", "\"interruptIntervalMs\": 1", "interruptIntervalMicroseconds")]
    [InlineData("\"maxSockets\": 4", "\"maxSockets\": \"4\"", "maxSockets")]
    [InlineData("\"maxDataPayload\": 2048", "\"maxDataPayload\": 16384", "max data payload")]
    [InlineData("\"deviceInterfaceGuid\": \"{7ED00674", "\"deviceInterfaceGuid\": \"{XED00674", "GUID")]
    [InlineData("\"name\": \"esp32-s3\"", "\"name\": \"esp32\"", "named")]
    [InlineData("\"link\": \"native\"", "\"link\": \"serial\"", "\"link\" is \"serial\", must be one of native, usbstream")]
    [InlineData("\"link\": \"native\",", "", "has no \"link\"")]
    [InlineData("\"profile\": \"vendor\",", "", "profile")]
    [InlineData("\"usb\":", "\"usbx\":", "has no \"usb\"")]
    [InlineData("\"budgets\"", "\"budgets\" x", "JSON")]
    [InlineData("\"cdcSubclass\": \"0xAB\"", "\"cdcSubclass\": \"0x02\"", "CDC subclass 0x02 is one host class drivers claim")]
    [InlineData("\"cdcSubclass\": \"0xAB\"", "\"cdcSubclass\": \"0x06\"", "CDC subclass 0x06")]
    [InlineData("\"cdcSubclass\": \"0xAB\"", "\"cdcSubclass\": \"0x0D\"", "CDC subclass 0x0D")]
    [InlineData("\"cdcSubclass\": \"0xAB\"", "\"cdcSubclass\": \"0x00\"", "CDC subclass 0x00")]
    [InlineData("\"cdcSubclass\": \"0xAB\"", "\"cdcSubclass\": \"0x7F\"", "CDC subclass 0x7F")]
    [InlineData("\"cdcSubclass\": \"0xAB\"", "\"cdcSubclass\": \"0xFF\"", "use the vendor-specific range 0x80-0xFE")]
    public void Mistake_is_named(string find, string replace, string expectedInMessage)
    {
        Assert.Contains(find, Esp32Json);
        var json = Esp32Json.Replace(find, replace);
        var error = Assert.Throws<BoardFileException>(() => BoardFile.Parse(json, "esp32-s3.json"));
        Assert.Contains(expectedInMessage, error.Message);
        Assert.Contains("esp32-s3.json", error.Message);
    }

    [Theory]
    [InlineData("0x80")]
    [InlineData("0xAB")]
    [InlineData("0xFE")]
    public void A_vendor_specific_CDC_subclass_is_accepted(string subclass)
    {
        var json = Esp32Json.Replace("\"cdcSubclass\": \"0xAB\"", $"\"cdcSubclass\": \"{subclass}\"");
        Assert.Equal(Convert.ToByte(subclass, 16), BoardFile.Parse(json, "esp32-s3.json").ToDeviceSettings().CdcSubclass);
    }

    [Theory]
    [InlineData(0x02)]
    [InlineData(0x0A)]
    [InlineData(0x7F)]
    public void Device_settings_reject_a_CDC_subclass_a_class_driver_claims(int subclass)
    {
        var settings = BoardFile.Parse(Esp32Json, "esp32-s3.json").ToDeviceSettings();
        settings.CdcSubclass = (byte)subclass;
        var error = Assert.Throws<ArgumentException>(settings.Validate);
        Assert.Contains($"CDC subclass 0x{subclass:X2}", error.Message);
        Assert.Throws<ArgumentException>(() => new UsbDescriptorBuilder(settings, HssUsbProfile.Cdc));
    }

    [Theory]
    [InlineData("native", BoardLink.Native)]
    [InlineData("usbstream", BoardLink.UsbStream)]
    public void Link_is_read(string text, BoardLink expected)
    {
        var json = Esp32Json.Replace("\"link\": \"native\"", $"\"link\": \"{text}\"");
        var board = BoardFile.Parse(json, "esp32-s3.json");
        Assert.Equal(text, board.Link);
        Assert.Equal(expected, board.ToDeviceSettings().Link);
    }

    [Fact]
    public void Device_settings_reject_an_unknown_link()
    {
        var settings = BoardFile.Parse(Esp32Json, "esp32-s3.json").ToDeviceSettings();
        settings.Link = (BoardLink)7;
        Assert.Contains("link", Assert.Throws<ArgumentException>(settings.Validate).Message);
    }

    [Fact]
    public void Reference_identity_allows_xaptum_vendor_id()
    {
        var json = Esp32Json.Replace("\"identity\": \"test\"", "\"identity\": \"reference\"");
        var board = BoardFile.Parse(json, "esp32-s3.json");
        Assert.Equal((ushort)0x2FE0, board.ToDeviceSettings().EffectiveVendorId);
    }

    [Fact]
    public void Unknown_board_lists_the_known_ones()
    {
        var error = Assert.Throws<BoardFileException>(() => BoardDirectory.Load(RepositoryPaths.Boards, "nrf52"));
        Assert.Contains("esp32-s3", error.Message);
    }
}
