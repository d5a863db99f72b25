using System;

namespace nanoFramework.TestFramework
{
    [AttributeUsage(AttributeTargets.Class)]
    public class TestClassAttribute : Attribute
    {
    }

    [AttributeUsage(AttributeTargets.Method)]
    public class TestMethodAttribute : Attribute
    {
    }

    /// <summary>Runs once before the class's tests (nanoFramework semantics, not per test).</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public class SetupAttribute : Attribute
    {
    }

    /// <summary>Runs once after the class's tests.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public class CleanupAttribute : Attribute
    {
    }

    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
    public class DataRowAttribute : Attribute
    {
        public DataRowAttribute(params object[] methodParameters)
        {
            MethodParameters = methodParameters;
        }

        public object[] MethodParameters { get; }
    }

    public class SkipTestException : Exception
    {
        public SkipTestException(string message = null, Exception innerException = null)
            : base(message, innerException)
        {
        }
    }

    public static class OutputHelper
    {
        public static void Write(string message) => Console.Write(message);

        public static void WriteLine(string message) => Console.WriteLine(message);
    }
}

namespace TestFrameworkShared
{
    public class AssertFailedException : Exception
    {
        public AssertFailedException()
        {
        }

        public AssertFailedException(string msg)
            : base(msg)
        {
        }

        public AssertFailedException(string msg, Exception ex)
            : base(msg, ex)
        {
        }
    }
}
