namespace HssDevice.Tests.Device
{
    /// <summary>A state a test waits for; see <see cref="Wait.Until"/>.</summary>
    public delegate bool Condition();
}
