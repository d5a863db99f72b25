using System.Xml.Linq;

namespace HssDevice.Tools.NfProjSync;

/// <summary>What the consistency rules need from one .nfproj (old-style MSBuild XML, read as plain XML).</summary>
public sealed class NfProject
{
    public static readonly XNamespace MsBuild = "http://schemas.microsoft.com/developer/msbuild/2003";

    private NfProject(string path, XDocument xml)
    {
        Path = System.IO.Path.GetFullPath(path);
        Xml = xml;
    }

    public string Path { get; }

    public string Directory => System.IO.Path.GetDirectoryName(Path)!;

    public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);

    public XDocument Xml { get; }

    /// <summary>The SDK-style twin: the .csproj of the same name beside it.</summary>
    public string TwinPath => System.IO.Path.Combine(Directory, Name + ".csproj");

    public string PackagesConfigPath => System.IO.Path.Combine(Directory, "packages.config");

    public bool IsTestProject => string.Equals(Property("IsTestProject"), "true", StringComparison.OrdinalIgnoreCase);

    public string? ProjectGuid => Property("ProjectGuid")?.Trim('{', '}').ToUpperInvariant();

    /// <summary>Compile items as written, with '/' separators, relative to the project folder.</summary>
    public IReadOnlyList<string> CompileItems =>
        Xml.Descendants(MsBuild + "Compile").Select(e => Paths.Normalize((string?)e.Attribute("Include") ?? "")).ToList();

    public IReadOnlyList<string> HintPaths =>
        Xml.Descendants(MsBuild + "HintPath").Select(e => e.Value.Trim()).ToList();

    public static NfProject Load(string path) => new(path, XDocument.Load(path, LoadOptions.PreserveWhitespace));

    public string? Property(string name) => Xml.Descendants(MsBuild + name).Select(e => e.Value.Trim()).FirstOrDefault();
}

public static class Paths
{
    /// <summary>Project-relative path in one spelling: '/' separators, no leading "./".</summary>
    public static string Normalize(string path)
    {
        string p = path.Replace('\\', '/');
        while (p.StartsWith("./", StringComparison.Ordinal))
        {
            p = p[2..];
        }

        return p;
    }

    /// <summary>How an .nfproj spells a path (Visual Studio writes backslashes).</summary>
    public static string ToNfproj(string path) => Normalize(path).Replace('/', '\\');

    public static string Relative(string fromDirectory, string fullPath) =>
        Normalize(System.IO.Path.GetRelativePath(fromDirectory, fullPath));

    public static IEnumerable<string> SourceFilesOnDisk(string directory) =>
        System.IO.Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Select(f => Relative(directory, f))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal));
}
