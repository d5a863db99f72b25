using System.Collections.Generic;
using System.IO;
using System.Linq;
using HssDevice.Compat.Tests.Facades;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace HssDevice.Compat.Tests.Checks;

/// <summary>The device code compiled as nanoFramework 1.x builds it.</summary>
public sealed class DeviceCompileResult
{
    public required IReadOnlyList<Finding> Findings { get; init; }

    /// <summary>The firmware compilation of the Release configuration, for the layer check.</summary>
    public required CSharpCompilation Firmware { get; init; }
}

/// <summary>Compiles firmware/ as one assembly and tests/NFUnitTest/ as a second one referencing it, both against
/// the facades only, with C# 9 and NANOFRAMEWORK_1_0, in the Release and the Debug symbol sets (code under
/// #if DEBUG is device code too). Emits to nowhere so that errors the compiler finds only while lowering
/// (a missing member it needs for <c>lock</c>, string <c>switch</c>, ...) are reported as well.</summary>
public static class DeviceCompiler
{
    public const string FirmwareAssembly = "HssDevice";
    public const string DeviceTestsAssembly = "NFUnitTest";

    public static readonly IReadOnlyList<string[]> Configurations = new[]
    {
        new[] { "NANOFRAMEWORK_1_0" },
        new[] { "NANOFRAMEWORK_1_0", "DEBUG", "TRACE" },
    };

    public static DeviceCompileResult Compile(FacadeSet facades, IReadOnlyList<SourceFile> firmware, IReadOnlyList<SourceFile> deviceTests)
    {
        var findings = new List<Finding>();
        CSharpCompilation? releaseFirmware = null;
        foreach (string[] symbols in Configurations)
        {
            var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp9, preprocessorSymbols: symbols);
            var firmwareCompilation = Create(FirmwareAssembly, firmware, parseOptions, facades.References);
            releaseFirmware ??= firmwareCompilation;
            findings.AddRange(Check(firmwareCompilation));
            if (deviceTests.Count > 0)
            {
                var references = facades.References.Append(firmwareCompilation.ToMetadataReference());
                findings.AddRange(Check(Create(DeviceTestsAssembly, deviceTests, parseOptions, references)));
            }
        }

        var distinct = findings
            .Distinct()
            .OrderBy(f => f.File, System.StringComparer.Ordinal)
            .ThenBy(f => f.Line)
            .ThenBy(f => f.Code, System.StringComparer.Ordinal)
            .ToList();
        return new DeviceCompileResult { Findings = distinct, Firmware = releaseFirmware! };
    }

    /// <summary>Checks one more file compiled on its own (Release symbols) against the facades and the already
    /// compiled <paramref name="firmware"/>, as a firmware file or as a device test would see them.</summary>
    public static IReadOnlyList<Finding> CompileBeside(FacadeSet facades, CSharpCompilation firmware, SourceFile file)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp9, preprocessorSymbols: Configurations[0]);
        var references = facades.References.Append(firmware.ToMetadataReference());
        return Check(Create("Planted", new[] { file }, parseOptions, references)).Distinct().ToList();
    }

    /// <summary>The firmware alone, Release symbols, without checking it: what the layer check reads.</summary>
    public static CSharpCompilation CompileFirmware(FacadeSet facades, IReadOnlyList<SourceFile> firmware)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp9, preprocessorSymbols: Configurations[0]);
        return Create(FirmwareAssembly, firmware, parseOptions, facades.References);
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
