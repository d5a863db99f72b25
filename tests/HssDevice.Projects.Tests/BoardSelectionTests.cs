using HssDevice.Tools.NfProjSync;
using System.Text.RegularExpressions;
using Xunit;

namespace HssDevice.Projects.Tests;

/// <summary>
/// The board is the application's choice: firmware/HssDevice.App imports HssBoard.targets (both its project files),
/// while the reusable library (firmware/HssDevice: its projects, package spec and build files) and the shared
/// nf.props name no board, so the library's package is the same for every board.
/// </summary>
public class BoardSelectionTests
{
    private const string Targets = "firmware/HssDevice.App/HssBoard.targets";

    [Theory]
    [InlineData("firmware/HssDevice.App/HssDevice.App.csproj")]
    [InlineData("firmware/HssDevice.App/HssDevice.App.nfproj")]
    public void TheApplicationSelectsTheBoard(string project)
    {
        Assert.Contains(@"<Import Project=""HssBoard.targets"" />", File.ReadAllText(RepositoryLayout.PathOf(project)));
    }

    [Fact]
    public void TheDefaultBoardHasASettingsFile()
    {
        var match = Regex.Match(File.ReadAllText(RepositoryLayout.PathOf(Targets)), @"<HssBoard Condition=""[^""]*"">([^<]+)</HssBoard>");
        Assert.True(match.Success, Targets + " sets no default HssBoard");
        Assert.True(File.Exists(RepositoryLayout.PathOf("boards/" + match.Groups[1].Value + ".json")), "no boards/" + match.Groups[1].Value + ".json");
    }

    [Fact]
    public void TheLibraryAndTheSharedPropsSelectNoBoard()
    {
        var buildFiles = Directory.EnumerateFiles(RepositoryLayout.PathOf("firmware/HssDevice"))
            .Where(f => Path.GetExtension(f) is ".csproj" or ".nfproj" or ".nuspec" or ".props" or ".targets")
            .Append(RepositoryLayout.PathOf("nf.props"))
            .Append(RepositoryLayout.PathOf("firmware/Device.Build.props"))
            .ToList();
        Assert.Contains(buildFiles, f => f.EndsWith("HssDevice.nfproj", StringComparison.Ordinal));
        var selecting = buildFiles
            .Where(f => File.ReadAllText(f).Contains("HssBoard", StringComparison.Ordinal))
            .Select(f => Paths.Relative(RepositoryLayout.Root, f))
            .ToList();
        Assert.True(selecting.Count == 0, "board selection outside the application (move it to " + Targets + "):\n  " + string.Join("\n  ", selecting));
    }
}
