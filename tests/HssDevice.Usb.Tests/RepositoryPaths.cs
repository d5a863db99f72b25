namespace HssDevice.Usb.Tests;

/// <summary>The repository's boards/ folder (the source of truth), found above the test assembly.</summary>
internal static class RepositoryPaths
{
    public static string Boards { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "nf.props")) && Directory.Exists(Path.Combine(dir.FullName, "boards")))
            {
                return Path.Combine(dir.FullName, "boards");
            }
        }

        throw new InvalidOperationException("boards/ not found above " + AppContext.BaseDirectory);
    }
}
