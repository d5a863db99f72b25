using System.Reflection;
using HssDevice.Tools.NfInterop;

// nfinterop show|check|write [--root DIR]: the native side of the nanoFramework binding of HssDevice.NativeUsb.
// nfinterop checksum ASSEMBLY.dll: the native checksum and table size of any compiled nanoFramework assembly.
string command = args.Length > 0 ? args[0] : "show";
if (command == "checksum" && args.Length > 1)
{
    var any = NativeStubTable.Build(InteropAssembly.Read(File.ReadAllBytes(args[1])));
    Console.WriteLine($"{any.AssemblyName}: native checksum 0x{any.Checksum:X8}, {any.Entries.Count} methods, {any.NativeEntries.Count()} native");
    if (args.Contains("--entries"))
    {
        foreach (var entry in any.Entries)
        {
            Console.WriteLine(entry.IsNative ? entry.NativeClassName + "::" + entry.NativeMethodName : "NULL " + entry.TypeFullName + "." + entry.MethodName);
        }
    }

    return 0;
}

string root = FindRoot(args);
var binding = BindingFiles.ForRepository(root);
string mscorlib = typeof(BindingFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
    .First(a => a.Key == "NanoFrameworkMscorlib").Value!;
var references = InteropCompiler.NanoFrameworkReferences(mscorlib, binding.FacadeDirectory);
var table = NativeStubTable.Build(InteropAssembly.Read(InteropCompiler.CompileProject(root, BindingFiles.InteropProject, references)));

switch (command)
{
    case "show":
        Console.WriteLine($"assembly {table.AssemblyName}, AssemblyNativeVersion {table.NativeVersion}, native checksum 0x{table.Checksum:X8}");
        Console.WriteLine("type order: " + string.Join(", ", table.TypeOrder.Select(t => t.FullName)));
        for (int i = 0; i < table.Entries.Count; i++)
        {
            var entry = table.Entries[i];
            Console.WriteLine($"  [{i,3}] {entry.TypeFullName}.{entry.MethodName}: {entry.Declaration(table.SafeProjectName)}");
        }

        return 0;
    case "check":
        var problems = binding.Check(table).ToList();
        var debug = NativeStubTable.Build(InteropAssembly.Read(InteropCompiler.CompileProject(root, BindingFiles.InteropProject, references, null, InteropCompiler.DebugParseOptions)));
        if (debug.Checksum != table.Checksum || !debug.Entries.SequenceEqual(table.Entries))
        {
            problems.Add($"{table.AssemblyName}: the Debug build (DEBUG, TRACE) has another method table than the Release build; one firmware image cannot serve both");
        }

        foreach (string problem in problems)
        {
            Console.Error.WriteLine(problem);
        }

        Console.WriteLine(problems.Count == 0 ? $"{binding.Directory}: in step with {table.AssemblyName} (checksum 0x{table.Checksum:X8})" : $"{problems.Count} problem(s)");
        return problems.Count == 0 ? 0 : 1;
    case "write":
        binding.Write(table);
        Console.WriteLine($"wrote {BindingFiles.NativeDirectory}/{NativeTableSource.HeaderFile} and {NativeTableSource.TableFile} (checksum 0x{table.Checksum:X8}, {table.Entries.Count} methods, {table.NativeEntries.Count()} native)");
        return 0;
    default:
        Console.Error.WriteLine("usage: NfInterop show|check|write [--root DIR]");
        return 2;
}

static string FindRoot(string[] args)
{
    int at = Array.IndexOf(args, "--root");
    if (at >= 0 && at + 1 < args.Length)
    {
        return Path.GetFullPath(args[at + 1]);
    }

    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir != null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "HssDevice.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("run inside the repository or pass --root DIR");
}
