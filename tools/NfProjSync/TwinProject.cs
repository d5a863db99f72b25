using System.Diagnostics;
using System.Text.Json;

namespace HssDevice.Tools.NfProjSync;

/// <summary>One file an SDK-style project compiles: its path relative to the project folder and its Link, if any.</summary>
public sealed record CompileItem(string Path, string? Link);

/// <summary>
/// The Compile items of an SDK-style project as MSBuild evaluates them (globs, excludes, imports and conditions
/// included), read with `dotnet msbuild -getItem:Compile`, so the check sees exactly what the net10.0 build compiles.
/// </summary>
public static class TwinProject
{
    public static IReadOnlyList<CompileItem> CompileItems(string csprojPath)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(csprojPath))!;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "msbuild", Path.GetFullPath(csprojPath), "-getItem:Compile", "-nologo" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet msbuild {csprojPath} -getItem:Compile failed ({process.ExitCode}):\n{stdout}\n{stderr.Result}");
        }

        using JsonDocument json = JsonDocument.Parse(stdout);
        var items = new List<CompileItem>();
        foreach (JsonElement item in json.RootElement.GetProperty("Items").GetProperty("Compile").EnumerateArray())
        {
            string fullPath = item.GetProperty("FullPath").GetString()!;
            string? link = item.TryGetProperty("Link", out JsonElement l) && l.GetString() is { Length: > 0 } s ? Paths.Normalize(s) : null;
            items.Add(new CompileItem(Paths.Relative(directory, fullPath), link));
        }

        return items;
    }
}

public static class MsBuildProperty
{
    /// <summary>A property of a project as MSBuild evaluates it (`dotnet msbuild -getProperty`).</summary>
    public static string Get(string projectPath, string name)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "msbuild", Path.GetFullPath(projectPath), "-getProperty:" + name, "-nologo" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet msbuild {projectPath} -getProperty:{name} failed:\n{stdout}\n{stderr.Result}");
        }

        return stdout.Trim();
    }
}
