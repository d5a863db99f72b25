using System.Text.RegularExpressions;

namespace HssDevice.Native.Tests;

/// <summary>
/// The CTest tests, read from the C sources the way firmware/native/tests/CMakeLists.txt registers them: each
/// indented cmocka_unit_test...(NAME or T(NAME line of a test_*.c array is the test program.NAME, plus one
/// program.registered per program. Read without cmake, so discovery works (and fails loudly) on any machine.
/// </summary>
internal static partial class CTestSources
{
    [GeneratedRegex(@"^ +(cmocka_unit_test[a-z_]*|T)\(([a-z0-9_]+)", RegexOptions.Multiline)]
    private static partial Regex TestLine();

    public static IReadOnlyList<string> Names()
    {
        var names = new List<string>();
        // The core's tests, then each port's (firmware/native/ports/NAME/tests, registered the same way).
        var ports = Path.Combine(NativePaths.NativeSource, "ports");
        var folders = new[] { NativePaths.TestSources }.Concat(Directory.Exists(ports)
            ? Directory.GetDirectories(ports).Select(p => Path.Combine(p, "tests")).Where(Directory.Exists).Order(StringComparer.Ordinal)
            : Enumerable.Empty<string>());
        foreach (var file in folders.SelectMany(f => Directory.GetFiles(f, "test_*.c").Order(StringComparer.Ordinal)))
        {
            string program = Path.GetFileNameWithoutExtension(file);
            if (program is "test_blobs")
            {
                continue; // the blob writer the tests share, not a test program
            }

            foreach (Match match in TestLine().Matches(File.ReadAllText(file)))
            {
                names.Add(program + "." + match.Groups[2].Value);
            }

            names.Add(program + ".registered");
        }

        return names;
    }
}
