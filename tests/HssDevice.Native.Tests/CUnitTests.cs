namespace HssDevice.Native.Tests;

/// <summary>Each C unit test of the native core as one xunit case, in the plain build and under ASan + UBSan.</summary>
public class CUnitTests
{
    public static TheoryData<string> Tests
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in CTestSources.Names())
            {
                data.Add(name);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Tests))]
    public void Plain(string test) => Check(NativeConfiguration.Plain, test);

    [Theory]
    [MemberData(nameof(Tests))]
    public void Sanitized(string test) => Check(NativeConfiguration.Sanitized, test);

    [Fact]
    public void Sources_declare_the_tests_of_every_program()
    {
        var names = CTestSources.Names();
        foreach (var program in new[] { "test_blob", "test_control", "test_command_pipe", "test_data_pipe", "test_link", "test_usbip_endpoints" })
        {
            Assert.True(names.Count(n => n.StartsWith(program + ".", StringComparison.Ordinal)) > 5, program + " has its tests");
        }
    }

    [Theory]
    [InlineData(NativeConfiguration.Plain)]
    [InlineData(NativeConfiguration.Sanitized)]
    public void Ctest_runs_exactly_the_tests_the_xunit_cases_name(NativeConfiguration configuration)
    {
        var run = NativeBuild.Get(configuration);
        Assert.True(run.SetupFailure == null, run.SetupFailure);
        var expected = CTestSources.Names().Order(StringComparer.Ordinal).ToArray();
        var ran = run.Results.Keys.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, ran);
    }

    [Fact]
    public void A_missing_tool_is_a_failure_naming_the_install_script()
    {
        string? empty = NativeBuild.MissingTool(Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid()));
        Assert.NotNull(empty);
        Assert.Contains("cmake not found", empty);
        Assert.Contains("run tools/install.sh", empty);
        Assert.Null(NativeBuild.MissingTool(Environment.GetEnvironmentVariable("PATH") ?? ""));
    }

    private static void Check(NativeConfiguration configuration, string test)
    {
        var run = NativeBuild.Get(configuration);
        Assert.True(run.SetupFailure == null, run.SetupFailure);
        Assert.True(run.Results.TryGetValue(test, out var outcome), $"ctest did not run {test} ({configuration})");
        Assert.True(outcome!.Passed, $"{test} failed ({configuration}):\n{outcome.Output}");
    }
}
