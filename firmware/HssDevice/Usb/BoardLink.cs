namespace HssDevice.Usb
{
    /// <summary>
    /// How a board's firmware puts the HSS interface on the bus: the board application opens the link this names.
    /// </summary>
    public enum BoardLink
    {
        /// <summary>
        /// The project's native USB function built into the firmware image (an interop assembly): it serves the
        /// descriptors of <see cref="UsbDescriptorBuilder"/> with the interrupt and bulk pairs.
        /// </summary>
        Native = 0,

        /// <summary>
        /// nanoFramework's managed UsbStream on stock firmware: the firmware's own descriptors, one bulk pair, the
        /// single-pipe profile (only the Silicon Labs GG11 images have it).
        /// </summary>
        UsbStream = 1,
    }
}
