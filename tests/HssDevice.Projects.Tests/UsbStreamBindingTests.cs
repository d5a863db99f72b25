using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace HssDevice.Projects.Tests;

/// <summary>
/// UsbStreamLink.cs compiles only on nanoFramework (System.Device.Usb does not exist on .NET), so no build here
/// sees it. This compiles it with the .nfproj's symbols (NANOFRAMEWORK_1_0, C# 9), with StreamLink and IHssLink,
/// against .NET's base library plus a stub of System.Device.Usb with the signatures of its public API (the
/// compatibility check's facade, tests/HssDevice.Compat.Tests/NanoFrameworkFacades/System.Device.UsbStream.cs, has
/// the same): it catches wrong UsbStream members and signatures, not base-library members nanoFramework lacks
/// (the compatibility check compiles UsbStreamLink against nanoFramework's mscorlib too).
/// </summary>
public class UsbStreamBindingTests
{
    // The members of nanoFramework.System.Device.UsbStream the binding may use, with their exact signatures.
    private const string UsbApiStub = """
        namespace System.Device.Usb
        {
            public class DeviceConnectionEventArgs : System.EventArgs
            {
                public bool IsConnected { get { throw null; } }
            }

            public delegate void UsbDeviceConnectionChangedEventHandler(object sender, DeviceConnectionEventArgs e);

            public class UsbClient
            {
                public static UsbStream CreateUsbStream(System.Guid classId, string name) { throw null; }
            }

            public sealed class UsbStream : System.IO.Stream
            {
                public override bool CanRead { get { throw null; } }
                public override bool CanSeek { get { throw null; } }
                public override bool CanWrite { get { throw null; } }
                public bool IsConnected { get { throw null; } }
                public override long Length { get { throw null; } }
                public override long Position { get { throw null; } set { } }
                public override int ReadTimeout { get { throw null; } set { } }
                public override int WriteTimeout { get { throw null; } set { } }
                public event UsbDeviceConnectionChangedEventHandler UsbDeviceConnectionChanged { add { } remove { } }
                public override void Flush() { }
                public override int Read(byte[] buffer, int offset, int count) { throw null; }
                public int Read(byte[] buffer) { throw null; }
                public override long Seek(long offset, System.IO.SeekOrigin origin) { throw null; }
                public override void SetLength(long value) { }
                public override void Write(byte[] buffer, int offset, int count) { }
                public void Write(byte[] buffer) { }
            }
        }
        """;

    [Fact]
    public void TheUsbStreamBindingCompilesAgainstTheUsbStreamApi()
    {
        var (diagnostics, compilation) = Compile(UsbApiStub);
        Assert.True(diagnostics.Count == 0, string.Join("\n", diagnostics));
        Assert.NotNull(compilation.GetTypeByMetadataName("HssDevice.Transport.SinglePipe.UsbStreamLink"));
    }

    [Fact]
    public void TheCheckFailsWhenTheBindingUsesWhatTheApiLacks()
    {
        string withoutEvent = UsbApiStub.Replace(
            "public event UsbDeviceConnectionChangedEventHandler UsbDeviceConnectionChanged { add { } remove { } }", "", StringComparison.Ordinal);
        var (diagnostics, _) = Compile(withoutEvent);
        Assert.Contains(diagnostics, d => d.GetMessage().Contains("UsbDeviceConnectionChanged", StringComparison.Ordinal));
    }

    private static (List<Diagnostic> Errors, CSharpCompilation Compilation) Compile(string usbApi)
    {
        var options = new CSharpParseOptions(LanguageVersion.CSharp9, preprocessorSymbols: new[] { "NANOFRAMEWORK_1_0" });
        var trees = new[]
            {
                "firmware/HssDevice/Transport/IHssLink.cs",
                "firmware/HssDevice.UsbStream/SinglePipe/StreamLink.cs",
                "firmware/HssDevice.UsbStream/SinglePipe/UsbStreamLink.cs",
                "firmware/HssDevice.UsbStream/SinglePipe/UsbStreamRules.cs",
            }
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(RepositoryLayout.PathOf(f)), options, RepositoryLayout.PathOf(f)))
            .Append(CSharpSyntaxTree.ParseText(usbApi, options, "System.Device.Usb.stub.cs"))
            .ToList();
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("HssDevice.UsbStream", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        return (errors, compilation);
    }
}
