using System.Collections.Generic;
using System.Linq;
using HssDevice.Compat.Tests.Checks;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.Compat.Tests;

/// <summary>The compat check catches what nanoFramework 1.x would reject: each planted file is compiled with the
/// device code and must be reported at its marked line with the expected code. The clean files show that the
/// planted ones do not fail for some unrelated reason.</summary>
public class PlantedViolationTests
{
    private const string FirmwarePath = "firmware/Planted/Planted.cs";
    private const string DeviceTestPath = "tests/NFUnitTest/Planted/PlantedTests.cs";

    private readonly ITestOutputHelper _output;

    public PlantedViolationTests(ITestOutputHelper output)
    {
        _output = output;
    }

    /// <summary>Through the whole pipeline: compiled in one compilation with a copy of all device code, in both
    /// symbol sets, the Debug one because the file tests DEBUG (the other planted files are compiled beside
    /// the cached firmware, which is faster).</summary>
    [Fact]
    public void Planted_List_of_int_is_reported_alongside_the_device_code()
    {
        string text = @"
namespace HssDevice.Planted
{
    internal static class UsesList
    {
        internal static object Make()
        {
            return new System.Collections.Generic.List<int>(); // planted
        }
#if DEBUG
        internal static string Describe(int value)
        {
            return value.ToString(""X4"", null); // debug only
        }
#endif
    }
}";
        var findings = AssertReported(FirmwarePath, text, "CS0234", alongside: true);

        // Int32 has ToString() and ToString(string) only; this line exists in the Debug compile alone.
        int debugLine = text.Split('\n').ToList().FindIndex(l => l.Contains("// debug only")) + 1;
        Assert.Contains(findings, f => f.Line == debugLine && f.Code == "CS1501");
    }

    [Fact]
    public void Planted_Array_Fill_is_reported()
    {
        AssertReported(FirmwarePath, @"
namespace HssDevice.Planted
{
    internal static class UsesArrayFill
    {
        internal static void Clear(byte[] buffer)
        {
            System.Array.Fill(buffer, (byte)0); // planted
        }
    }
}", "CS0117");
    }

    /// <summary>.NET has WaitOne(int); nanoFramework only WaitOne() and WaitOne(int, bool), so the call binds to
    /// the latter and misses its second argument (CS7036).</summary>
    [Fact]
    public void Planted_one_argument_WaitOne_is_reported()
    {
        AssertReported(FirmwarePath, @"
namespace HssDevice.Planted
{
    internal static class UsesWaitOne
    {
        internal static bool Wait()
        {
            return new System.Threading.AutoResetEvent(false).WaitOne(100); // planted
        }
    }
}", "CS7036");
    }

    [Fact]
    public void Planted_generic_method_of_our_own_is_reported()
    {
        AssertReported(FirmwarePath, @"
namespace HssDevice.Planted
{
    internal static class DeclaresGenericMethod
    {
        internal static T First<T>(T[] items) // planted
        {
            return items[0];
        }
    }
}", GenericUseFinder.DeclarationCode);
    }

    [Fact]
    public void Planted_generic_type_of_our_own_is_reported()
    {
        AssertReported(FirmwarePath, @"
namespace HssDevice.Planted
{
    internal sealed class Box<T> // planted
    {
        internal T Value;
    }
}", GenericUseFinder.DeclarationCode);
    }

    /// <summary>nanoFramework's mscorlib declares Action&lt;T&gt;, so this compiles against it; the generics rule catches it.</summary>
    [Fact]
    public void Planted_use_of_Action_of_T_is_reported()
    {
        var findings = AssertReported(FirmwarePath, @"
namespace HssDevice.Planted
{
    internal static class UsesActionOfT
    {
        internal static void Run()
        {
            System.Action<int> report = value => { }; // planted
            report(1);
        }
    }
}", GenericUseFinder.UseCode);
        Assert.DoesNotContain(findings, f => f.Code.StartsWith("CS"));
    }

    [Fact]
    public void Planted_file_scoped_namespace_is_reported()
    {
        AssertReported(FirmwarePath, @"
namespace HssDevice.Planted; // planted

internal static class FileScoped
{
}", "CS8773");
    }

    [Fact]
    public void Planted_record_struct_is_reported()
    {
        AssertReported(FirmwarePath, @"
namespace HssDevice.Planted
{
    internal record struct Point(int X, int Y); // planted
}", "CS8773");
    }

    /// <summary>Device tests compile against the TestFramework facade: Assert.Fail is not in nanoFramework's.</summary>
    [Fact]
    public void Planted_device_test_using_a_missing_Assert_member_is_reported()
    {
        AssertReported(DeviceTestPath, @"
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device.Planted
{
    [TestClass]
    public class PlantedTests
    {
        [TestMethod]
        public void Fails()
        {
            Assert.Fail(""no such member""); // planted
        }
    }
}", "CS0117");
    }

    /// <summary>What device code may do: ArrayList, Hashtable, lock, WaitOne(int, bool), Array.Copy, string
    /// interpolation and a large string switch, C# 9 patterns, a Stream with the SpanByte override under
    /// NANOFRAMEWORK_1_0 (without the symbol defined, CS0534 would be reported).</summary>
    [Fact]
    public void Clean_firmware_snippet_passes()
    {
        AssertClean(FirmwarePath, @"
using System;
using System.Collections;
using System.Threading;

namespace HssDevice.Planted
{
    internal sealed class CleanStream : System.IO.Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => 0;
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => 0;
#if NANOFRAMEWORK_1_0
        public override int Read(SpanByte buffer) => 0;
#endif
        public override long Seek(long offset, System.IO.SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    internal static class Clean
    {
        private static readonly object Gate = new object();
        private static readonly AutoResetEvent Signal = new AutoResetEvent(false);

        internal static int Run(byte[] source)
        {
            var list = new ArrayList();
            var table = new Hashtable();
            lock (Gate)
            {
                list.Add(source.Length);
                table[1] = ""one"";
            }

            byte[] copy = new byte[source.Length];
            Array.Copy(source, copy, source.Length);
            bool signalled = Signal.WaitOne(10, false);
            string text = $""{source.Length} bytes, {signalled}"";
            foreach (object item in list)
            {
                text += item.ToString();
            }

            switch (text)
            {
                case ""a"": return 1;
                case ""b"": return 2;
                case ""c"": return 3;
                case ""d"": return 4;
                case ""e"": return 5;
                case ""f"": return 6;
                case ""g"": return 7;
                case ""h"": return 8;
            }

            object boxed = list;
            if (boxed is not null && boxed is ArrayList again && again.Count > 0)
            {
                text = string.Empty;
            }

            try
            {
                throw new InvalidOperationException(""x"");
            }
            catch (InvalidOperationException e)
            {
                text = e.Message;
            }

            using (var stream = new CleanStream())
            {
                stream.Flush();
            }

            var worker = new Thread(() => { });
            worker.Start();
            return copy.Length + text.Length;
        }
    }
}");
    }

    /// <summary>A device test as the nanoFramework launcher expects it, with two [DataRow]s on one method.</summary>
    [Fact]
    public void Clean_device_test_snippet_passes()
    {
        AssertClean(DeviceTestPath, @"
using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device.Planted
{
    [TestClass]
    public class PlantedTests
    {
        private static int _runs;

        [Setup]
        public void Setup()
        {
            _runs = 0;
        }

        [TestMethod]
        [DataRow(1, 2)]
        [DataRow(3, 4)]
        public void Adds(int a, int b)
        {
            _runs++;
            Assert.AreEqual(a + 1, b, ""sum"");
            CollectionAssert.AreEqual(new byte[] { 1 }, new byte[] { 1 });
            Assert.IsTrue(HssLayout.HeaderSize > 0);
        }
    }
}");
    }

    private IReadOnlyList<Finding> AssertReported(string path, string text, string code, bool alongside = false)
    {
        var findings = alongside ? Planted.CompatFindingsAlongside(path, text) : Planted.CompatFindings(path, text);
        foreach (var finding in findings)
        {
            _output.WriteLine(finding.ToString());
        }

        int line = Planted.MarkedLine(text);
        Assert.True(
            findings.Any(f => f.Line == line && f.Code == code),
            $"expected {code} at {path}:{line}; reported:\n" + string.Join("\n", findings));
        return findings;
    }

    private void AssertClean(string path, string text)
    {
        var findings = Planted.CompatFindings(path, text);
        foreach (var finding in findings)
        {
            _output.WriteLine(finding.ToString());
        }

        Assert.True(findings.Count == 0, "reported:\n" + string.Join("\n", findings));
    }
}
