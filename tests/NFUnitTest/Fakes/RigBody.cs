namespace HssDevice.Tests.Device
{
    /// <summary>A test body that plays the host against a running rig; see <see cref="Rig.Run(RigBody)"/>.</summary>
    public delegate void RigBody(Rig rig);
}
