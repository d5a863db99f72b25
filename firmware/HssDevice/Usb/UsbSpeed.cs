namespace HssDevice.Usb
{
    /// <summary>USB 2.0 bus speeds a board's device controller can run at (USB 2.0 section 4.2.1).</summary>
    public enum UsbSpeed
    {
        /// <summary>12 Mb/s: bulk endpoints 64 bytes, interrupt bInterval in frames (1 ms).</summary>
        Full = 0,

        /// <summary>480 Mb/s: bulk endpoints 512 bytes, interrupt bInterval as 2^(n-1) microframes (125 us).</summary>
        High = 1,
    }
}
