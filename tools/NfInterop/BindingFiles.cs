namespace HssDevice.Tools.NfInterop;

/// <summary>Where the binding's files sit in the repository, and the check and rewrite of the generated ones.</summary>
public sealed class BindingFiles
{
    public const string InteropProject = "firmware/HssDevice.NativeUsb/HssDevice.NativeUsb.nfproj";
    public const string NativeDirectory = "firmware/native/nanoframework";

    /// <summary>The hand-written handlers; each native method of the table must be defined there.</summary>
    public const string HandlerFile = "hss_nf_native_usb_function.cpp";

    private BindingFiles(string root)
    {
        Root = root;
    }

    public string Root { get; }

    public string Directory => Path.Combine(Root, NativeDirectory);

    public string FacadeDirectory => Path.Combine(Root, "tests", "HssDevice.Compat.Tests", "NanoFrameworkFacades");

    public static BindingFiles ForRepository(string root) => new(root);

    /// <summary>Every disagreement between the committed native files and the table derived from C#.</summary>
    public IReadOnlyList<string> Check(NativeStubTable table)
    {
        var problems = new List<string>();
        if (table.TypeOrderDependsOnCulture)
        {
            problems.Add($"{table.AssemblyName}: the type order differs between culture-sensitive and ordinal name sorting; rename types so the MetadataProcessor's order does not depend on the build machine");
        }

        string tablePath = Path.Combine(Directory, NativeTableSource.TableFile);
        string headerPath = Path.Combine(Directory, NativeTableSource.HeaderFile);
        problems.AddRange(NativeTableSource.Compare(table, NativeTableSource.Parse(File.ReadAllText(tablePath))).Select(p => NativeTableSource.TableFile + ": " + p));
        if (File.ReadAllText(headerPath).ReplaceLineEndings("\n") != NativeTableSource.Header(table))
        {
            problems.Add($"{NativeTableSource.HeaderFile}: differs from the declarations generated from {table.AssemblyName}");
        }

        problems.AddRange(MissingHandlers(table, File.ReadAllText(Path.Combine(Directory, HandlerFile))));
        return problems;
    }

    /// <summary>Native methods the handler source does not define (Library_..._Class::Method( at least once).</summary>
    public static IEnumerable<string> MissingHandlers(NativeStubTable table, string handlerSource) =>
        table.NativeEntries
            .Where(e => !handlerSource.Contains($"Library_{table.SafeProjectName}_{e.NativeClassName}::{e.NativeMethodName}(", StringComparison.Ordinal))
            .Select(e => $"{HandlerFile}: no handler for {e.Declaration(table.SafeProjectName)}");

    public void Write(NativeStubTable table)
    {
        File.WriteAllText(Path.Combine(Directory, NativeTableSource.HeaderFile), NativeTableSource.Header(table));
        File.WriteAllText(Path.Combine(Directory, NativeTableSource.TableFile), NativeTableSource.Table(table));
    }
}
