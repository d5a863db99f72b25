using HssDevice.Tools.NfProjSync;
using Xunit;

namespace HssDevice.Projects.Tests;

/// <summary>
/// The repository's nanoFramework projects as they are: each .nfproj compiles exactly its twin's files, the device
/// test project compiles every test file, package versions agree with nf.props, the nanoFramework solution lists
/// every .nfproj. A failure names the file and the lines to change; tools/sync-nfproj.sh makes most of them.
/// </summary>
public class NfprojConsistencyTests
{
    private static readonly Checker Checker = new(RepositoryLayout.Root);

    public static IEnumerable<object[]> NfProjects =>
        Checker.NfProjectPaths().Select(p => new object[] { Paths.Relative(RepositoryLayout.Root, p) });

    [Fact]
    public void TheDeviceProjectsHaveNanoFrameworkProjects()
    {
        var nfprojs = Checker.NfProjectPaths().Select(p => Paths.Relative(RepositoryLayout.Root, p)).ToList();
        Assert.Contains("firmware/HssDevice/HssDevice.nfproj", nfprojs);
        Assert.Contains("firmware/HssDevice.UsbStream/HssDevice.UsbStream.nfproj", nfprojs);
        Assert.Contains("firmware/HssDevice.NativeUsb/HssDevice.NativeUsb.nfproj", nfprojs);
        Assert.Contains("firmware/HssDevice.Sample/HssDevice.Sample.nfproj", nfprojs);
        Assert.Contains("tests/NFUnitTest/NFUnitTest.nfproj", nfprojs);

        // Every device project (a net10.0 twin importing Device.Build.props) needs its .nfproj.
        var twinsWithout = Directory.EnumerateFiles(RepositoryLayout.PathOf("firmware"), "*.csproj", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(RepositoryLayout.PathOf("tests/NFUnitTest"), "*.csproj"))
            .Where(csproj => File.ReadAllText(csproj).Contains("Device.Build.props", StringComparison.Ordinal))
            .Where(csproj => !File.Exists(Path.ChangeExtension(csproj, ".nfproj")))
            .Select(csproj => Paths.Relative(RepositoryLayout.Root, csproj))
            .ToList();
        Assert.True(twinsWithout.Count == 0,
            "device projects without a .nfproj (copy firmware/HssDevice/HssDevice.nfproj, give it a new ProjectGuid, add it to "
            + Checker.SolutionName + ", then run " + Checker.FixCommand + "):\n  " + string.Join("\n  ", twinsWithout));
    }

    [Theory]
    [MemberData(nameof(NfProjects))]
    public void EachNfprojCompilesExactlyWhatItsTwinCompiles(string nfproj)
    {
        AssertNoProblems(Checker.CheckCompile(NfProject.Load(RepositoryLayout.PathOf(nfproj))));
    }

    [Fact]
    public void TheDeviceTestProjectCompilesEveryDeviceTestFile()
    {
        NfProject tests = NfProject.Load(RepositoryLayout.PathOf("tests/NFUnitTest/NFUnitTest.nfproj"));
        var onDisk = Paths.SourceFilesOnDisk(tests.Directory).ToList();
        var missing = onDisk.Except(tests.CompileItems).Order(StringComparer.Ordinal).ToList();
        Assert.True(onDisk.Count > 0);
        Assert.True(missing.Count == 0, "NFUnitTest.nfproj does not compile (add, or run " + Checker.FixCommand + "):\n"
            + string.Join("\n", missing.Select(f => $"    <Compile Include=\"{Paths.ToNfproj(f)}\" />")));
    }

    [Theory]
    [MemberData(nameof(NfProjects))]
    public void PackageVersionsAgreeWithNfProps(string nfproj)
    {
        AssertNoProblems(Checker.CheckPackages(NfProject.Load(RepositoryLayout.PathOf(nfproj)), Checker.LoadNfProps()));
    }

    [Fact]
    public void NuspecDependenciesAgreeWithNfProps()
    {
        Assert.NotEmpty(Checker.NuspecPaths());
        AssertNoProblems(Checker.NuspecPaths().SelectMany(n => Checker.CheckNuspec(n, Checker.LoadNfProps())).ToList());
    }

    [Fact]
    public void TheNanoFrameworkSolutionListsEveryNfproj()
    {
        AssertNoProblems(Checker.CheckSolution());
    }

    [Fact]
    public void NfPropsPinsStableOneDotXPackages()
    {
        NfProps props = Checker.LoadNfProps();
        foreach (string id in NfProps.VersionProperties.Keys)
        {
            string? version = props.VersionOf(id);
            Assert.False(string.IsNullOrEmpty(version), id + " has no version in nf.props");
            Assert.DoesNotContain("-", version);
        }

        Assert.StartsWith("1.17.", props.VersionOf("nanoFramework.CoreLibrary"));
        Assert.StartsWith("3.", props.VersionOf("nanoFramework.TestFramework"));
    }

    [Theory]
    [MemberData(nameof(NfProjects))]
    public void EachNfprojHasTheNanoFrameworkProjectShapeAndItsTwinsAssemblyName(string nfproj)
    {
        NfProject project = NfProject.Load(RepositoryLayout.PathOf(nfproj));
        string text = File.ReadAllText(project.Path);
        Assert.Contains("{" + Checker.NanoFrameworkProjectType + "}", project.Property("ProjectTypeGuids"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("v1.0", project.Property("TargetFrameworkVersion"));
        Assert.Equal("$(NfLangVersion)", project.Property("LangVersion"));
        Assert.Contains("NANOFRAMEWORK_1_0", project.Property("DefineConstants"));
        Assert.Equal("false", project.Property("ImportDirectoryBuildProps"));
        Assert.Contains(@"nf.props"" />", text);
        foreach (string import in new[] { "NFProjectSystem.Default.props", "NFProjectSystem.props", "NFProjectSystem.CSharp.targets" })
        {
            Assert.Contains("$(NanoFrameworkProjectSystemPath)" + import, text);
        }

        Assert.Equal(MsBuildProperty.Get(project.TwinPath, "AssemblyName"), project.Property("AssemblyName"));
    }

    [Theory]
    [MemberData(nameof(NfProjects))]
    public void EachNfprojEvaluatesUnderMsBuildAndCompilesFilesThatExist(string nfproj)
    {
        // Without the nanoFramework project system its Exists()-guarded imports drop out, but the file must still be
        // valid MSBuild, import nf.props, and name files that are there.
        string path = RepositoryLayout.PathOf(nfproj);
        var items = TwinProject.CompileItems(path);
        Assert.NotEmpty(items);
        var absent = items.Where(i => !File.Exists(Path.Combine(Path.GetDirectoryName(path)!, i.Path))).Select(i => i.Path).ToList();
        Assert.True(absent.Count == 0, nfproj + " compiles files that do not exist:\n  " + string.Join("\n  ", absent));
        Assert.Equal(MsBuildProperty.Get(RepositoryLayout.PathOf("nf.props"), "NfLangVersion"), MsBuildProperty.Get(path, "LangVersion"));
    }

    [Fact]
    public void TheTestProjectIsNFUnitTestWithItsRunSettings()
    {
        NfProject tests = NfProject.Load(RepositoryLayout.PathOf("tests/NFUnitTest/NFUnitTest.nfproj"));
        Assert.Equal("NFUnitTest", tests.Property("AssemblyName"));
        Assert.True(tests.IsTestProject);
        Assert.Contains("TestContainer", File.ReadAllText(tests.Path));
        Assert.Equal(@"$(MSBuildProjectDirectory)\nano.runsettings", tests.Property("RunSettingsFilePath"));

        var settings = System.Xml.Linq.XDocument.Load(RepositoryLayout.PathOf("tests/NFUnitTest/nano.runsettings"));
        Assert.NotNull(settings.Root!.Element("nanoFrameworkAdapter")?.Element("IsRealHardware"));
        Assert.Equal("1", settings.Root.Element("RunConfiguration")?.Element("MaxCpuCount")?.Value);
    }

    private static void AssertNoProblems(IReadOnlyList<Problem> problems)
    {
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
