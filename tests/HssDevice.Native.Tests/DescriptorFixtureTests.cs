using HssDevice.Usb;
using HssDevice.Usb.Boards;

namespace HssDevice.Native.Tests;

/// <summary>
/// firmware/native/tests/fixtures holds the descriptor blob of every board and profile as the C# UsbDescriptorBlob
/// writes it; the C tests open and enumerate each. Here they are regenerated and compared byte for byte, so they
/// cannot go stale. To rewrite them after a descriptor change: HSS_UPDATE_FIXTURES=1 dotnet test tests/HssDevice.Native.Tests
/// </summary>
public class DescriptorFixtureTests
{
    private static readonly HssUsbProfile[] Profiles = { HssUsbProfile.Vendor, HssUsbProfile.Cdc };

    private static string FileName(string board, HssUsbProfile profile) =>
        board + "." + (profile == HssUsbProfile.Vendor ? "vendor" : "cdc") + ".bin";

    /// <summary>Boards served by the native function; a UsbStream board's descriptors are stock firmware's own.</summary>
    private static IEnumerable<string> NativeBoards =>
        BoardCatalog.Names.Where(b => BoardCatalog.Create(b).Link == BoardLink.Native);

    public static TheoryData<string, HssUsbProfile> Cases
    {
        get
        {
            var data = new TheoryData<string, HssUsbProfile>();
            foreach (var board in NativeBoards)
            {
                foreach (var profile in Profiles)
                {
                    data.Add(board, profile);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fixture_equals_the_blob_csharp_builds(string board, HssUsbProfile profile)
    {
        byte[] blob = UsbDescriptorBlob.Build(new UsbDescriptorBuilder(BoardCatalog.Create(board), profile));
        string path = Path.Combine(NativePaths.Fixtures, FileName(board, profile));
        if (Environment.GetEnvironmentVariable("HSS_UPDATE_FIXTURES") == "1")
        {
            Directory.CreateDirectory(NativePaths.Fixtures);
            File.WriteAllBytes(path, blob);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run HSS_UPDATE_FIXTURES=1 dotnet test tests/HssDevice.Native.Tests");
        Assert.True(blob.AsSpan().SequenceEqual(File.ReadAllBytes(path)),
            $"{path} differs from what UsbDescriptorBlob builds: run HSS_UPDATE_FIXTURES=1 dotnet test tests/HssDevice.Native.Tests");
    }

    [Fact]
    public void Fixtures_are_exactly_those_of_the_boards_and_profiles()
    {
        var expected = NativeBoards.SelectMany(b => Profiles.Select(p => FileName(b, p))).Order(StringComparer.Ordinal);
        var present = Directory.GetFiles(NativePaths.Fixtures, "*.bin").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(expected, present);
    }
}
