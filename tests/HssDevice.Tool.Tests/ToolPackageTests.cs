using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Xml.Linq;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.Tool.Tests;

/// <summary>
/// `hss` as a .NET tool package: packs tools/hss into a temporary folder (from the build this test assembly was
/// built with, --no-build), installs it with `dotnet tool install --tool-path` from that folder only (a NuGet config
/// of its own: no network), and runs the installed `hss` from a folder outside the repository, so that everything
/// it reads at run time must have come from the package.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ToolPackageTests : IDisposable
{
    private const string PackageId = "HssDevice.Tool";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    private readonly ITestOutputHelper _log;
    private readonly string _scratch = Directory.CreateTempSubdirectory("hss-tool-package-").FullName;

    public ToolPackageTests(ITestOutputHelper log) => _log = log;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public void Packed_tool_installs_and_runs_version_decode_and_descriptors_outside_the_repository()
    {
        string repository = FindRepository();
        string version = RepositoryVersion(repository);
        string configuration = typeof(Program).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        string packages = Path.Combine(_scratch, "packages");
        string toolPath = Path.Combine(_scratch, "tool");
        string elsewhere = Directory.CreateDirectory(Path.Combine(_scratch, "elsewhere")).FullName;

        Dotnet(repository, "pack", Path.Combine(repository, "tools", "hss", "hss.csproj"), "-c", configuration, "--no-build",
            "-o", packages, "-p:PublishDir=" + Path.Combine(_scratch, "publish") + Path.DirectorySeparatorChar);
        string package = Path.Combine(packages, $"{PackageId}.{version}.nupkg");
        Assert.True(File.Exists(package), $"dotnet pack made no {package}; made: {string.Join(", ", Directory.GetFiles(packages))}");
        AssertPackageHoldsTheBuildOutput(package, Path.Combine(repository, "tools", "hss", "bin", configuration, "net10.0"));

        string config = Path.Combine(_scratch, "nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        Dotnet(elsewhere, "tool", "install", "--tool-path", toolPath, "--configfile", config, PackageId, "--version", version);
        string hss = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "hss.exe" : "hss");
        Assert.True(File.Exists(hss), $"no command {hss} after dotnet tool install");

        var versionRun = Run(hss, elsewhere, "--version");
        Assert.Equal(0, versionRun.ExitCode);
        Assert.Equal(version, versionRun.Output.Trim());

        var decode = Run(hss, elsewhere, "decode", Examples.Open);
        Assert.Equal("", decode.Error);
        Assert.Equal(0, decode.ExitCode);
        var block = Assert.Single(TextBlock.Parse(decode.Output));
        Assert.Equal("OPEN", block.Fields["opcode"]);
        Assert.Equal("258 (0x0102)", block.Fields["msgId"]);
        Assert.Equal(ToolRun.Of("decode", Examples.Open).Output, decode.Output);

        // Outside the repository the board files can only come from the package (boards/ beside the tool).
        var descriptors = Run(hss, elsewhere, "descriptors", "--board", "esp32-s3");
        Assert.Equal(0, descriptors.ExitCode);
        Assert.Equal(ToolRun.Of("descriptors", "--board", "esp32-s3").Output, descriptors.Output);
    }

    /// <summary>Every file `hss` has beside it after a build (assemblies, boards/, linux-usb/, any native library a
    /// referenced project copies there) is in the package's tools folder, except the apphost, which the tool's shim
    /// replaces.</summary>
    private static void AssertPackageHoldsTheBuildOutput(string package, string buildOutput)
    {
        var built = Directory.GetFiles(buildOutput, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(buildOutput, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("publish/", StringComparison.Ordinal) && f != "hss" && f != "hss.exe")
            .ToList();
        Assert.Contains("boards/esp32-s3.json", built);
        Assert.Contains("linux-usb/60-hss.rules", built);

        using var zip = ZipFile.OpenRead(package);
        var packed = zip.Entries.Select(e => e.FullName).Where(n => n.StartsWith("tools/net10.0/any/", StringComparison.Ordinal))
            .Select(n => n.Substring("tools/net10.0/any/".Length)).ToHashSet();
        Assert.Contains("DotnetToolSettings.xml", packed);
        var missing = built.Where(f => !packed.Contains(f)).ToList();
        Assert.True(missing.Count == 0, "built beside hss but not in the package: " + string.Join(", ", missing));
    }

    private void Dotnet(string workingDirectory, params string[] args)
    {
        var run = Run(DotnetHost(), workingDirectory, args);
        Assert.True(run.ExitCode == 0, $"dotnet {string.Join(' ', args)} exited {run.ExitCode}:\n{run.Output}\n{run.Error}");
    }

    private ToolRun Run(string file, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The package cache of this run only: a package of the same version from an earlier run must not be reused.
        start.Environment["NUGET_PACKAGES"] = Path.Combine(_scratch, "nuget-cache");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // The tool's shim finds the runtime through DOTNET_ROOT: the one running this test.
        start.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(DotnetHost());
        // Spectre.Console would otherwise size output to a terminal that is not there.
        start.Environment["TERM"] = "dumb";

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not end within {CommandTimeout}");
        }

        var run = new ToolRun(process.ExitCode, output.Result, error.Result);
        _log.WriteLine($"$ {file} {string.Join(' ', args)} -> {run.ExitCode}\n{run.Output}{run.Error}");
        return run;
    }

    /// <summary>The dotnet that runs the tests (`dotnet test` sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return Path.GetFullPath(ResolveLink(host));
        }

        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(dir, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
            if (File.Exists(candidate))
            {
                return Path.GetFullPath(ResolveLink(candidate));
            }
        }

        throw new InvalidOperationException("no dotnet host: neither DOTNET_HOST_PATH nor PATH names one");
    }

    private static string ResolveLink(string path) => new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HssDevice.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("HssDevice.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The repository's one version: Directory.Build.props' Version.</summary>
    private static string RepositoryVersion(string repository)
    {
        var props = XDocument.Load(Path.Combine(repository, "Directory.Build.props"));
        var versions = props.Descendants("Version").Select(v => v.Value.Trim()).ToList();
        return Assert.Single(versions);
    }
}
