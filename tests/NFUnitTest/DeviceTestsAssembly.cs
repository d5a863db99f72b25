namespace HssDevice.Tests.Device
{
    /// <summary>Marker type: lets the xunit runner find this assembly.</summary>
    public static class DeviceTestsAssembly
    {
    }
}
