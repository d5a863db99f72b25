using System;
using System.IO;

namespace HssDevice.Compat.Tests;

/// <summary>Where the repository and the shared material sit, found from the test's base directory.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);
    private static readonly Lazy<string> LazyShared = new(FindShared);

    /// <summary>The directory holding HssDevice.sln.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary><c>ROOT/../shared</c> (in CI it sits beside the clone). A git worktree kept one level deeper
    /// (<c>wt/NAME</c>) finds it further up; HSS_SHARED_DIR overrides both.</summary>
    public static string Shared => LazyShared.Value;

    public static string NanoFrameworkApi => Path.Combine(Shared, "nanoframework-api");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HssDevice.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"HssDevice.sln not found above {AppContext.BaseDirectory}");
    }

    private static string FindShared()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("HSS_SHARED_DIR");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (var dir = new DirectoryInfo(Root).Parent; dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "nanoframework-api")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"shared/nanoframework-api not found beside {Root} or above it");
    }
}
