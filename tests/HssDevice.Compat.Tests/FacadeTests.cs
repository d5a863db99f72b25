using System.Collections.Generic;
using System.Linq;
using HssDevice.Compat.Tests.Facades;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.Compat.Tests;

/// <summary>What the device code is compiled against: nanoFramework's real mscorlib and the project's facades of
/// the other libraries.</summary>
public class FacadeTests
{
    private readonly ITestOutputHelper _output;

    public FacadeTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void Facade_assemblies_compile_without_errors()
    {
        var facades = CheckCache.Facades;
        foreach (string error in facades.Errors)
        {
            _output.WriteLine(error);
        }

        Assert.Equal(FacadeBuilder.Libraries.Count, facades.Facades.Count);
        Assert.True(facades.Errors.Count == 0, string.Join("\n", facades.Errors.Take(50)));
    }

    /// <summary>The core library is nanoFramework's, not .NET's: it has SpanByte (nanoFramework only) and lacks
    /// what .NET's has and nanoFramework's does not (List&lt;T&gt;, Array.Fill, WaitOne(int)).</summary>
    [Fact]
    public void Core_library_is_nanoFrameworks_mscorlib()
    {
        var probe = CSharpCompilation.Create("probe", references: new[] { CheckCache.Facades.CoreLibrary });
        var mscorlib = (IAssemblySymbol)probe.GetAssemblyOrModuleSymbol(CheckCache.Facades.CoreLibrary)!;
        _output.WriteLine(mscorlib.Identity.ToString());
        Assert.Equal("mscorlib", mscorlib.Identity.Name);
        Assert.Equal(1, mscorlib.Identity.Version.Major);
        Assert.NotNull(mscorlib.GetTypeByMetadataName("System.SpanByte"));
        Assert.Null(mscorlib.GetTypeByMetadataName("System.Collections.Generic.List`1"));
        Assert.Empty(mscorlib.GetTypeByMetadataName("System.Array")!.GetMembers("Fill"));
        var waitHandle = mscorlib.GetTypeByMetadataName("System.Threading.WaitHandle")!;
        Assert.DoesNotContain(waitHandle.GetMembers("WaitOne").OfType<IMethodSymbol>(), m => m.Parameters.Length == 1);
    }

    /// <summary>A facade declares its library's types only: none that mscorlib already has (the compile would then
    /// see two and stop being nanoFramework's), and only in the namespaces of that library.</summary>
    [Fact]
    public void Facades_declare_only_their_libraries_types()
    {
        var facades = CheckCache.Facades;
        var probe = CSharpCompilation.Create("probe", references: facades.References);
        var mscorlib = (IAssemblySymbol)probe.GetAssemblyOrModuleSymbol(facades.CoreLibrary)!;
        var allowedNamespaces = new Dictionary<string, string[]>
        {
            ["System.IO.Streams"] = new[] { "System.IO" },
            ["nanoFramework.System.Collections"] = new[] { "System.Collections" },
            ["nanoFramework.System.Text"] = new[] { "System.Text" },
            ["nanoFramework.Runtime.Events"] = new[] { "nanoFramework.Runtime.Events" },
            ["System.Device.UsbStream"] = new[] { "System.Device.Usb" },
            ["nanoFramework.TestFramework"] = new[] { "nanoFramework.TestFramework" },
        };
        var problems = new List<string>();
        foreach (var facade in facades.Facades)
        {
            var assembly = (IAssemblySymbol)probe.GetAssemblyOrModuleSymbol(facade.Reference)!;
            foreach (var type in AllTypes(assembly.GlobalNamespace))
            {
                string name = type.ToDisplayString();
                string metadataName = type.ContainingNamespace.ToDisplayString() + "." + type.MetadataName;
                _output.WriteLine($"{facade.Name}: {name}");
                if (!allowedNamespaces[facade.Name].Contains(type.ContainingNamespace.ToDisplayString()))
                {
                    problems.Add($"{facade.Name} declares {name} outside its namespaces");
                }

                if (mscorlib.GetTypeByMetadataName(metadataName) != null)
                {
                    problems.Add($"{facade.Name} declares {name}, which mscorlib has");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static IEnumerable<INamedTypeSymbol> AllTypes(INamespaceSymbol ns)
    {
        foreach (var type in ns.GetTypeMembers().Where(t => t.Name != "<Module>"))
        {
            yield return type;
        }

        foreach (var child in ns.GetNamespaceMembers())
        {
            foreach (var type in AllTypes(child))
            {
                yield return type;
            }
        }
    }
}
