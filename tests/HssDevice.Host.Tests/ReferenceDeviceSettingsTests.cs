using HssDevice.Host.Policy;
using Xunit;

namespace HssDevice.Host.Tests;

/// <summary>`hss host --usb` serves a device with the reference identity as the reference behaves, without
/// dropping the command line's limits and destination policy (a RealKernel run once lost --allow-loopback so).</summary>
public sealed class ReferenceDeviceSettingsTests
{
    [Fact]
    public void AsReferenceDeviceKeepsThePolicyAndLimits()
    {
        HssHostSettings chosen = new HssHostSettings { MaxSocketsPerDevice = 3 }.WithLoopbackAllowed();

        HssHostSettings reference = chosen.AsReferenceDevice();

        Assert.False(reference.WaitForDeviceTransmitAcks);
        Assert.False(reference.PackDataPackets);
        Assert.True(reference.SocketCommandsBehindData);
        Assert.True(reference.Destinations.AllowLoopback);
        Assert.Equal(3, reference.MaxSocketsPerDevice);
    }

    [Fact]
    public void ForReferenceDeviceKeepsTheDefaultPolicy()
    {
        Assert.False(HssHostSettings.ForReferenceDevice.Destinations.AllowLoopback);
        Assert.False(HssHostSettings.ForReferenceDevice.WaitForDeviceTransmitAcks);
    }
}
