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
    [InlineData("esp32-s3", "native", BoardLink.Native)]
    [InlineData("stm32f769i-discovery", "native", BoardLink.Native)]
    [InlineData("slstk3701a", "usbstream", BoardLink.UsbStream)]
    public void Link_is_read(string name, string text, BoardLink expected)
    {
        var board = BoardDirectory.Load(RepositoryPaths.Boards, name);
        Assert.Equal(text, board.Link);
        Assert.Equal(expected, board.ToDeviceSettings().Link);
    }

    [Theory]
    [InlineData("\"link\": \"native\"", "\"link\": \"usbstream\"", "single-pipe goes with link usbstream")]
    [InlineData("\"profile\": \"vendor\"", "\"profile\": \"single-pipe\"", "single-pipe goes with link usbstream")]
    public void Link_and_profile_must_agree(string find, string replace, string expectedInMessage)
    {
        var error = Assert.Throws<BoardFileException>(() => BoardFile.Parse(Esp32Json.Replace(find, replace), "esp32-s3.json"));
        Assert.Contains(expectedInMessage, error.Message);
    }

    [Fact]
    public void A_usbstream_board_is_full_speed_only()
    {
        var json = File.ReadAllText(Path.Combine(RepositoryPaths.Boards, "slstk3701a.json")).Replace("\"speed\": \"full\"", "\"speed\": \"high\"");
        Assert.Contains("full speed only", Assert.Throws<BoardFileException>(() => BoardFile.Parse(json, "slstk3701a.json")).Message);
    }

    [Fact]
    public void A_single_pipe_board_has_no_descriptors_of_ours()
    {
        var kit = BoardDirectory.Load(RepositoryPaths.Boards, "slstk3701a").ToDeviceSettings();
        Assert.Equal(HssUsbProfile.SinglePipe, kit.Profile);
        Assert.Contains("firmware serves its own descriptors", Assert.Throws<ArgumentException>(() => new UsbDescriptorBuilder(kit)).Message);
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
