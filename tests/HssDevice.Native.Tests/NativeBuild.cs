using System.Diagnostics;
using System.Xml.Linq;

namespace HssDevice.Native.Tests;

/// <summary>One CTest test's result: its name (program.test), whether it passed, and what it printed.</summary>
internal sealed record CTestOutcome(string Name, bool Passed, string Output);

/// <summary>The outcome of configuring, building and running one configuration of the C tests.</summary>
internal sealed class CTestRun
{
    /// <summary>Why nothing ran (a tool missing, a build error), or null.</summary>
    public string? SetupFailure { get; init; }

    public IReadOnlyDictionary<string, CTestOutcome> Results { get; init; } = new Dictionary<string, CTestOutcome>();
}

/// <summary>
/// Configures, builds and runs the C tests with cmake, ninja and ctest, once per configuration per test run, one build
/// at a time. ctest runs them all in one go (two at once) and writes a JUnit report; each xunit case reads its test's
/// result from it. A missing tool is a setup failure that every case reports, never a skip.
/// </summary>
internal static class NativeBuild
{
    private static readonly object BuildGate = new();

    private static readonly Dictionary<NativeConfiguration, Lazy<CTestRun>> Runs = new()
    {
        [NativeConfiguration.Plain] = new Lazy<CTestRun>(() => Run(NativeConfiguration.Plain)),
        [NativeConfiguration.Sanitized] = new Lazy<CTestRun>(() => Run(NativeConfiguration.Sanitized)),
    };

    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(10);

    public static CTestRun Get(NativeConfiguration configuration) => Runs[configuration].Value;

    /// <summary>The first tool of the build missing from <paramref name="path"/> (a PATH value) as the failure
    /// every case reports, or null when all are there.</summary>
    public static string? MissingTool(string path)
    {
        foreach (var tool in new[] { "cmake", "ninja", "ctest", "cc" })
        {
            if (FindOnPath(tool, path) == null)
            {
                return $"{tool} not found on PATH: run tools/install.sh (it installs gcc, cmake, ninja-build and libcmocka-dev)";
            }
        }

        return null;
    }

    private static CTestRun Run(NativeConfiguration configuration)
    {
        lock (BuildGate)
        {
            string? missing = MissingTool(Environment.GetEnvironmentVariable("PATH") ?? "");
            if (missing != null)
            {
                return Failed(missing);
            }

            string build = NativePaths.BuildDirectory(configuration);
            Directory.CreateDirectory(build);
            var configure = Execute("cmake", build, "-S", NativePaths.NativeSource, "-B", build, "-G", "Ninja",
                "-DCMAKE_BUILD_TYPE=Debug", "-DHSS_SANITIZE=" + (configuration == NativeConfiguration.Sanitized ? "ON" : "OFF"));
            if (configure.ExitCode != 0)
            {
                string hint = configure.Output.Contains("cmocka", StringComparison.OrdinalIgnoreCase)
                    ? "cmocka not found: run tools/install.sh (Debian package libcmocka-dev)"
                    : "cmake could not configure firmware/native (run tools/install.sh?)";
                return Failed(hint + "\n" + configure.Output);
            }

            var compile = Execute("cmake", build, "--build", build);
            if (compile.ExitCode != 0)
            {
                return Failed("building firmware/native failed (warnings are errors):\n" + compile.Output);
            }

            string report = Path.Combine(build, "ctest-junit.xml");
            File.Delete(report);
            // Exit code 8 means "some tests failed": their cases report it; only a missing report is a setup failure.
            var tests = Execute("ctest", build, "--test-dir", build, "--output-junit", report, "-j", "2", "--timeout", "120");
            if (!File.Exists(report))
            {
                return Failed("ctest wrote no report:\n" + tests.Output);
            }

            return new CTestRun { Results = ReadReport(report) };
        }
    }

    private static Dictionary<string, CTestOutcome> ReadReport(string path)
    {
        var results = new Dictionary<string, CTestOutcome>(StringComparer.Ordinal);
        foreach (var testcase in XDocument.Load(path).Descendants("testcase"))
        {
            string name = (string?)testcase.Attribute("name") ?? "";
            bool passed = (string?)testcase.Attribute("status") == "run" && testcase.Element("failure") == null;
            string output = testcase.Element("system-out")?.Value ?? "";
            results[name] = new CTestOutcome(name, passed, output);
        }

        return results;
    }

    private static CTestRun Failed(string why) => new() { SetupFailure = why };

    private static string? FindOnPath(string tool, string path)
    {
        foreach (var dir in path.Split(Path.PathSeparator))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, tool)))
            {
                return Path.Combine(dir, tool);
            }
        }

        return null;
    }

    private static (int ExitCode, string Output) Execute(string tool, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Sanitizer findings stop the test program with a report (the build adds -fno-sanitize-recover=all).
        start.Environment["ASAN_OPTIONS"] = "halt_on_error=1:detect_leaks=1";
        start.Environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + tool);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(StepTimeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{tool} timed out after {StepTimeout.TotalMinutes} minutes");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
