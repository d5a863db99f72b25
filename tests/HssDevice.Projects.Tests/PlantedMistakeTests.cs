using HssDevice.Tools.NfProjSync;
using Xunit;

namespace HssDevice.Projects.Tests;

/// <summary>
/// The checks fail, and say what to change, on a copy of the repository with a mistake planted in it; the fixer
/// (tools/sync-nfproj.sh) then brings the copy back in step.
/// </summary>
public class PlantedMistakeTests
{
    private const string Library = "firmware/HssDevice/HssDevice.nfproj";
    private const string TestProject = "tests/NFUnitTest/NFUnitTest.nfproj";

    [Fact]
    public void AFileLeftOutOfTheNfprojIsListedAsMissing()
    {
        using var repo = RepositoryLayout.Copy();
        repo.Edit(Library, "    <Compile Include=\"Wire\\HssPacket.cs\" />\n", "");

        string message = Assert.Single(CompileProblems(repo, Library)).Message;
        Assert.Contains("missing", message);
        Assert.Contains("<Compile Include=\"Wire\\HssPacket.cs\" />", message);
        Assert.DoesNotContain("extra", message);
    }

    [Fact]
    public void ANewSourceFileTheTwinPicksUpIsListedAsMissing()
    {
        using var repo = RepositoryLayout.Copy();
        Directory.CreateDirectory(repo.PathOf("firmware/HssDevice/Engine"));
        File.WriteAllText(repo.PathOf("firmware/HssDevice/Engine/NewPart.cs"), "namespace HssDevice { }\n");

        string message = Assert.Single(CompileProblems(repo, Library)).Message;
        Assert.Contains("<Compile Include=\"Engine\\NewPart.cs\" />", message);
    }

    [Fact]
    public void AFileTheTwinDoesNotCompileIsListedAsExtra()
    {
        using var repo = RepositoryLayout.Copy();
        repo.Edit(Library, "    <Compile Include=\"Wire\\HssPacket.cs\" />\n",
            "    <Compile Include=\"Wire\\HssPacket.cs\" />\n    <Compile Include=\"Wire\\Removed.cs\" />\n");

        string message = Assert.Single(CompileProblems(repo, Library)).Message;
        Assert.Contains("extra", message);
        Assert.Contains("<Compile Include=\"Wire\\Removed.cs\" />", message);
    }

    [Fact]
    public void ADeviceTestFileMissingFromTheTestProjectIsReported()
    {
        using var repo = RepositoryLayout.Copy();
        File.WriteAllText(repo.PathOf("tests/NFUnitTest/LateTests.cs"), "namespace HssDevice.Tests.Device { }\n");

        var problems = CompileProblems(repo, TestProject);
        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.Contains("<Compile Include=\"LateTests.cs\" />", p.Message));
        Assert.Contains(problems, p => p.Message.Contains("silently skip", StringComparison.Ordinal));
    }

    [Fact]
    public void APackageVersionOtherThanNfPropsIsReported()
    {
        using var repo = RepositoryLayout.Copy();
        repo.Edit("firmware/HssDevice/packages.config", "\"nanoFramework.CoreLibrary\" version=\"1.17.11\"", "\"nanoFramework.CoreLibrary\" version=\"1.17.7\"");
        repo.Edit(Library, @"nanoFramework.System.Collections.1.5.67\", @"nanoFramework.System.Collections.1.5.62\");
        repo.Edit("firmware/HssDevice/HssDevice.nuspec", "\"nanoFramework.CoreLibrary\" version=\"1.17.11\"", "\"nanoFramework.CoreLibrary\" version=\"1.16.1\"");

        var checker = new Checker(repo.Root);
        var problems = checker.CheckAll();
        Assert.Contains(problems, p => p.File == "firmware/HssDevice/packages.config" && p.Message.Contains("nanoFramework.CoreLibrary is 1.17.7 but nf.props pins 1.17.11"));
        Assert.Contains(problems, p => p.File == Library && p.Message.Contains("nanoFramework.System.Collections 1.5.62 but packages.config has 1.5.67"));
        Assert.Contains(problems, p => p.File == "firmware/HssDevice/HssDevice.nuspec" && p.Message.Contains("1.16.1"));
    }

    [Fact]
    public void AnNfprojTheSolutionDoesNotListIsReported()
    {
        using var repo = RepositoryLayout.Copy();
        string sln = File.ReadAllText(repo.PathOf(Checker.SolutionName));
        File.WriteAllText(repo.PathOf(Checker.SolutionName), sln.Replace("firmware\\HssDevice.UsbStream\\HssDevice.UsbStream.nfproj", "firmware\\Gone\\Gone.nfproj"));

        var problems = new Checker(repo.Root).CheckSolution();
        Assert.Contains(problems, p => p.Message.Contains("does not list firmware/HssDevice.UsbStream/HssDevice.UsbStream.nfproj"));
        Assert.Contains(problems, p => p.Message.Contains("lists firmware/Gone/Gone.nfproj, which does not exist"));
    }

    [Fact]
    public void TheFixerBringsEveryPlantedMistakeBackInStep()
    {
        using var repo = RepositoryLayout.Copy();
        repo.Edit(Library, "    <Compile Include=\"Wire\\HssPacket.cs\" />\n", "    <Compile Include=\"Wire\\Removed.cs\" />\n");
        Directory.CreateDirectory(repo.PathOf("firmware/HssDevice/Sockets"));
        File.WriteAllText(repo.PathOf("firmware/HssDevice/Sockets/HssSocket.cs"), "namespace HssDevice { }\n");
        File.WriteAllText(repo.PathOf("tests/NFUnitTest/LateTests.cs"), "namespace HssDevice.Tests.Device { }\n");
        repo.Edit("firmware/HssDevice.UsbStream/packages.config", "version=\"1.0.90\"", "version=\"1.0.84\"");
        repo.Edit("firmware/HssDevice.UsbStream/HssDevice.UsbStream.nfproj", @"UsbStream.1.0.90\", @"UsbStream.1.0.84\");
        var checker = new Checker(repo.Root);
        Assert.NotEmpty(checker.CheckAll());

        var changed = new Fixer(checker).FixAll();

        Assert.Empty(checker.CheckAll());
        Assert.Contains(Library, changed);
        Assert.Contains(TestProject, changed);
        Assert.Contains("firmware/HssDevice.UsbStream/packages.config", changed);
        string library = File.ReadAllText(repo.PathOf(Library));
        Assert.Contains("<Compile Include=\"Sockets\\HssSocket.cs\" />", library);
        Assert.DoesNotContain("Removed.cs", library);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", library);

        // A second run has nothing left to change.
        Assert.Empty(new Fixer(checker).FixAll());
    }

    private static IReadOnlyList<Problem> CompileProblems(TempRepository repo, string nfproj) =>
        new Checker(repo.Root).CheckCompile(NfProject.Load(repo.PathOf(nfproj)));
}
