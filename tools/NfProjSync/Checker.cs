using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace HssDevice.Tools.NfProjSync;

/// <summary>One broken rule, with the file to fix and what to change.</summary>
public sealed record Problem(string File, string Message)
{
    public override string ToString() => File + ": " + Message;
}

/// <summary>
/// The rules that keep the nanoFramework build (which nobody can run here) in step with the net10.0 build that CI
/// runs: each .nfproj compiles exactly what its SDK-style twin compiles; a test .nfproj compiles every .cs in its
/// folder; packages.config, HintPaths and .nuspec dependencies use the versions nf.props pins; the nanoFramework
/// solution lists every .nfproj.
/// </summary>
public sealed partial class Checker
{
    public const string SolutionName = "HssDevice.nanoFramework.sln";
    public const string NanoFrameworkProjectType = "11A8DD76-328B-46DF-9F39-F559912D0360";
    public const string FixCommand = "tools/sync-nfproj.sh";

    public Checker(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public NfProps LoadNfProps() => NfProps.Load(Path.Combine(Root, "nf.props"));

    public IReadOnlyList<string> NfProjectPaths() => FilesUnderRoot("*.nfproj");

    public IReadOnlyList<string> NuspecPaths() => FilesUnderRoot("*.nuspec");

    public IReadOnlyList<Problem> CheckAll()
    {
        var problems = new List<Problem>();
        NfProps props = LoadNfProps();
        foreach (string path in NfProjectPaths())
        {
            NfProject project = NfProject.Load(path);
            problems.AddRange(CheckCompile(project));
            problems.AddRange(CheckPackages(project, props));
        }

        foreach (string nuspec in NuspecPaths())
        {
            problems.AddRange(CheckNuspec(nuspec, props));
        }

        problems.AddRange(CheckSolution());
        return problems;
    }

    public IReadOnlyList<Problem> CheckCompile(NfProject project)
    {
        var problems = new List<Problem>();
        if (!File.Exists(project.TwinPath))
        {
            problems.Add(new Problem(Display(project.Path), $"has no SDK-style twin {project.Name}.csproj beside it."));
            return problems;
        }

        IReadOnlyList<string> listed = project.CompileItems;
        var listedSet = new HashSet<string>(listed, StringComparer.Ordinal);
        var twin = TwinProject.CompileItems(project.TwinPath).Select(i => i.Path).ToList();
        var twinSet = new HashSet<string>(twin, StringComparer.Ordinal);

        var missing = twin.Where(f => !listedSet.Contains(f)).Distinct().OrderBy(f => f, StringComparer.Ordinal).ToList();
        var extra = listed.Where(f => !twinSet.Contains(f)).Distinct().OrderBy(f => f, StringComparer.Ordinal).ToList();
        var duplicates = listed.GroupBy(f => f).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (missing.Count > 0 || extra.Count > 0 || duplicates.Count > 0)
        {
            var text = new StringBuilder();
            text.Append($"does not compile the same files as its twin {project.Name}.csproj.");
            AppendCompileLines(text, "missing (the twin compiles them; add to the .nfproj)", missing);
            AppendCompileLines(text, "extra (the twin does not compile them; remove from the .nfproj)", extra);
            AppendCompileLines(text, "listed more than once", duplicates);
            text.Append($"\n  To fix: {FixCommand}");
            problems.Add(new Problem(Display(project.Path), text.ToString()));
        }

        if (project.IsTestProject)
        {
            var notCompiled = Paths.SourceFilesOnDisk(project.Directory).Where(f => !listedSet.Contains(f))
                .OrderBy(f => f, StringComparer.Ordinal).ToList();
            if (notCompiled.Count > 0)
            {
                var text = new StringBuilder("is a test project but does not compile every test file in its folder (the nanoFramework test adapter would silently skip their tests).");
                AppendCompileLines(text, "not compiled", notCompiled);
                text.Append($"\n  To fix: {FixCommand}");
                problems.Add(new Problem(Display(project.Path), text.ToString()));
            }
        }

        return problems;
    }

    public IReadOnlyList<Problem> CheckPackages(NfProject project, NfProps props)
    {
        var problems = new List<Problem>();
        string configDisplay = Display(project.PackagesConfigPath);
        if (!File.Exists(project.PackagesConfigPath))
        {
            problems.Add(new Problem(Display(project.Path), "has no packages.config beside it."));
            return problems;
        }

        var config = PackagesConfig(project.PackagesConfigPath);
        foreach (var (id, version) in config)
        {
            string? pinned = props.VersionOf(id);
            if (pinned == null)
            {
                problems.Add(new Problem(configDisplay, $"package {id} has no version in nf.props: add a property for it there and to NfProps.VersionProperties."));
            }
            else if (pinned != version)
            {
                problems.Add(new Problem(configDisplay, $"package {id} is {version} but nf.props pins {pinned}. To fix: {FixCommand}"));
            }
        }

        foreach (string hintPath in project.HintPaths)
        {
            Match m = PackageFolder().Match(hintPath.Replace('/', '\\'));
            if (!m.Success)
            {
                problems.Add(new Problem(Display(project.Path), $"HintPath {hintPath} does not point into a packages\\ID.VERSION\\ folder."));
                continue;
            }

            string id = m.Groups["id"].Value;
            string version = m.Groups["version"].Value;
            string? listed = config.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase)).Version;
            string? pinned = props.VersionOf(id);
            if (listed == null)
            {
                problems.Add(new Problem(Display(project.Path), $"HintPath {hintPath} uses package {id}, which packages.config does not list."));
            }
            else if (listed != version)
            {
                problems.Add(new Problem(Display(project.Path), $"HintPath {hintPath} uses {id} {version} but packages.config has {listed}. To fix: {FixCommand}"));
            }

            if (pinned != null && pinned != version && listed == version)
            {
                problems.Add(new Problem(Display(project.Path), $"HintPath {hintPath} uses {id} {version} but nf.props pins {pinned}. To fix: {FixCommand}"));
            }
        }

        return problems;
    }

    public IReadOnlyList<Problem> CheckNuspec(string nuspecPath, NfProps props)
    {
        var problems = new List<Problem>();
        XDocument xml = XDocument.Load(nuspecPath);
        foreach (XElement dependency in xml.Descendants().Where(e => e.Name.LocalName == "dependency"))
        {
            string id = (string?)dependency.Attribute("id") ?? "";
            string version = (string?)dependency.Attribute("version") ?? "";
            string? pinned = props.VersionOf(id);
            if (pinned != null && pinned != version)
            {
                problems.Add(new Problem(Display(nuspecPath), $"dependency {id} is {version} but nf.props pins {pinned}. To fix: {FixCommand}"));
            }
        }

        return problems;
    }

    public IReadOnlyList<Problem> CheckSolution()
    {
        var problems = new List<Problem>();
        string solution = Path.Combine(Root, SolutionName);
        if (!File.Exists(solution))
        {
            problems.Add(new Problem(SolutionName, "is missing: the nanoFramework tooling opens it."));
            return problems;
        }

        var listed = SolutionProjects(solution);
        foreach (string path in NfProjectPaths())
        {
            string relative = Paths.Relative(Root, path);
            NfProject project = NfProject.Load(path);
            var entry = listed.FirstOrDefault(p => p.Path == relative);
            if (entry.Path == null)
            {
                problems.Add(new Problem(SolutionName, $"does not list {relative} (add it with the nanoFramework project type {{{NanoFrameworkProjectType}}})."));
            }
            else if (entry.Guid != project.ProjectGuid)
            {
                problems.Add(new Problem(SolutionName, $"lists {relative} as {{{entry.Guid}}} but its ProjectGuid is {{{project.ProjectGuid}}}."));
            }
        }

        foreach (var (path, _) in listed.Where(p => !File.Exists(Path.Combine(Root, p.Path))))
        {
            problems.Add(new Problem(SolutionName, $"lists {path}, which does not exist."));
        }

        return problems;
    }

    public static List<(string Id, string Version)> PackagesConfig(string path) =>
        XDocument.Load(path).Descendants("package")
            .Select(p => ((string?)p.Attribute("id") ?? "", (string?)p.Attribute("version") ?? ""))
            .ToList();

    /// <summary>The nanoFramework projects a solution lists: path ('/' separators) and project GUID.</summary>
    public static List<(string Path, string Guid)> SolutionProjects(string solutionPath) =>
        SolutionProjectLine().Matches(File.ReadAllText(solutionPath))
            .Where(m => string.Equals(m.Groups["type"].Value, NanoFrameworkProjectType, StringComparison.OrdinalIgnoreCase))
            .Select(m => (Paths.Normalize(m.Groups["path"].Value), m.Groups["guid"].Value.ToUpperInvariant()))
            .ToList();

    [GeneratedRegex(@"packages\\(?<id>[A-Za-z][A-Za-z0-9_.-]*?)\.(?<version>\d+\.\d+\.\d+(?:\.\d+)?(?:-[0-9A-Za-z.-]+)?)\\")]
    internal static partial Regex PackageFolder();

    [GeneratedRegex(@"Project\(""\{(?<type>[0-9A-Fa-f-]+)\}""\)\s*=\s*""[^""]*"",\s*""(?<path>[^""]+)"",\s*""\{(?<guid>[0-9A-Fa-f-]+)\}""")]
    private static partial Regex SolutionProjectLine();

    private static void AppendCompileLines(StringBuilder text, string title, List<string> files)
    {
        if (files.Count == 0)
        {
            return;
        }

        text.Append($"\n  {title}:");
        foreach (string f in files)
        {
            text.Append($"\n    <Compile Include=\"{Paths.ToNfproj(f)}\" />");
        }
    }

    private IReadOnlyList<string> FilesUnderRoot(string pattern) =>
        Directory.EnumerateFiles(Root, pattern, SearchOption.AllDirectories)
            .Where(f =>
            {
                string r = Paths.Relative(Root, f);
                return !r.Split('/').Any(part => part is "bin" or "obj" or ".git" or "packages" or "node_modules");
            })
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();

    private string Display(string path) => Paths.Relative(Root, path);
}
