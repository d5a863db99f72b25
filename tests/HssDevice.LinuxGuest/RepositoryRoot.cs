using System;
using System.IO;

namespace HssDevice.LinuxGuest;

/// <summary>The repository checkout the tests run from (found above the test assembly).</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string LinuxUsbTools => System.IO.Path.Combine(Path, "tools", "linux-usb");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "nf.props"))
                && File.Exists(System.IO.Path.Combine(dir.FullName, "tools", "linux-usb", "run-guest.sh")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("tools/linux-usb/run-guest.sh not found above " + AppContext.BaseDirectory);
    }
}
