namespace HssDevice.Transport.NativeUsb
{
    /// <summary>Called by the native function with a mask of <see cref="NativeUsbEvents"/> flags, from any thread.</summary>
    public delegate void NativeUsbEventHandler(int events);
}
