using System;
using System.IO;

namespace HssDevice.Host;

/// <summary>
/// The process's file descriptors, as Linux reports them in /proc (the .NET runtime raises the soft open-file limit to
/// the hard one at start, so the soft limit read here is what the process really has). Elsewhere: unknown (null).
/// </summary>
public static class ProcessDescriptors
{
    /// <summary>The soft RLIMIT_NOFILE ("Max open files" in /proc/self/limits); null when unknown or unlimited.</summary>
    public static long? OpenFileLimit()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    continue;
                }

                string[] fields = line.Substring("Max open files".Length).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return fields.Length > 0 && long.TryParse(fields[0], out long soft) ? soft : null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>Descriptors open now (entries of /proc/self/fd); null when unknown.</summary>
    public static int? OpenNow()
    {
        try
        {
            return Directory.GetFileSystemEntries("/proc/self/fd").Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
