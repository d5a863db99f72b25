using System;
using HssDevice.Compat.Tests.Facades;

namespace HssDevice.Compat.Tests;

/// <summary>The facades are built once per test run and shared by every test.</summary>
public static class FacadeCache
{
    private static readonly Lazy<FacadeSet> LazyFacades = new(() => FacadeBuilder.Build(RepositoryPaths.NanoFrameworkApi));

    public static FacadeSet Facades => LazyFacades.Value;
}
