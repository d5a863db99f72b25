namespace HssDevice.Benchmarks;

/// <summary>Which link the device's engine runs on in a <see cref="DevicePath"/>.</summary>
public enum DeviceTransport
{
    /// <summary>Command pipe and data pipe: the engine talks to <see cref="LoopbackHostLink"/> directly.</summary>
    TwoPipes,

    /// <summary>Single pipe: the device's own StreamLink over a <see cref="LoopbackHostStream"/> (as over UsbStream).</summary>
    StreamLink,
}
