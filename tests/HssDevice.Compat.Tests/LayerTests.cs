using System.Collections.Generic;
using System.Linq;
using HssDevice.Compat.Tests.Checks;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.Compat.Tests;

/// <summary>One-way folder dependencies inside firmware/HssDevice (see LayerChecker.MayUse).</summary>
public class LayerTests
{
    private readonly ITestOutputHelper _output;

    public LayerTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void Firmware_folders_depend_one_way()
    {
        var findings = LayerChecker.Check(CheckCache.Device.Library);
        Report(findings);
        Assert.True(findings.Count == 0, $"{findings.Count} layer violation(s):\n" + string.Join("\n", findings.Take(100)));
    }

    /// <summary>Keeps the check above from passing on nothing: it sees the real folders.</summary>
    [Fact]
    public void Firmware_files_are_in_known_layers()
    {
        var layers = CheckCache.Device.Library.SyntaxTrees
            .Select(t => LayerChecker.LayerOf(t.FilePath))
            .Where(l => l != null)
            .ToHashSet();
        Assert.Contains("Wire", layers);
        Assert.Contains("Errors", layers);
        Assert.Contains("Transport", layers);
        Assert.Contains("Engine", layers);
        Assert.Contains("Sockets", layers);
    }

    [Fact]
    public void Planted_Wire_using_Errors_is_reported()
    {
        AssertReported("firmware/HssDevice/Wire/PlantedWire.cs", @"
namespace HssDevice.Wire
{
    internal static class PlantedWire
    {
        internal static readonly System.Type Kind = typeof(HssDevice.SocketError); // planted
    }
}", "Wire may not use Errors");
    }

    [Fact]
    public void Planted_Transport_using_Wire_is_reported()
    {
        AssertReported("firmware/HssDevice/Transport/PlantedTransport.cs", @"
using HssDevice.Wire;

namespace HssDevice.Transport
{
    internal static class PlantedTransport
    {
        internal static int Size()
        {
            return HssLayout.HeaderSize; // planted
        }
    }
}", "Transport may not use Wire");
    }

    /// <summary>A using directive alone is a dependency when every type of that namespace is out of bounds.</summary>
    [Fact]
    public void Planted_using_of_a_forbidden_namespace_is_reported()
    {
        AssertReported("firmware/HssDevice/Wire/PlantedUsing.cs", @"
using HssDevice.Transport; // planted

namespace HssDevice.Wire
{
    internal static class PlantedUsing
    {
    }
}", "Wire may not use Transport");
    }

    [Fact]
    public void Planted_Usb_using_Transport_is_reported()
    {
        AssertReported("firmware/HssDevice/Usb/PlantedUsb.cs", @"
namespace HssDevice.Usb
{
    internal static class PlantedUsb
    {
        internal static HssDevice.Transport.IHssLink Link; // planted
    }
}", "Usb may not use Transport");
    }

    [Fact]
    public void Planted_file_outside_the_layer_folders_is_reported()
    {
        var findings = Planted.LayerFindings("firmware/HssDevice/Misc/Planted.cs", "namespace HssDevice { internal static class Misc { } }");
        Report(findings);
        Assert.Contains(findings, f => f.Code == LayerChecker.UnknownFolderCode);
    }

    /// <summary>Errors may use Wire, Usb may use Wire and Errors: allowed directions are not reported.</summary>
    [Fact]
    public void Planted_allowed_directions_pass()
    {
        var findings = Planted.LayerFindings("firmware/HssDevice/Errors/PlantedErrors.cs", @"
using HssDevice.Wire;

namespace HssDevice
{
    internal static class PlantedErrors
    {
        internal static int Size = HssLayout.HeaderSize;
    }
}").Concat(Planted.LayerFindings("firmware/HssDevice/Usb/PlantedUsb.cs", @"
namespace HssDevice.Usb
{
    internal static class PlantedUsb
    {
        internal static int Size = HssDevice.Wire.HssLayout.HeaderSize;
        internal static System.Type Kind = typeof(HssDevice.SocketError);
    }
}")).ToList();
        Report(findings);
        Assert.Empty(findings);
    }

    [Fact]
    public void Link_assemblies_use_only_the_library_layers_links_may()
    {
        foreach (var (assembly, allowed) in LayerChecker.LinkAssemblyMayUse)
        {
            var project = CheckCache.Device.FirmwareProjects.SingleOrDefault(p => p.AssemblyName == assembly);
            Assert.True(project != null, $"firmware project {assembly} not found");
            Assert.NotEmpty(project!.SyntaxTrees);
            var findings = LayerChecker.CheckLinkAssembly(project, assembly, allowed);
            Report(findings);
            Assert.True(findings.Count == 0, $"{findings.Count} layer violation(s) in {assembly}:\n" + string.Join("\n", findings.Take(100)));
        }
    }

    [Fact]
    public void Planted_NativeUsb_link_using_Wire_is_reported()
    {
        const string text = @"
namespace HssDevice.Transport.NativeUsb
{
    internal static class PlantedNativeUsb
    {
        internal static int Size()
        {
            return HssDevice.Wire.HssLayout.HeaderSize; // planted
        }
    }
}";
        var file = new SourceFile("firmware/HssDevice.NativeUsb/NativeUsb/PlantedNativeUsb.cs", text);
        var project = DeviceCompiler.CreateBeside(CheckCache.Facades, CheckCache.Device.FirmwareProjects, file);
        var findings = LayerChecker.CheckLinkAssembly(project, "HssDevice.NativeUsb", LayerChecker.LinkAssemblyMayUse["HssDevice.NativeUsb"]);
        Report(findings);
        int line = Planted.MarkedLine(text);
        Assert.Contains(findings, f => f.Line == line && f.Code == LayerChecker.ViolationCode && f.Message.StartsWith("HssDevice.NativeUsb may not use Wire"));
    }

    private void AssertReported(string path, string text, string expected)
    {
        var findings = Planted.LayerFindings(path, text);
        Report(findings);
        int line = Planted.MarkedLine(text);
        Assert.True(
            findings.Any(f => f.Line == line && f.Code == LayerChecker.ViolationCode && f.Message.StartsWith(expected)),
            $"expected '{expected}' at {path}:{line}; reported:\n" + string.Join("\n", findings));
    }

    private void Report(IEnumerable<Finding> findings)
    {
        foreach (var finding in findings)
        {
            _output.WriteLine(finding.ToString());
        }
    }
}
