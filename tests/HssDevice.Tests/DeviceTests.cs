using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace HssDevice.Tests;

/// <summary>Every device test of NFUnitTest (nanoFramework.TestFramework style) as one xunit case each.</summary>
public class DeviceTests : IClassFixture<DeviceTests.CleanupFixture>
{
    private static readonly Dictionary<string, NanoTestCase> Cases =
        NanoTestRunner.Discover(typeof(HssDevice.Tests.Device.DeviceTestsAssembly).Assembly).ToDictionary(c => c.ToString());

    public static IEnumerable<object[]> Names => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Names))]
    public void Run(string name) => NanoTestRunner.Run(Cases[name]);

    public sealed class CleanupFixture : IDisposable
    {
        public void Dispose() => NanoTestRunner.CleanupAll();
    }
}

/// <summary>A device test that the runner does not discover never runs: count them from the source too.</summary>
public class DeviceTestDiscoveryTests
{
    [Fact]
    public void Every_TestMethod_in_the_device_test_sources_is_discovered()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "HssDevice.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("HssDevice.sln not found");
        }

        int inSource = Directory.EnumerateFiles(Path.Combine(root, "tests", "NFUnitTest"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar) && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar))
            .Sum(f => System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(f), @"^\s*\[TestMethod\]", System.Text.RegularExpressions.RegexOptions.Multiline).Count);
        int discovered = NanoTestRunner.Discover(typeof(HssDevice.Tests.Device.DeviceTestsAssembly).Assembly)
            .Select(c => c.Method).Distinct().Count();
        Assert.True(inSource > 50, "expected the device tests' sources");
        Assert.Equal(inSource, discovered);
    }
}
