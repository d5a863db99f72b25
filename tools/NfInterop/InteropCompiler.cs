using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace HssDevice.Tools.NfInterop;

/// <summary>
/// Compiles a firmware project as its .nfproj builds it for nanoFramework: the files of its Compile list, C# 9,
/// NANOFRAMEWORK_1_0, Release, against nanoFramework's mscorlib, the repository's facades of the other nanoFramework
/// libraries and the firmware projects it references (compiled the same way first). The result is the IL assembly
/// the MetadataProcessor would read.
/// </summary>
public static class InteropCompiler
{
    /// <summary>The facades (tests/HssDevice.Compat.Tests/NanoFrameworkFacades) in an order where each needs only
    /// the ones before it.</summary>
    public static readonly IReadOnlyList<string> FacadeOrder = new[]
    {
        "System.IO.Streams",
        "nanoFramework.System.Collections",
        "nanoFramework.System.Text",
        "nanoFramework.Runtime.Events",
        "System.Device.UsbStream",
    };

    private static readonly Regex CompileItem = new(@"<Compile\s+Include=""([^""]+)""", RegexOptions.CultureInvariant);
    private static readonly Regex ProjectReference = new(@"<ProjectReference\s+Include=""([^""]+\.nfproj)""", RegexOptions.CultureInvariant);

    public static CSharpParseOptions ParseOptions { get; } =
        new(LanguageVersion.CSharp9, preprocessorSymbols: new[] { "NANOFRAMEWORK_1_0" });

    /// <summary>The Debug configuration's symbols: the firmware's table must fit a Debug deployment too.</summary>
    public static CSharpParseOptions DebugParseOptions { get; } =
        new(LanguageVersion.CSharp9, preprocessorSymbols: new[] { "NANOFRAMEWORK_1_0", "DEBUG", "TRACE" });

    /// <summary>mscorlib plus the facades, each facade compiled against mscorlib and the facades before it.</summary>
    public static IReadOnlyList<MetadataReference> NanoFrameworkReferences(string mscorlibPath, string facadeDirectory)
    {
        if (!File.Exists(mscorlibPath))
        {
            throw new FileNotFoundException("nanoFramework's mscorlib.dll (package nanoFramework.CoreLibrary) is missing", mscorlibPath);
        }

        var references = new List<MetadataReference> { MetadataReference.CreateFromFile(mscorlibPath) };
        foreach (string facade in FacadeOrder)
        {
            string path = Path.Combine(facadeDirectory, facade + ".cs");
            var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(path), new CSharpParseOptions(LanguageVersion.CSharp9), path);
            references.Add(Emit(facade, new[] { tree }, references));
        }

        return references;
    }

    /// <summary>The IL image of the project in <paramref name="nfproj"/> (a path under <paramref name="root"/>).</summary>
    public static byte[] CompileProject(string root, string nfproj, IReadOnlyList<MetadataReference> nanoFrameworkReferences, IReadOnlyList<SyntaxTree>? extraSources = null, CSharpParseOptions? parseOptions = null)
    {
        parseOptions ??= ParseOptions;
        var references = new List<MetadataReference>(nanoFrameworkReferences);
        string projectDirectory = Path.GetDirectoryName(Path.Combine(root, nfproj))!;
        string text = File.ReadAllText(Path.Combine(root, nfproj));
        foreach (Match reference in ProjectReference.Matches(text))
        {
            string referenced = Path.GetRelativePath(root, Path.GetFullPath(Path.Combine(projectDirectory, reference.Groups[1].Value.Replace('\\', '/'))));
            references.Add(MetadataReference.CreateFromImage(CompileProject(root, referenced, nanoFrameworkReferences, null, parseOptions)));
        }

        var trees = CompileItem.Matches(text)
            .Select(m => Path.Combine(projectDirectory, m.Groups[1].Value.Replace('\\', '/')))
            .Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), parseOptions, Path.GetRelativePath(root, path)))
            .Concat(extraSources ?? Array.Empty<SyntaxTree>())
            .ToList();
        string assemblyName = Regex.Match(text, "<AssemblyName>([^<]+)</AssemblyName>").Groups[1].Value;
        return EmitImage(assemblyName, trees, references);
    }

    private static MetadataReference Emit(string name, IEnumerable<SyntaxTree> trees, IEnumerable<MetadataReference> references) =>
        MetadataReference.CreateFromImage(EmitImage(name, trees, references), filePath: name + ".dll");

    private static byte[] EmitImage(string name, IEnumerable<SyntaxTree> trees, IEnumerable<MetadataReference> references)
    {
        var options = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            optimizationLevel: OptimizationLevel.Release,
            nullableContextOptions: NullableContextOptions.Disable,
            deterministic: true);
        var compilation = CSharpCompilation.Create(name, trees, references, options);
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (!result.Success || errors.Count > 0)
        {
            throw new InvalidOperationException($"{name} does not compile for nanoFramework:\n" + string.Join("\n", errors.Take(20)));
        }

        return image.ToArray();
    }
}
