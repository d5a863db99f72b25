using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using HssDevice.Compat.Tests.Facades;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace HssDevice.Compat.Tests.Checks;

/// <summary>The device code compiled as nanoFramework 1.x builds it.</summary>
public sealed class DeviceCompileResult
{
    public required IReadOnlyList<Finding> Findings { get; init; }

    /// <summary>Release-configuration compilations of the firmware projects, the library first.</summary>
    public required IReadOnlyList<CSharpCompilation> FirmwareProjects { get; init; }

    /// <summary>The firmware/HssDevice library (Release), for the layer check.</summary>
    public CSharpCompilation Library => FirmwareProjects.First(p => p.AssemblyName == DeviceCompiler.LibraryAssembly);
}

/// <summary>Compiles each folder under firmware/ as its own assembly (firmware/HssDevice first; the others, such
/// as HssDevice.Sample, reference the ones before them) and tests/NFUnitTest/ as an assembly referencing them
/// all, against nanoFramework's mscorlib and the facades only, with C# 9 and NANOFRAMEWORK_1_0, in the Release and, when some file tests
/// DEBUG or TRACE, also the Debug symbol set (code under #if DEBUG is device code too). Separate assemblies keep internal members internal, as on the
/// device. Emits to nowhere so that errors the compiler finds only while lowering (a member it needs for
/// <c>lock</c>, a string <c>switch</c>, ...) are reported as well.</summary>
public static class DeviceCompiler
{
    public const string LibraryAssembly = "HssDevice";
    public const string ApplicationAssembly = "HssDevice.App";
    public const string DeviceTestsAssembly = "NFUnitTest";

    public static readonly IReadOnlyList<string[]> Configurations = new[]
    {
        new[] { "NANOFRAMEWORK_1_0" },
        new[] { "NANOFRAMEWORK_1_0", "DEBUG", "TRACE" },
    };

    /// <summary>A directive that tests DEBUG or TRACE: only then can the Debug compile differ from Release.</summary>
    private static readonly Regex DebugDirective = new(@"^\s*#\s*(if|elif)\b.*\b(DEBUG|TRACE)\b", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    public static DeviceCompileResult Compile(FacadeSet facades, IReadOnlyList<SourceFile> firmware, IReadOnlyList<SourceFile> deviceTests)
    {
        var findings = new List<Finding>();
        List<CSharpCompilation>? release = null;
        bool debugDiffers = firmware.Concat(deviceTests).Any(f => DebugDirective.IsMatch(f.Text));
        foreach (string[] symbols in debugDiffers ? Configurations : Configurations.Take(1))
        {
            var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp9, preprocessorSymbols: symbols);
            var projects = new List<CSharpCompilation>();
            foreach (var (name, files) in FirmwareProjects(firmware))
            {
                var sources = name == ApplicationAssembly ? files.Append(GeneratedSelectedBoard()).ToList() : files;
                var project = Create(name, sources, parseOptions, facades.References.Concat(projects.Select(p => p.ToMetadataReference())));
                projects.Add(project);
                findings.AddRange(Check(project));
            }

            release ??= projects;
            if (deviceTests.Count > 0)
            {
                var references = facades.References.Concat(projects.Select(p => p.ToMetadataReference()));
                findings.AddRange(Check(Create(DeviceTestsAssembly, deviceTests, parseOptions, references)));
            }
        }

        var distinct = findings
            .Distinct()
            .OrderBy(f => f.File, System.StringComparer.Ordinal)
            .ThenBy(f => f.Line)
            .ThenBy(f => f.Code, System.StringComparer.Ordinal)
            .ToList();
        return new DeviceCompileResult { Findings = distinct, FirmwareProjects = release! };
    }

    /// <summary>Checks one more file compiled on its own (Release symbols) against the facades and the already
    /// compiled firmware projects, as a firmware file or as a device test would see them.</summary>
    public static IReadOnlyList<Finding> CompileBeside(FacadeSet facades, IEnumerable<CSharpCompilation> firmware, SourceFile file) =>
        Check(CreateBeside(facades, firmware, file)).Distinct().ToList();

    /// <summary>One file as an assembly of its own referencing the facades and the given firmware projects.
    /// Symbols of those projects keep their source locations, so the layer check can read them too.</summary>
    public static CSharpCompilation CreateBeside(FacadeSet facades, IEnumerable<CSharpCompilation> firmware, SourceFile file)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp9, preprocessorSymbols: Configurations[0]);
        var references = facades.References.Concat(firmware.Select(p => p.ToMetadataReference()));
        return Create("Planted", new[] { file }, parseOptions, references);
    }

    /// <summary>firmware/NAME/... belongs to project NAME (files right in firmware/ to "firmware"); the library
    /// comes first, the rest in name order.</summary>
    public static IEnumerable<(string Name, List<SourceFile> Files)> FirmwareProjects(IEnumerable<SourceFile> firmware)
    {
        return firmware
            .GroupBy(f =>
            {
                string rest = f.Path.Substring(DeviceSources.FirmwareFolder.Length + 1);
                int slash = rest.IndexOf('/');
                return slash < 0 ? DeviceSources.FirmwareFolder : rest.Substring(0, slash);
            })
            .OrderBy(g => g.Key == LibraryAssembly ? 0 : 1 + DependencyDepth(g.Key, 0))
            .ThenBy(g => g.Key, System.StringComparer.Ordinal)
            .Select(g => (g.Key, g.ToList()));
    }

    private static readonly Regex SelectedBoardSource = new(@"<HssSelectedBoardSource>(.*?)</HssSelectedBoardSource>", RegexOptions.Singleline | RegexOptions.CultureInvariant);

    /// <summary>The class firmware/HssDevice.App/HssBoard.targets writes at build time (SelectedBoard), made from the
    /// same template, so code that uses it is checked like the real build sees it.</summary>
    public static SourceFile GeneratedSelectedBoard()
    {
        string targets = File.ReadAllText(Path.Combine(RepositoryPaths.Root, DeviceSources.FirmwareFolder, ApplicationAssembly, "HssBoard.targets"));
        string template = SelectedBoardSource.Match(targets).Groups[1].Value;
        string text = template.Replace("&lt;", "<").Replace("&gt;", ">").Replace("%3B", ";").Replace("$(HssBoard)", "esp32-s3");
        return new SourceFile(DeviceSources.FirmwareFolder + "/" + ApplicationAssembly + "/HssSelectedBoard.g.cs", text);
    }

    private static readonly Regex FirmwareProjectReference = new(@"<ProjectReference\s+Include=""\.\./([^/""]+)/", RegexOptions.CultureInvariant);

    /// <summary>How many firmware projects lie below this one (from its twin's ProjectReferences), so that a project
    /// is compiled after the ones it references.</summary>
    private static int DependencyDepth(string project, int guard)
    {
        string twin = Path.Combine(RepositoryPaths.Root, DeviceSources.FirmwareFolder, project, project + ".csproj");
        if (guard > 16 || !File.Exists(twin))
        {
            return 0;
        }

        int depth = 0;
        foreach (Match m in FirmwareProjectReference.Matches(File.ReadAllText(twin)))
        {
            depth = System.Math.Max(depth, 1 + DependencyDepth(m.Groups[1].Value, guard + 1));
        }

        return depth;
    }

    private static CSharpCompilation Create(string name, IEnumerable<SourceFile> files, CSharpParseOptions parseOptions, IEnumerable<MetadataReference> references)
    {
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Text, parseOptions, path: f.Path));
        var options = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Disable,
            allowUnsafe: false);
        return CSharpCompilation.Create(name, trees, references, options);
    }

    private static IEnumerable<Finding> Check(CSharpCompilation compilation)
    {
        var emit = compilation.Emit(Stream.Null);
        foreach (var diagnostic in emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            var span = diagnostic.Location.GetLineSpan();
            string file = diagnostic.Location.IsInSource ? span.Path : "(" + compilation.AssemblyName + ")";
            int line = diagnostic.Location.IsInSource ? span.StartLinePosition.Line + 1 : 0;
            yield return new Finding(file, line, diagnostic.Id, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var tree in compilation.SyntaxTrees)
        {
            foreach (var finding in GenericUseFinder.Find(compilation.GetSemanticModel(tree), tree.FilePath))
            {
                yield return finding;
            }
        }
    }
}
