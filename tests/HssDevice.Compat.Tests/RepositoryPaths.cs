using System;
using System.IO;

namespace HssDevice.Compat.Tests;

/// <summary>Where the repository and the nanoFramework assemblies sit, found from the test's base directory.
/// Everything is inside the repository or restored by NuGet: nothing outside the clone is read.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The directory holding HssDevice.sln.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>The project's facades of the nanoFramework libraries NuGet does not serve here.</summary>
    public static string NanoFrameworkFacades => Path.Combine(Root, "tests", "HssDevice.Compat.Tests", "NanoFrameworkFacades");

    /// <summary>nanoFramework's real mscorlib, copied beside the tests from the nanoFramework.CoreLibrary package
    /// (the version nf.props pins; see the .csproj).</summary>
    public static string NanoFrameworkMscorlib => Path.Combine(AppContext.BaseDirectory, "nanoFramework", "mscorlib.dll");

    /// <summary>The same package's mscorlib.pe: nanoFramework's MetadataProcessor's output for that mscorlib.dll.</summary>
    public static string NanoFrameworkMscorlibPe => Path.ChangeExtension(NanoFrameworkMscorlib, ".pe");

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
}
