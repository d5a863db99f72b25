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
        foreach (var file in Directory.GetFiles(NativePaths.TestSources, "test_*.c").Order(StringComparer.Ordinal))
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
