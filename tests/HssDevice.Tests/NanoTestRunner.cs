using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using nanoFramework.TestFramework;

namespace HssDevice.Tests;

/// <summary>
/// Runs nanoFramework.TestFramework-style tests the way its launcher does: the class is never constructed
/// (tests keep state in static fields), [Setup] runs once before a class's first test and [Cleanup] once after.
/// Each test method (each [DataRow]) is one xunit case.
/// </summary>
public static class NanoTestRunner
{
    private static readonly ConcurrentDictionary<Type, Lazy<object>> SetUp = new();

    public static IEnumerable<NanoTestCase> Discover(Assembly assembly)
    {
        foreach (var type in assembly.GetTypes().Where(t => t.GetCustomAttribute<TestClassAttribute>() != null).OrderBy(t => t.FullName))
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                         .Where(m => m.GetCustomAttribute<TestMethodAttribute>() != null).OrderBy(m => m.MetadataToken))
            {
                var rows = method.GetCustomAttributes<DataRowAttribute>().ToArray();
                if (rows.Length == 0)
                {
                    yield return new NanoTestCase(method, null, 0);
                }

                for (int i = 0; i < rows.Length; i++)
                {
                    yield return new NanoTestCase(method, rows[i].MethodParameters, i);
                }
            }
        }
    }

    public static void Run(NanoTestCase test)
    {
        var type = test.Method.DeclaringType!;
        var instance = RuntimeHelpers.GetUninitializedObject(type);
        SetUp.GetOrAdd(type, t => new Lazy<object>(() =>
        {
            InvokeMarked<SetupAttribute>(t, instance);
            return new object();
        })).Value.ToString();
        try
        {
            test.Method.Invoke(test.Method.IsStatic ? null : instance, test.Arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException != null)
        {
            if (e.InnerException is SkipTestException)
            {
                return;
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
    }

    /// <summary>Runs [Cleanup] of every class whose [Setup] ran.</summary>
    public static void CleanupAll()
    {
        foreach (var type in SetUp.Keys)
        {
            InvokeMarked<CleanupAttribute>(type, RuntimeHelpers.GetUninitializedObject(type));
        }

        SetUp.Clear();
    }

    private static void InvokeMarked<T>(Type type, object instance)
        where T : Attribute
    {
        foreach (var m in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Where(m => m.GetCustomAttribute<T>() != null))
        {
            m.Invoke(m.IsStatic ? null : instance, null);
        }
    }
}

public sealed class NanoTestCase
{
    public NanoTestCase(MethodInfo method, object[]? arguments, int row)
    {
        Method = method;
        Arguments = arguments;
        Row = row;
    }

    public MethodInfo Method { get; }

    public object[]? Arguments { get; }

    public int Row { get; }

    public override string ToString() =>
        Method.DeclaringType!.Name + "." + Method.Name + (Arguments == null ? "" : "(" + string.Join(", ", Arguments) + ")");
}
