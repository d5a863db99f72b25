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
    [InlineData("\"profile\": \"vendor\",", "", "profile")]
    [InlineData("\"usb\":", "\"usbx\":", "has no \"usb\"")]
    [InlineData("\"budgets\"", "\"budgets\" x", "JSON")]
    public void Mistake_is_named(string find, string replace, string expectedInMessage)
    {
        Assert.Contains(find, Esp32Json);
        var json = Esp32Json.Replace(find, replace);
        var error = Assert.Throws<BoardFileException>(() => BoardFile.Parse(json, "esp32-s3.json"));
        Assert.Contains(expectedInMessage, error.Message);
        Assert.Contains("esp32-s3.json", error.Message);
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
