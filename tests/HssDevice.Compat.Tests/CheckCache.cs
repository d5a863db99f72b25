using System;
using HssDevice.Compat.Tests.Checks;
using HssDevice.Compat.Tests.Facades;

namespace HssDevice.Compat.Tests;

/// <summary>The facades and the compiled device code, built once per test run and shared by every test.</summary>
public static class CheckCache
{
    private static readonly Lazy<FacadeSet> LazyFacades = new(() => FacadeBuilder.Build(RepositoryPaths.NanoFrameworkMscorlib, RepositoryPaths.NanoFrameworkFacades));

    private static readonly Lazy<DeviceCompileResult> LazyDevice = new(() => DeviceCompiler.Compile(
        Facades,
        DeviceSources.Firmware(RepositoryPaths.Root),
        DeviceSources.DeviceTests(RepositoryPaths.Root)));

    public static FacadeSet Facades => LazyFacades.Value;

    /// <summary>The real device code checked against the facades.</summary>
    public static DeviceCompileResult Device => LazyDevice.Value;
}
