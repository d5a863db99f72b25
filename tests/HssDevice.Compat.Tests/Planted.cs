using System;
using System.Collections.Generic;
using System.Linq;
using HssDevice.Compat.Tests.Checks;

namespace HssDevice.Compat.Tests;

/// <summary>Compiles a planted file with the device code and returns what the checks report for it. The line to
/// be reported carries the comment <c>// planted</c>.</summary>
internal static class Planted
{
    public const string Marker = "// planted";

    /// <summary>The planted file in the same compilation as a fresh copy of all device code (the device tests'
    /// compilation when <paramref name="path"/> is under tests/NFUnitTest), both symbol sets: the full check.</summary>
    public static IReadOnlyList<Finding> CompatFindingsAlongside(string path, string text)
    {
        var firmware = DeviceSources.Firmware(RepositoryPaths.Root).ToList();
        var tests = DeviceSources.DeviceTests(RepositoryPaths.Root).ToList();
        var planted = new SourceFile(path, text);
        if (path.StartsWith(DeviceSources.DeviceTestsFolder + "/", StringComparison.Ordinal))
        {
            tests.Add(planted);
        }
        else
        {
            firmware.Add(planted);
        }

        return DeviceCompiler.Compile(CheckCache.Facades, firmware, tests).Findings.Where(f => f.File == path).ToList();
    }

    /// <summary>The planted file compiled on its own against the facades and the cached firmware: the same
    /// checks, a fraction of the time.</summary>
    public static IReadOnlyList<Finding> CompatFindings(string path, string text) =>
        DeviceCompiler.CompileBeside(CheckCache.Facades, CheckCache.Device.FirmwareProjects, new SourceFile(path, text));

    /// <summary>The planted file compiled beside the cached firmware/HssDevice library; the layer check reads the
    /// planted file's uses (it carries the folder the path names).</summary>
    public static IReadOnlyList<Finding> LayerFindings(string path, string text)
    {
        var compilation = DeviceCompiler.CreateBeside(CheckCache.Facades, new[] { CheckCache.Device.Library }, new SourceFile(path, text));
        return LayerChecker.Check(compilation).Where(f => f.File == path).ToList();
    }

    /// <summary>1-based line of the <see cref="Marker"/> comment.</summary>
    public static int MarkedLine(string text)
    {
        var lines = text.Split('\n');
        int index = Array.FindIndex(lines, l => l.Contains(Marker, StringComparison.Ordinal));
        if (index < 0)
        {
            throw new ArgumentException("planted text has no " + Marker + " line");
        }

        return index + 1;
    }
}
