namespace HssDevice.Host.Usb.Boards;

/// <summary>Finds and lists boards/*.json: next to the tool (copied at build) or in the repository above the working directory.</summary>
public static class BoardDirectory
{
    /// <summary>The boards folder to use: <paramref name="explicitPath"/> if given, else the first that exists.</summary>
    public static string Locate(string? explicitPath = null)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            if (!Directory.Exists(explicitPath))
            {
                throw new BoardFileException(explicitPath, "is not a directory");
            }

            return explicitPath;
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "boards");
            if (Directory.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "nf.props")))
            {
                return candidate;
            }
        }

        var besideTool = Path.Combine(AppContext.BaseDirectory, "boards");
        if (Directory.Exists(besideTool))
        {
            return besideTool;
        }

        throw new BoardFileException("boards/", "not found (no boards/ beside the tool or in a repository above the working directory)");
    }

    public static IReadOnlyList<string> Names(string directory) =>
        Directory.GetFiles(directory, "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>().OrderBy(n => n, StringComparer.Ordinal).ToList();

    /// <summary>Loads boards/NAME.json; an unknown name lists the known ones.</summary>
    public static BoardFile Load(string directory, string name)
    {
        var path = Path.Combine(directory, name + ".json");
        if (!File.Exists(path) || name.IndexOfAny(new[] { '/', '\\' }) >= 0)
        {
            throw new BoardFileException(name, $"does not exist in {directory}; boards: {string.Join(", ", Names(directory))}");
        }

        return BoardFile.Load(path);
    }
}
