using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;

namespace HssDevice.Capture.Tests;

/// <summary>Runs Debian's tshark with tools/wireshark/hss.lua on a capture and returns the fields asked for, one row per
/// frame that has HSS in it. A missing tshark fails the test with the way to install it (never a skip).</summary>
public static class Tshark
{
    public static string RepositoryRoot
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir != null && !File.Exists(Path.Combine(dir, "HssDevice.sln")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            return dir ?? throw new InvalidOperationException("HssDevice.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Dissector => Path.Combine(RepositoryRoot, "tools", "wireshark", "hss.lua");

    /// <summary>Rows of the fields (tab-separated by tshark; several occurrences in one frame comma-separated) for the
    /// frames matching <paramref name="filter"/>; both passes (-2), so answers know their requests and requests their answers.</summary>
    public static List<Dictionary<string, string>> Fields(string capture, string filter, params string[] fields)
    {
        var arguments = new List<string> { "-X", "lua_script:" + Dissector, "-r", capture, "-2", "-Y", filter, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,", "-e", "frame.number" };
        foreach (string field in fields)
        {
            arguments.Add("-e");
            arguments.Add(field);
        }

        string output = Run(arguments);
        var rows = new List<Dictionary<string, string>>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] values = line.TrimEnd('\r').Split('\t');
            var row = new Dictionary<string, string>();
            row["frame.number"] = values[0];
            for (int i = 0; i < fields.Length; i++)
            {
                row[fields[i]] = i + 1 < values.Length ? values[i + 1] : "";
            }

            rows.Add(row);
        }

        return rows;
    }

    public static string Run(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("tshark") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("tshark is not installed (tools/install.sh installs it): " + e.Message);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(120_000), "tshark did not finish in 120 s");
            string errors = stderr.Result;
            // tshark warns when run as root; a Lua error in the dissector is printed on stderr and must fail the test.
            string[] problems = errors.Split('\n').Where(l => l.Trim().Length > 0 && !l.Contains("Running as user \"root\"") && !l.Contains("could be dangerous")).ToArray();
            Assert.True(process.ExitCode == 0 && problems.Length == 0, $"tshark exit {process.ExitCode}: {string.Join("\n", problems)}");
            return stdout;
        }
    }
}
