namespace HssDevice.Tests.Device
{
    /// <summary>Marker type: lets the xunit runner find this assembly.</summary>
    /// <remarks>
    /// How the device tests are written: one [TestClass] per concern, its name ending in Tests. A test's name is a
    /// sentence in snake case saying what holds; code identifiers in it keep their spelling
    /// (OnHostClose_of_an_app_closed_socket_releases_it, Writes_while_down_fail_with_IOException). An engine test
    /// runs its body inside Rig.Run, which starts the rig and stops it however the body ends. Tests wait for a state
    /// (Wait.Until, ManualClock.AwaitWaiters) and move engine time with Rig.Advance; a fixed real-time wait only
    /// gives the engine a chance to do what it must not (FakeHost.ExpectSilence).
    /// </remarks>
    public static class DeviceTestsAssembly
    {
    }
}
