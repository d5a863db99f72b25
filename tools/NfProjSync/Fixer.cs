using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace HssDevice.Tools.NfProjSync;

/// <summary>
/// Rewrites what the checker compares: the Compile list of each .nfproj from its twin (sorted, backslashes, Link
/// kept for files outside the folder), and the package versions in packages.config, HintPaths and .nuspec files
/// from nf.props. Everything else in those files is left as written.
/// </summary>
public sealed class Fixer
{
    private readonly Checker _checker;

    public Fixer(Checker checker)
    {
        _checker = checker;
    }

    /// <summary>Returns the files it changed.</summary>
    public IReadOnlyList<string> FixAll()
    {
        var changed = new List<string>();
        NfProps props = _checker.LoadNfProps();
        foreach (string path in _checker.NfProjectPaths())
        {
            if (FixCompile(path))
            {
                changed.Add(path);
            }

            if (FixVersions(path, props, HintPathVersion))
            {
                changed.Add(path);
            }

            string config = Path.Combine(Path.GetDirectoryName(path)!, "packages.config");
            if (File.Exists(config) && FixVersions(config, props, PackagesConfigVersion))
            {
                changed.Add(config);
            }
        }

        foreach (string nuspec in _checker.NuspecPaths())
        {
            if (FixVersions(nuspec, props, NuspecDependencyVersion))
            {
                changed.Add(nuspec);
            }
        }

        return changed.Distinct().Select(p => Paths.Relative(_checker.Root, p)).ToList();
    }

    public static bool FixCompile(string nfprojPath)
    {
        NfProject project = NfProject.Load(nfprojPath);
        if (!File.Exists(project.TwinPath))
        {
            return false;
        }

        var wanted = TwinProject.CompileItems(project.TwinPath)
            .GroupBy(i => i.Path).Select(g => g.First())
            .OrderBy(i => Paths.ToNfproj(i.Path), StringComparer.OrdinalIgnoreCase)
            .ToList();
        var current = project.Xml.Descendants(NfProject.MsBuild + "Compile").ToList();
        if (current.Select(e => Paths.Normalize((string?)e.Attribute("Include") ?? "")).SequenceEqual(wanted.Select(i => i.Path)))
        {
            return false;
        }

        XNamespace ns = NfProject.MsBuild;
        XElement? group = current.FirstOrDefault()?.Parent;
        if (group == null)
        {
            // No Compile items yet: fill an empty ItemGroup, or add one before the references.
            group = project.Xml.Root!.Elements(ns + "ItemGroup").FirstOrDefault(g => !g.Elements().Any());
            if (group == null)
            {
                group = new XElement(ns + "ItemGroup");
                XElement anchor = project.Xml.Root!.Elements(ns + "ItemGroup").FirstOrDefault(g => g.Elements(ns + "Reference").Any())
                    ?? project.Xml.Root!.Elements().Last();
                anchor.AddBeforeSelf(group, new XText("\n  "));
            }
        }

        foreach (XElement e in current)
        {
            if (e.PreviousNode is XText { Value: var ws } text && string.IsNullOrWhiteSpace(ws))
            {
                text.Remove();
            }

            e.Remove();
        }

        group.RemoveNodes();
        foreach (CompileItem item in wanted)
        {
            var compile = new XElement(ns + "Compile", new XAttribute("Include", Paths.ToNfproj(item.Path)));
            if (item.Link != null && item.Path.StartsWith("../", StringComparison.Ordinal))
            {
                compile.Add(new XText("\n      "), new XElement(ns + "Link", Paths.ToNfproj(item.Link)), new XText("\n    "));
            }

            group.Add(new XText("\n    "), compile);
        }

        group.Add(new XText("\n  "));
        Save(project.Xml, nfprojPath);
        return true;
    }

    private static bool FixVersions(string path, NfProps props, Func<string, Regex> pattern)
    {
        string text = File.ReadAllText(path);
        string updated = text;
        foreach (string id in NfProps.VersionProperties.Keys)
        {
            string? version = props.VersionOf(id);
            if (version != null)
            {
                updated = pattern(id).Replace(updated, m => m.Groups["before"].Value + version + m.Groups["after"].Value);
            }
        }

        if (updated == text)
        {
            return false;
        }

        File.WriteAllText(path, updated, new UTF8Encoding(false));
        return true;
    }

    private static Regex HintPathVersion(string id) =>
        new(@"(?<before>packages\\" + Regex.Escape(id) + @"\.)\d+\.\d+\.\d+(?:\.\d+)?(?:-[0-9A-Za-z.-]+)?(?<after>\\)", RegexOptions.IgnoreCase);

    private static Regex PackagesConfigVersion(string id) =>
        new(@"(?<before><package\s+id=""" + Regex.Escape(id) + @"""\s+version="")[^""]*(?<after>"")", RegexOptions.IgnoreCase);

    private static Regex NuspecDependencyVersion(string id) =>
        new(@"(?<before><dependency\s+id=""" + Regex.Escape(id) + @"""\s+version="")[^""]*(?<after>"")", RegexOptions.IgnoreCase);

    private static void Save(XDocument xml, string path)
    {
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), OmitXmlDeclaration = xml.Declaration == null };
        using (var writer = XmlWriter.Create(path, settings))
        {
            xml.Save(writer);
        }

        // The document keeps the whitespace after its root as loaded: end the file with exactly one newline, so
        // repeated runs do not grow it.
        File.WriteAllText(path, File.ReadAllText(path).TrimEnd() + "\n", new UTF8Encoding(false));
    }
}
