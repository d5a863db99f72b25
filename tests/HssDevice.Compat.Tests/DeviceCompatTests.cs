using System;
using System.Linq;
using HssDevice.Compat.Tests.Checks;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.Compat.Tests;

/// <summary>The real device code against nanoFramework 1.x: its real mscorlib and the facades of its other libraries.</summary>
public class DeviceCompatTests
{
    private readonly ITestOutputHelper _output;

    public DeviceCompatTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void Device_code_compiles_for_nanoFramework_1x()
    {
        var findings = CheckCache.Device.Findings;
        foreach (var finding in findings)
        {
            _output.WriteLine(finding.ToString());
        }

        Assert.True(findings.Count == 0, $"{findings.Count} nanoFramework 1.x problem(s):\n" + string.Join("\n", findings.Take(100)));
    }

    /// <summary>Keeps the check above from passing on nothing: both device folders hold code and the
    /// compilations saw every file.</summary>
    [Fact]
    public void Device_code_is_found_in_both_folders()
    {
        var firmware = DeviceSources.Firmware(RepositoryPaths.Root);
        var tests = DeviceSources.DeviceTests(RepositoryPaths.Root);
        Assert.Contains(firmware, f => f.Path.StartsWith("firmware/HssDevice/Wire/", StringComparison.Ordinal));
        Assert.Contains(tests, f => f.Path.StartsWith("tests/NFUnitTest/", StringComparison.Ordinal));
        Assert.DoesNotContain(firmware.Concat(tests), f => f.Path.Contains("/obj/") || f.Path.Contains("/bin/"));
        // Every firmware file, plus the SelectedBoard class the build generates for the application.
        Assert.Equal(firmware.Count + 1, CheckCache.Device.FirmwareProjects.Sum(p => p.SyntaxTrees.Count()));
        Assert.Contains(CheckCache.Device.FirmwareProjects, p => p.AssemblyName == DeviceCompiler.LibraryAssembly);
    }
}
