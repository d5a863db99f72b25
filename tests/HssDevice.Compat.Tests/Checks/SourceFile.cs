using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace HssDevice.Compat.Tests.Checks;

/// <summary>A C# file by its repository-relative path (forward slashes) and its text.</summary>
public sealed record SourceFile(string Path, string Text);

/// <summary>The device code: every .cs under firmware/ and tests/NFUnitTest/, bin/ and obj/ left out.</summary>
public static class DeviceSources
{
    public const string FirmwareFolder = "firmware";
    public const string DeviceTestsFolder = "tests/NFUnitTest";

    public static IReadOnlyList<SourceFile> Firmware(string root) => Collect(root, FirmwareFolder);

    public static IReadOnlyList<SourceFile> DeviceTests(string root) => Collect(root, DeviceTestsFolder);

    private static IReadOnlyList<SourceFile> Collect(string root, string folder)
    {
        string directory = System.IO.Path.Combine(root, folder);
        if (!Directory.Exists(directory))
        {
            return Array.Empty<SourceFile>();
        }

        return Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Select(file => System.IO.Path.GetRelativePath(root, file).Replace('\\', '/'))
            .Where(relative => !relative.Substring(folder.Length).Split('/').Any(segment => segment is "bin" or "obj"))
            .OrderBy(relative => relative, StringComparer.Ordinal)
            .Select(relative => new SourceFile(relative, File.ReadAllText(System.IO.Path.Combine(root, relative))))
            .ToList();
    }
}
