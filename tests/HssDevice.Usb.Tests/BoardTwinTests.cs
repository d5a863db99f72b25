using System.Reflection;
using HssDevice.Host.Usb.Boards;
using HssDevice.Usb;
using HssDevice.Usb.Boards;
using Xunit;

namespace HssDevice.Usb.Tests;

/// <summary>Each boards/NAME.json and its C# twin (Usb/Boards, read by the firmware) hold the same settings.</summary>
public class BoardTwinTests
{
    public static IEnumerable<object[]> JsonBoards => BoardDirectory.Names(RepositoryPaths.Boards).Select(n => new object[] { n });

    [Fact]
    public void Json_files_and_catalog_list_the_same_boards()
    {
        Assert.Equal(BoardDirectory.Names(RepositoryPaths.Boards), BoardCatalog.Names.OrderBy(n => n, StringComparer.Ordinal));
        Assert.Contains("esp32-s3", BoardCatalog.Names);
        Assert.Contains("stm32f769i-discovery", BoardCatalog.Names);
        Assert.Contains("slstk3701a", BoardCatalog.Names);
    }

    [Theory]
    [MemberData(nameof(JsonBoards))]
    public void Csharp_twin_equals_json(string name)
    {
        var fromJson = BoardDirectory.Load(RepositoryPaths.Boards, name).ToDeviceSettings();
        var twin = BoardCatalog.Create(name);
        var differences = typeof(BoardSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => !Equals(p.GetValue(fromJson), p.GetValue(twin)))
            .Select(p => $"{p.Name}: json {p.GetValue(fromJson)}, C# {p.GetValue(twin)}")
            .ToList();
        Assert.True(differences.Count == 0, $"boards/{name}.json and its C# twin differ: " + string.Join("; ", differences));
    }

    [Fact]
    public void Twin_check_sees_a_difference()
    {
        var twin = BoardCatalog.Create("esp32-s3");
        var fromJson = BoardDirectory.Load(RepositoryPaths.Boards, "esp32-s3").ToDeviceSettings();
        twin.MaxSockets++;
        Assert.Contains(typeof(BoardSettings).GetProperties(), p => !Equals(p.GetValue(fromJson), p.GetValue(twin)));
    }

    [Fact]
    public void Twin_check_sees_a_different_link()
    {
        var twin = BoardCatalog.Create("esp32-s3");
        var fromJson = BoardDirectory.Load(RepositoryPaths.Boards, "esp32-s3").ToDeviceSettings();
        Assert.Equal(fromJson.Link, twin.Link);
        twin.Link = BoardLink.UsbStream;
        Assert.NotEqual(fromJson.Link, twin.Link);
        Assert.Contains(typeof(BoardSettings).GetProperties(), p => p.Name == nameof(BoardSettings.Link));
    }

    [Fact]
    public void Board_selected_by_the_application_has_a_file()
    {
        Assert.Contains(HssDevice.App.SelectedBoard.Name, BoardDirectory.Names(RepositoryPaths.Boards));
    }

    [Fact]
    public void Board_speeds_are_as_documented()
    {
        Assert.Equal(UsbSpeed.Full, BoardCatalog.Create("esp32-s3").Speed);
        Assert.Equal("ESP32_S3", BoardCatalog.Create("esp32-s3").FirmwareTarget);
        Assert.Equal(UsbSpeed.High, BoardCatalog.Create("stm32f769i-discovery").Speed);
        Assert.Equal("ST_STM32F769I_DISCOVERY", BoardCatalog.Create("stm32f769i-discovery").FirmwareTarget);
        Assert.Equal(BoardLink.Native, BoardCatalog.Create("esp32-s3").Link);
        Assert.Equal(BoardLink.Native, BoardCatalog.Create("stm32f769i-discovery").Link);
        foreach (var name in BoardCatalog.Names.Where(n => BoardCatalog.Create(n).Link == BoardLink.Native))
        {
            Assert.Equal((ushort)0x1209, BoardCatalog.Create(name).EffectiveVendorId);
        }

        // Stock firmware's identity, shared by every nanoFramework Silicon Labs image (read from its sources).
        var kit = BoardCatalog.Create("slstk3701a");
        Assert.Equal((BoardLink.UsbStream, HssUsbProfile.SinglePipe, UsbSpeed.Full), (kit.Link, kit.Profile, kit.Speed));
        Assert.Equal(((ushort)0x10C4, (ushort)0x8DAD), (kit.EffectiveVendorId, kit.ProductId));
        Assert.Equal("SL_STK3701A", kit.FirmwareTarget);
    }
}
