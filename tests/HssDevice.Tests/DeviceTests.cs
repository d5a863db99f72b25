using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace HssDevice.Tests;

/// <summary>Every device test of NFUnitTest (nanoFramework.TestFramework style) as one xunit case each.</summary>
public class DeviceTests : IClassFixture<DeviceTests.CleanupFixture>
{
    private static readonly Dictionary<string, NanoTestCase> Cases =
        NanoTestRunner.Discover(typeof(HssDevice.Tests.Device.DeviceTestsAssembly).Assembly).ToDictionary(c => c.ToString());

    public static IEnumerable<object[]> Names => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Names))]
    public void Run(string name) => NanoTestRunner.Run(Cases[name]);

    public sealed class CleanupFixture : IDisposable
    {
        public void Dispose() => NanoTestRunner.CleanupAll();
    }
}
