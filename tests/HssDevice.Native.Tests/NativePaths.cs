namespace HssDevice.Native.Tests;

/// <summary>Where the native sources are (found above the test assembly) and where this run builds them (under the
/// test's own output, never in the source tree).</summary>
internal static class NativePaths
{
    public static string Root { get; } = FindRoot();

    public static string NativeSource => Path.Combine(Root, "firmware", "native");

    public static string TestSources => Path.Combine(NativeSource, "tests");

    public static string Fixtures => Path.Combine(TestSources, "fixtures");

    public static string BuildDirectory(NativeConfiguration configuration) =>
        Path.Combine(AppContext.BaseDirectory, "native-build", configuration.ToString().ToLowerInvariant());

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "nf.props")) &&
                File.Exists(Path.Combine(dir.FullName, "firmware", "native", "CMakeLists.txt")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("firmware/native/CMakeLists.txt not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>The two builds of the C tests.</summary>
public enum NativeConfiguration
{
    Plain,

    /// <summary>HSS_SANITIZE=ON: AddressSanitizer and UndefinedBehaviorSanitizer, any finding fatal.</summary>
    Sanitized,
}
