using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace HssDevice.Compat.Tests.Facades;

/// <summary>One compiled facade assembly and the file it was compiled from.</summary>
public sealed record Facade(string Name, string SourcePath, CSharpCompilation Compilation, MetadataReference Reference);

/// <summary>nanoFramework's real mscorlib plus the facades of the other libraries, and what went wrong on the way.</summary>
public sealed class FacadeSet
{
    /// <summary>nanoFramework's mscorlib (package nanoFramework.CoreLibrary): the core library of every compile.</summary>
    public required MetadataReference CoreLibrary { get; init; }

    public required IReadOnlyList<Facade> Facades { get; init; }

    /// <summary>Errors of the facade compilations themselves; correct facades leave none.</summary>
    public required IReadOnlyList<string> Errors { get; init; }

    public IEnumerable<MetadataReference> References => Facades.Select(f => f.Reference).Prepend(CoreLibrary);
}

/// <summary>
/// Compiles the facades in tests/HssDevice.Compat.Tests/NanoFrameworkFacades (one file per nanoFramework library
/// that NuGet does not serve here, written by this project from the library's public API) against nanoFramework's
/// real mscorlib, in memory. Each facade references mscorlib and the facades compiled before it.
/// </summary>
public static class FacadeBuilder
{
    /// <summary>The facades in build order: System.Device.UsbStream derives from System.IO.Streams' Stream.</summary>
    public static readonly IReadOnlyList<string> Libraries = new[]
    {
        "System.IO.Streams",
        "nanoFramework.System.Collections",
        "nanoFramework.System.Text",
        "nanoFramework.Runtime.Events",
        "System.Device.UsbStream",
        "nanoFramework.TestFramework",
    };

    public static FacadeSet Build(string mscorlibPath, string facadeDirectory)
    {
        if (!File.Exists(mscorlibPath))
        {
            throw new FileNotFoundException("nanoFramework's mscorlib.dll is not beside the tests (restore of nanoFramework.CoreLibrary?)", mscorlibPath);
        }

        var coreLibrary = MetadataReference.CreateFromFile(mscorlibPath);
        var built = new List<Facade>();
        var errors = new List<string>();
        foreach (string library in Libraries)
        {
            string path = Path.Combine(facadeDirectory, library + ".cs");
            var references = built.Select(f => f.Reference).Prepend(coreLibrary);
            var compilation = Compile(library, File.ReadAllText(path), path, references);
            using var image = new MemoryStream();
            var result = compilation.Emit(image);
            foreach (var diagnostic in result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
            {
                errors.Add($"{library} facade line {diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1}: {diagnostic.Id} {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");
            }

            built.Add(new Facade(library, path, compilation, MetadataReference.CreateFromImage(image.ToArray(), filePath: library + ".dll")));
        }

        return new FacadeSet { CoreLibrary = coreLibrary, Facades = built, Errors = errors };
    }

    private static CSharpCompilation Compile(string assembly, string source, string path, IEnumerable<MetadataReference> references)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.CSharp9), path: path);
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable);
        return CSharpCompilation.Create(assembly, new[] { tree }, references, options);
    }
}
