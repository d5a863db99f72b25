using System;
using System.Threading.Tasks;
using HssDevice.LinuxGuest;
using Xunit;

namespace HssDevice.UsbIp.Tests.RealKernel;

/// <summary>
/// One booted guest for every RealKernel test (booting costs about 10 s under TCG). A guest that cannot boot makes
/// every test of the collection fail with the reason; none is skipped.
/// </summary>
public sealed class LinuxGuestFixture : IAsyncLifetime
{
    private LinuxGuest.LinuxGuest? _guest;
    private Exception? _bootFailure;

    public LinuxGuest.LinuxGuest Guest =>
        _guest ?? throw new LinuxGuestException("the Linux guest did not boot: " + _bootFailure?.Message);

    public async Task InitializeAsync()
    {
        try
        {
            _guest = await LinuxGuest.LinuxGuest.BootAsync().ConfigureAwait(false);
            Console.WriteLine($"RealKernel: guest booted in {_guest.BootTime.TotalSeconds:0.0} s");
        }
        catch (Exception e)
        {
            _bootFailure = e;
        }
    }

    public async Task DisposeAsync()
    {
        if (_guest != null)
        {
            await _guest.DisposeAsync().ConfigureAwait(false);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RealKernelCollection : ICollectionFixture<LinuxGuestFixture>
{
    public const string Name = "RealKernel guest";
}
