// Facade of nanoFramework.TestFramework 3.0, written for the compatibility check from the library's public API:
// the attributes the test launcher looks for, Assert and CollectionAssert with all their overloads (overload
// resolution must pick what the device build picks), OutputHelper and SkipTestException. Attributes the API
// listing cannot show are written here: DataRow allows several per method; Assert.Throws is obsolete in 3.0
// (ThrowsException replaces it): the nanoFramework build warns, this check reports errors only. Bodies are never run.
namespace nanoFramework.TestFramework
{
    using System;
    using System.Collections;

    [AttributeUsage(AttributeTargets.Class)]
    public class TestClassAttribute : Attribute
    {
        public TestClassAttribute() { }
    }

    [AttributeUsage(AttributeTargets.Method)]
    public class TestMethodAttribute : Attribute
    {
        public TestMethodAttribute() { }
    }

    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
    public class DataRowAttribute : Attribute
    {
        public DataRowAttribute(params object[] methodParameters) { }

        public object[] MethodParameters { get { throw null; } }
    }

    [AttributeUsage(AttributeTargets.Method)]
    public class SetupAttribute : Attribute
    {
        public SetupAttribute() { }
    }

    [AttributeUsage(AttributeTargets.Method)]
    public class CleanupAttribute : Attribute
    {
        public CleanupAttribute() { }
    }

    public class SkipTestException : Exception
    {
        public SkipTestException(string message = null, Exception innerException = null) { }
    }

    public static class OutputHelper
    {
        public static void Write(string message) { }
        public static void WriteLine(string message) { }
    }

    public sealed class Assert
    {
        public static void AreEqual(bool expected, bool actual, string message = "") { }
        public static void AreEqual(byte expected, byte actual, string message = "") { }
        public static void AreEqual(char expected, char actual, string message = "") { }
        public static void AreEqual(DateTime expected, DateTime actual, string message = "") { }
        public static void AreEqual(double expected, double actual, string message = "") { }
        public static void AreEqual(short expected, short actual, string message = "") { }
        public static void AreEqual(int expected, int actual, string message = "") { }
        public static void AreEqual(long expected, long actual, string message = "") { }
        public static void AreEqual(object expected, object actual, string message = "") { }
        public static void AreEqual(sbyte expected, sbyte actual, string message = "") { }
        public static void AreEqual(float expected, float actual, string message = "") { }
        public static void AreEqual(string expected, string actual, string message = "") { }
        public static void AreEqual(ushort expected, ushort actual, string message = "") { }
        public static void AreEqual(uint expected, uint actual, string message = "") { }
        public static void AreEqual(ulong expected, ulong actual, string message = "") { }
        public static void AreNotEqual(bool notExpected, bool actual, string message = "") { }
        public static void AreNotEqual(byte notExpected, byte actual, string message = "") { }
        public static void AreNotEqual(char notExpected, char actual, string message = "") { }
        public static void AreNotEqual(DateTime notExpected, DateTime actual, string message = "") { }
        public static void AreNotEqual(double notExpected, double actual, string message = "") { }
        public static void AreNotEqual(short notExpected, short actual, string message = "") { }
        public static void AreNotEqual(int notExpected, int actual, string message = "") { }
        public static void AreNotEqual(long notExpected, long actual, string message = "") { }
        public static void AreNotEqual(object notExpected, object actual, string message = "") { }
        public static void AreNotEqual(sbyte notExpected, sbyte actual, string message = "") { }
        public static void AreNotEqual(float notExpected, float actual, string message = "") { }
        public static void AreNotEqual(string notExpected, string actual, string message = "") { }
        public static void AreNotEqual(ushort notExpected, ushort actual, string message = "") { }
        public static void AreNotEqual(uint notExpected, uint actual, string message = "") { }
        public static void AreNotEqual(ulong notExpected, ulong actual, string message = "") { }
        public static void AreNotSame(object notExpected, object actual, string message = "") { }
        public static void AreSame(object expected, object actual, string message = "") { }
        public static void Contains(string expected, string value, string message = "") { }
        public static void DoesNotContains(string notExpected, string value, string message = "") { }
        public static void Empty(ICollection collection, string message = "") { }
        public static void EndsWith(string expected, string value, string message = "") { }
        public static void Equal(Array expected, Array actual, string message = "") { }
        public static void Equal(bool expected, bool actual, string message = "") { }
        public static void Equal(byte expected, byte actual, string message = "") { }
        public static void Equal(char expected, char actual, string message = "") { }
        public static void Equal(DateTime expected, DateTime actual, string message = "") { }
        public static void Equal(double expected, double actual, string message = "") { }
        public static void Equal(short expected, short actual, string message = "") { }
        public static void Equal(int expected, int actual, string message = "") { }
        public static void Equal(long expected, long actual, string message = "") { }
        public static void Equal(sbyte expected, sbyte actual, string message = "") { }
        public static void Equal(float expected, float actual, string message = "") { }
        public static void Equal(string expected, string actual, string message = "") { }
        public static void Equal(ushort expected, ushort actual, string message = "") { }
        public static void Equal(uint expected, uint actual, string message = "") { }
        public static void Equal(ulong expected, ulong actual, string message = "") { }
        public static void False(bool condition, string message = "") { }
        public static void IsFalse(bool condition, string message = "") { }
        public static void IsInstanceOfType(object value, Type expected, string message = "") { }
        public static void IsNotInstanceOfType(object value, Type notExpected, string message = "") { }
        public static void IsNotNull(object value, string message = "") { }
        public static void IsNotType(Type wrongType, object value, string message = "") { }
        public static void IsNull(object value, string message = "") { }
        public static void IsTrue(bool condition, string message = "") { }
        public static void IsType(Type expectedType, object value, string message = "") { }
        public static void NotEmpty(ICollection collection, string message = "") { }
        public static void NotEqual(Array notExpected, Array actual, string message = "") { }
        public static void NotEqual(bool notExpected, bool actual, string message = "") { }
        public static void NotEqual(byte notExpected, byte actual, string message = "") { }
        public static void NotEqual(char notExpected, char actual, string message = "") { }
        public static void NotEqual(DateTime notExpected, DateTime actual, string message = "") { }
        public static void NotEqual(double notExpected, double actual, string message = "") { }
        public static void NotEqual(short notExpected, short actual, string message = "") { }
        public static void NotEqual(int notExpected, int actual, string message = "") { }
        public static void NotEqual(long notExpected, long actual, string message = "") { }
        public static void NotEqual(sbyte notExpected, sbyte actual, string message = "") { }
        public static void NotEqual(float notExpected, float actual, string message = "") { }
        public static void NotEqual(string notExpected, string actual, string message = "") { }
        public static void NotEqual(ushort notExpected, ushort actual, string message = "") { }
        public static void NotEqual(uint notExpected, uint actual, string message = "") { }
        public static void NotEqual(ulong notExpected, ulong actual, string message = "") { }
        public static void NotNull(object value, string message = "") { }
        public static void NotSame(object notExpected, object actual, string message = "") { }
        public static void Null(object value, string message = "") { }
        public static void Same(object expected, object actual, string message = "") { }
        public static void SkipTest(string message = null) { }
        public static void StartsWith(string expected, string value, string message = "") { }
        [Obsolete("Use ThrowsException")]
        public static void Throws(Type exceptionType, Action action, string message = "") { }
        public static void ThrowsException(Type exception, Action action, string message = "") { }
        public static void True(bool condition, string message = "") { }
    }

    public sealed class CollectionAssert
    {
        public static void AreEqual(ICollection expected, ICollection actual, string message = "") { }
        public static void AreNotEqual(ICollection notExpected, ICollection actual, string message = "") { }
        public static void Empty(ICollection collection, string message = "") { }
        public static void NotEmpty(ICollection collection, string message = "") { }
    }
}
