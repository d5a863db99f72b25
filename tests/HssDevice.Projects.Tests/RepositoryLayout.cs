namespace HssDevice.Projects.Tests;

/// <summary>Where the repository is, and throwaway copies of it for tests that plant mistakes.</summary>
public static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Copies what the nanoFramework checks read (props, firmware, device tests, solution) to a temp folder.</summary>
    public static TempRepository Copy()
    {
        var temp = new TempRepository();
        foreach (string file in new[] { "nf.props", "Directory.Build.props", "HssDevice.nanoFramework.sln" })
        {
            File.Copy(PathOf(file), Path.Combine(temp.Root, file));
        }

        CopyTree(PathOf("firmware"), Path.Combine(temp.Root, "firmware"));
        CopyTree(PathOf("tests/NFUnitTest"), Path.Combine(temp.Root, "tests", "NFUnitTest"));
        return temp;
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (string dir in Directory.EnumerateDirectories(from))
        {
            string name = Path.GetFileName(dir);
            if (name is not ("bin" or "obj"))
            {
                CopyTree(dir, Path.Combine(to, name));
            }
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HssDevice.sln")) && File.Exists(Path.Combine(dir.FullName, "nf.props")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (HssDevice.sln + nf.props) not found above " + AppContext.BaseDirectory);
    }
}

public sealed class TempRepository : IDisposable
{
    public TempRepository()
    {
        Root = Path.Combine(Path.GetTempPath(), "hss-nfproj-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public void Edit(string relative, string find, string replace)
    {
        string path = PathOf(relative);
        string text = File.ReadAllText(path);
        if (!text.Contains(find, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{relative} does not contain {find}");
        }

        File.WriteAllText(path, text.Replace(find, replace, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; the test result is what matters.
        }
    }
}
