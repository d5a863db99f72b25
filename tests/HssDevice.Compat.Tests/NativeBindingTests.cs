using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using HssDevice.Tools.NfInterop;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.Compat.Tests;

/// <summary>
/// The nanoFramework binding of HssDevice.NativeUsb: the native method lookup table and checksum committed in
/// firmware/native/nanoframework must be what the MetadataProcessor derives from the C# assembly (tools/NfInterop
/// re-implements its rules), or the nanoCLR refuses the assembly (checksum) or calls the wrong handler (order).
/// The algorithm is checked against the values nanoFramework's own tests carry; the planted tests show that every
/// kind of disagreement is reported.
/// </summary>
public class NativeBindingTests
{
    private const string InteropNamespace = "HssDevice.Transport.NativeUsb";

    private static readonly Lazy<NativeStubTable> LazyTable = new(() => BuildTable());

    private readonly ITestOutputHelper _output;

    public NativeBindingTests(ITestOutputHelper output)
    {
        _output = output;
    }

    private static BindingFiles Binding => BindingFiles.ForRepository(RepositoryPaths.Root);

    private static string TableSource => File.ReadAllText(Path.Combine(Binding.Directory, NativeTableSource.TableFile));

    private static string HandlerSource => File.ReadAllText(Path.Combine(Binding.Directory, BindingFiles.HandlerFile));

    // Known value: nanoframework/metadata-processor, MetadataProcessor.Tests/Core/Utility/Crc32Tests.cs
    // (ComputeTest and ComputePartialTest: "123456789" from 0xFFFFFFFF gives 0x0376E6E7, CRC-32/MPEG-2).
    [Fact]
    public void Crc_is_CRC32_MPEG2_as_the_MetadataProcessor_tests_it()
    {
        Assert.Equal(0x0376E6E7u, Crc32Mpeg2.Compute(Encoding.ASCII.GetBytes("123456789"), 0xFFFFFFFF));
        uint first = Crc32Mpeg2.Compute(Encoding.ASCII.GetBytes("1234"), 0xFFFFFFFF);
        Assert.Equal(0x0376E6E7u, Crc32Mpeg2.Compute(Encoding.ASCII.GetBytes("56789"), first));
    }

    // Known values: nanoframework/metadata-processor, MetadataProcessor.Tests/Core/Utility/NativeMethodsCrcTests.cs
    // (CrcWithMethodDefinitionTest, assembly TestNFApp, class TestNFApp.OneClassOverAll): a non-native method
    // first leaves 0, then the extern DummyExternMethod gives 519713657, again 1574868855, then a non-native method
    // 2748897355. The first value holds only because of the quirk NativeChecksum keeps (the first native method's
    // assembly and class names do not count).
    [Fact]
    public void Checksum_reproduces_the_MetadataProcessors_known_values()
    {
        var checksum = new NativeChecksum("TestNFApp");
        checksum.AddNull();
        Assert.Equal(0u, checksum.Value);
        checksum.AddNative("TestNFApp_OneClassOverAll", "DummyExternMethod___VOID");
        Assert.Equal(519713657u, checksum.Value);
        checksum.AddNative("TestNFApp_OneClassOverAll", "DummyExternMethod___VOID");
        Assert.Equal(1574868855u, checksum.Value);
        checksum.AddNull();
        Assert.Equal(2748897355u, checksum.Value);
    }

    /// <summary>
    /// The strongest known value: nanoFramework's own mscorlib. The nanoFramework.CoreLibrary package holds both the
    /// IL assembly (mscorlib.dll) and what nanoFramework's MetadataProcessor made of it (mscorlib.pe), whose header
    /// (CLR_RECORD_ASSEMBLY: marker[8], headerCRC, assemblyCRC, flags, then nativeMethodsChecksum at byte 20, as in
    /// nf-interpreter's nanoCLR_Types.h) carries the checksum the nanoCLR compares with its native table. Computed
    /// here from the .dll over its 803 methods, 249 of them native, in the MetadataProcessor's type and method
    /// order, it must be that number.
    /// </summary>
    [Fact]
    public void Checksum_of_nanoFrameworks_mscorlib_is_the_one_its_MetadataProcessor_wrote()
    {
        byte[] pe = File.ReadAllBytes(RepositoryPaths.NanoFrameworkMscorlibPe);
        Assert.Equal("NFMRK", Encoding.ASCII.GetString(pe, 0, 5));
        uint written = BitConverter.ToUInt32(pe, 20);
        var table = NativeStubTable.Build(InteropAssembly.Read(File.ReadAllBytes(RepositoryPaths.NanoFrameworkMscorlib)));
        _output.WriteLine($"mscorlib.pe says 0x{written:X8}; computed 0x{table.Checksum:X8} over {table.Entries.Count} methods, {table.NativeEntries.Count()} native");
        Assert.True(table.NativeEntries.Count() > 100, "mscorlib has hundreds of native methods");
        Assert.Equal(written, table.Checksum);
    }

    // Known names: the same test file (GetClassNameTest, GetMethodNameTest) for the same declarations, written here
    // again; plus arrays and by-refs as the MetadataProcessor spells them (SZARRAY_, BYREF_).
    [Fact]
    public void Stub_names_are_the_MetadataProcessors()
    {
        var assembly = CompileSmall("TestNFApp", @"
namespace TestNFApp
{
    public class OneClassOverAll
    {
        public void DummyMethod() { }
        public void DummyMethodWithParams(int p1, string p2) { }
        public static void DummyStaticMethod() { }
        public static void DummyStaticMethodWithParams(long p3, System.DateTime p4) { }
        public extern void DummyExternMethod();
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall)]
        public static extern bool Arrays(byte[] a, ref int b, ref byte[] c, object d, uint e);
    }
}");
        var type = assembly.Types.Single(t => t.Name == "OneClassOverAll");
        Assert.Equal("TestNFApp_OneClassOverAll", StubNames.ClassName(assembly, type));
        string Name(string method) => StubNames.MethodName(type.Methods.Single(m => m.Name == method));
        Assert.Equal("DummyMethod___VOID", Name("DummyMethod"));
        Assert.Equal("DummyMethodWithParams___VOID__I4__STRING", Name("DummyMethodWithParams"));
        Assert.Equal("DummyStaticMethod___STATIC__VOID", Name("DummyStaticMethod"));
        Assert.Equal("DummyStaticMethodWithParams___STATIC__VOID__I8__SystemDateTime", Name("DummyStaticMethodWithParams"));
        Assert.Equal("Arrays___STATIC__BOOLEAN__SZARRAY_U1__BYREF_I4__BYREF_SZARRAY_U1__OBJECT__U4", Name("Arrays"));
        Assert.Equal("_ctor___VOID", Name(".ctor"));
    }

    /// <summary>The orders the nanoCLR numbers methods by: types sorted by name, each after its declaring type,
    /// its interfaces from the assembly and the types its calls return or take; in a type, virtual, then instance,
    /// then static methods. The lookup table has an entry per method, NULL for IL methods and for interfaces and
    /// delegates; the checksum counts stub types only.</summary>
    [Fact]
    public void Types_and_methods_are_ordered_as_the_MetadataProcessor_orders_them()
    {
        var assembly = CompileSmall("Ordering", @"
namespace Ordering
{
    public class Alpha { public void Use() { Zeta.Make(); } }
    public class Omega { }
    public class Zeta { public static Omega Make() { return null; } }
    public interface IZed { void Z(); }
    public class Beta : IZed
    {
        public static void S() { }
        public void I() { }
        public virtual void V() { }
        public void Z() { }
        public class Inner { }
    }
    public delegate void Handler(int x);
    public class Natives
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall)]
        public static extern int One(byte[] b);
        public void Plain() { }
    }
}");
        var table = NativeStubTable.Build(assembly);
        Assert.Equal(
            new[] { "Ordering.Omega", "Ordering.Alpha", "Ordering.IZed", "Ordering.Beta", "Ordering.Beta/Inner", "Ordering.Handler", "Ordering.Natives", "Ordering.Zeta" },
            table.TypeOrder.Select(t => t.FullName));
        var beta = table.Entries.Where(e => e.TypeFullName == "Ordering.Beta").Select(e => e.MethodName);
        Assert.Equal(new[] { "V", "Z", "I", ".ctor", "S" }, beta);
        Assert.Equal(
            new[] { "Library_Ordering_Ordering_Natives::One___STATIC__I4__SZARRAY_U1" },
            table.NativeEntries.Select(e => e.Declaration(table.SafeProjectName)));
        Assert.Equal(table.TypeOrder.Sum(t => t.Methods.Count), table.Entries.Count);

        // Natives: Plain, .ctor, One. Stub types before it add NULLs that are lost (no native method yet); after
        // One come Zeta's .ctor and Make. The delegate and the interface are not stub types: they add nothing.
        var expected = new NativeChecksum("Ordering");
        expected.AddNull();
        expected.AddNull();
        expected.AddNative("Ordering_Natives", "One___STATIC__I4__SZARRAY_U1");
        expected.AddNull();
        expected.AddNull();
        Assert.Equal(expected.Value, table.Checksum);
        Assert.NotEqual(0u, table.Checksum);
    }

    [Fact]
    public void Native_table_and_checksum_agree_with_the_CSharp_declarations()
    {
        var table = LazyTable.Value;
        _output.WriteLine($"{table.AssemblyName}: checksum 0x{table.Checksum:X8}, {table.Entries.Count} methods, {table.NativeEntries.Count()} native");
        _output.WriteLine("type order: " + string.Join(", ", table.TypeOrder.Select(t => t.FullName)));
        var problems = Binding.Check(table);
        foreach (string problem in problems)
        {
            _output.WriteLine(problem);
        }

        Assert.True(problems.Count == 0, "run `dotnet run --project tools/NfInterop -- write` and commit:\n" + string.Join("\n", problems));
        Assert.Equal("HssDevice.NativeUsb", table.AssemblyName);
        Assert.Equal(new Version(1, 0, 0, 0), table.NativeVersion);
        Assert.False(table.TypeOrderDependsOnCulture);
        Assert.Equal(
            new[] { "NativeOpen", "NativeClose", "NativeLinkState", "NativeIsSinglePipe", "NativeReadCommand", "NativeWriteCommand", "NativeReadData", "NativeWriteData", "NativeReady" },
            table.NativeEntries.Select(e => e.MethodName));
        Assert.All(table.NativeEntries, e => Assert.Equal(InteropNamespace + ".NativeUsbFunction", e.TypeFullName));
    }

    /// <summary>One firmware image serves Debug and Release deployments alike: code under #if DEBUG in the
    /// assembly must not add or remove methods.</summary>
    [Fact]
    public void Debug_and_Release_builds_need_the_same_table()
    {
        var release = LazyTable.Value;
        byte[] image = InteropCompiler.CompileProject(RepositoryPaths.Root, BindingFiles.InteropProject, CheckCache.Facades.References.ToList(), null, InteropCompiler.DebugParseOptions);
        var debug = NativeStubTable.Build(InteropAssembly.Read(image));
        Assert.Equal(release.Checksum, debug.Checksum);
        Assert.Equal(release.Entries, debug.Entries);
    }

    [Fact]
    public void Planted_swapped_entries_are_reported()
    {
        var table = LazyTable.Value;
        var lines = TableSource.Split('\n').ToList();
        int native = lines.FindIndex(l => l.Contains("::NativeOpen", StringComparison.Ordinal));
        int neighbour = lines[native - 1].Contains("NULL", StringComparison.Ordinal) ? native - 1 : native + 1;
        (lines[native], lines[neighbour]) = (lines[neighbour], lines[native]);
        var problems = NativeTableSource.Compare(table, NativeTableSource.Parse(string.Join('\n', lines)));
        _output.WriteLine(string.Join("\n", problems));
        Assert.Equal(2, problems.Count(p => p.Contains("method_lookup[", StringComparison.Ordinal)));
    }

    [Fact]
    public void Planted_missing_entry_is_reported()
    {
        var table = LazyTable.Value;
        var lines = TableSource.Split('\n').ToList();
        lines.RemoveAt(lines.FindIndex(l => l.Trim() == "NULL,"));
        var problems = NativeTableSource.Compare(table, NativeTableSource.Parse(string.Join('\n', lines)));
        _output.WriteLine(string.Join("\n", problems));
        Assert.Contains(problems, p => p.Contains($"has {table.Entries.Count - 1} entries", StringComparison.Ordinal));
    }

    [Fact]
    public void Planted_wrong_checksum_and_version_are_reported()
    {
        var table = LazyTable.Value;
        string source = TableSource
            .Replace($"0x{table.Checksum:X8}", $"0x{table.Checksum ^ 1:X8}", StringComparison.Ordinal)
            .Replace("{ 1, 0, 0, 0 }", "{ 1, 0, 0, 1 }", StringComparison.Ordinal);
        var problems = NativeTableSource.Compare(table, NativeTableSource.Parse(source));
        _output.WriteLine(string.Join("\n", problems));
        Assert.Contains(problems, p => p.StartsWith("native checksum", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("native version", StringComparison.Ordinal));
    }

    /// <summary>A native method added to the C# assembly without regenerating the native side: the committed files
    /// no longer match (more entries, another checksum, an undeclared handler).</summary>
    [Fact]
    public void Planted_new_extern_method_in_CSharp_is_reported()
    {
        var planted = CSharpSyntaxTree.ParseText(@"
namespace HssDevice.Transport.NativeUsb
{
    public static class PlantedNative
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall)]
        public static extern int Extra(byte[] buffer);
    }
}", InteropCompiler.ParseOptions, "firmware/HssDevice.NativeUsb/Planted.cs");
        var table = BuildTable(planted);
        Assert.Equal(LazyTable.Value.Entries.Count + 1, table.Entries.Count);
        var problems = Binding.Check(table);
        _output.WriteLine(string.Join("\n", problems));
        Assert.Contains(problems, p => p.Contains("native checksum", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("entries", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains(NativeTableSource.HeaderFile, StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("no handler for", StringComparison.Ordinal) && p.Contains("Extra___STATIC__I4__SZARRAY_U1", StringComparison.Ordinal));
    }

    [Fact]
    public void Planted_missing_handler_is_reported()
    {
        var table = LazyTable.Value;
        string source = HandlerSource.Replace("::NativeReady___STATIC__I4(", "::NativeReadyRenamed(", StringComparison.Ordinal);
        var missing = BindingFiles.MissingHandlers(table, source).ToList();
        Assert.Single(missing);
        Assert.Contains("NativeReady___STATIC__I4", missing[0], StringComparison.Ordinal);
        Assert.Empty(BindingFiles.MissingHandlers(table, HandlerSource));
    }

    private static NativeStubTable BuildTable(params SyntaxTree[] extraSources)
    {
        byte[] image = InteropCompiler.CompileProject(RepositoryPaths.Root, BindingFiles.InteropProject, CheckCache.Facades.References.ToList(), extraSources);
        return NativeStubTable.Build(InteropAssembly.Read(image));
    }

    private static InteropAssembly CompileSmall(string name, string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, InteropCompiler.ParseOptions);
        var compilation = CSharpCompilation.Create(
            name,
            new[] { tree },
            new[] { CheckCache.Facades.CoreLibrary },
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return InteropAssembly.Read(image.ToArray());
    }
}
