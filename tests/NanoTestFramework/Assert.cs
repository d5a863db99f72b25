using System;
using System.Collections;
using TestFrameworkShared;

namespace nanoFramework.TestFramework
{
    /// <summary>The subset of nanoFramework's Assert that device tests use; same names and parameter order.</summary>
    public sealed class Assert
    {
        public static void AreEqual(bool expected, bool actual, string message = "") => Eq(expected, actual, message);
        public static void AreEqual(byte expected, byte actual, string message = "") => Eq(expected, actual, message);
        public static void AreEqual(char expected, char actual, string message = "") => Eq(expected, actual, message);
        public static void AreEqual(short expected, short actual, string message = "") => Eq(expected, actual, message);
        public static void AreEqual(int expected, int actual, string message = "") => Eq(expected, actual, message);
        public static void AreEqual(long expected, long actual, string message = "") => Eq(expected, actual, message);
        public static void AreEqual(ushort expected, ushort actual, string message = "") => Eq(expected, actual, message);
        public static void AreEqual(uint expected, uint actual, string message = "") => Eq(expected, actual, message);
        public static void AreEqual(ulong expected, ulong actual, string message = "") => Eq(expected, actual, message);
        public static void AreEqual(double expected, double actual, string message = "") => Eq(expected, actual, message);
        public static void AreEqual(string expected, string actual, string message = "") => Eq(expected, actual, message);
        public static void AreEqual(object expected, object actual, string message = "") => Eq(expected, actual, message);

        public static void AreNotEqual(int notExpected, int actual, string message = "")
        {
            if (notExpected == actual)
            {
                Fail($"AreNotEqual failed: both are {actual}. {message}");
            }
        }

        public static void AreNotEqual(uint notExpected, uint actual, string message = "")
        {
            if (notExpected == actual)
            {
                Fail($"AreNotEqual failed: both are {actual}. {message}");
            }
        }

        public static void AreNotEqual(ushort notExpected, ushort actual, string message = "")
        {
            if (notExpected == actual)
            {
                Fail($"AreNotEqual failed: both are {actual}. {message}");
            }
        }

        public static void AreSame(object expected, object actual, string message = "")
        {
            if (!ReferenceEquals(expected, actual))
            {
                Fail("AreSame failed. " + message);
            }
        }

        public static void IsTrue(bool condition, string message = "")
        {
            if (!condition)
            {
                Fail("IsTrue failed. " + message);
            }
        }

        public static void IsFalse(bool condition, string message = "")
        {
            if (condition)
            {
                Fail("IsFalse failed. " + message);
            }
        }

        public static void IsNull(object value, string message = "")
        {
            if (value != null)
            {
                Fail($"IsNull failed: {value}. {message}");
            }
        }

        public static void IsNotNull(object value, string message = "")
        {
            if (value == null)
            {
                Fail("IsNotNull failed. " + message);
            }
        }

        public static void IsInstanceOfType(object value, Type expected, string message = "")
        {
            if (value == null || !expected.IsInstanceOfType(value))
            {
                Fail($"IsInstanceOfType failed: expected {expected}, got {value?.GetType()}. {message}");
            }
        }

        public static void Contains(string expected, string value, string message = "")
        {
            if (value == null || !value.Contains(expected, StringComparison.Ordinal))
            {
                Fail($"Contains failed: \"{expected}\" not in \"{value}\". {message}");
            }
        }

        public static void StartsWith(string expected, string value, string message = "")
        {
            if (value == null || !value.StartsWith(expected, StringComparison.Ordinal))
            {
                Fail($"StartsWith failed: \"{value}\" does not start with \"{expected}\". {message}");
            }
        }

        public static void Equal(Array expected, Array actual, string message = "")
        {
            if (!TestExtensions.SequenceEqual(expected, actual))
            {
                Fail($"Equal failed: [{Join(expected)}] != [{Join(actual)}]. {message}");
            }
        }

        [Obsolete("Use ThrowsException (TestFramework 3.0 marks Throws obsolete).")]
        public static void Throws(Type exceptionType, Action action, string message = "") => ThrowsException(exceptionType, action, message);

        public static void ThrowsException(Type exceptionType, Action action, string message = "")
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                if (!exceptionType.IsInstanceOfType(e))
                {
                    Fail($"Throws failed: expected {exceptionType.Name}, got {e.GetType().Name}: {e.Message}. {message}");
                }

                return;
            }

            Fail($"Throws failed: no {exceptionType.Name} was thrown. {message}");
        }


        public static void SkipTest(string message = null) => throw new SkipTestException(message);

        private static void Eq(object expected, object actual, string message)
        {
            if (!Equals(expected, actual))
            {
                Fail($"AreEqual failed: expected <{expected}>, actual <{actual}>. {message}");
            }
        }

        private static string Join(Array a)
        {
            if (a == null)
            {
                return "null";
            }

            var parts = new string[a.Length];
            for (int i = 0; i < a.Length; i++)
            {
                parts[i] = Convert.ToString(a.GetValue(i));
            }

            return string.Join(",", parts);
        }

        private static void Fail(string message) => throw new AssertFailedException(message);
    }

    public sealed class CollectionAssert
    {
        public static void AreEqual(ICollection expected, ICollection actual, string message = "")
        {
            var e = new ArrayList(expected);
            var a = new ArrayList(actual);
            bool same = e.Count == a.Count;
            for (int i = 0; same && i < e.Count; i++)
            {
                same = Equals(e[i], a[i]);
            }

            if (!same)
            {
                throw new AssertFailedException("CollectionAssert.AreEqual failed. " + message);
            }
        }
    }

    public static class TestExtensions
    {
        public static bool SequenceEqual(Array a, Array b)
        {
            if (a == null || b == null)
            {
                return a == b;
            }

            if (a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                if (!Equals(a.GetValue(i), b.GetValue(i)))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
