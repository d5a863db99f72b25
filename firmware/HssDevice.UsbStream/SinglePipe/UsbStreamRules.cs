using System;

namespace HssDevice.Transport.SinglePipe
{
    /// <summary>
    /// What stock nanoFramework's UsbStream on the Silicon Labs GG11 images demands of its caller, as read in
    /// nf-interpreter's targets/ThreadX/SiliconLabs (not seen on a board): the USB controller's DMA moves whole
    /// 64-byte packets into a word-aligned buffer, and the native write takes its timeout as a 16-bit count of
    /// milliseconds. <see cref="StreamLink"/> and <see cref="UsbStreamLink"/> keep to these rules.
    /// </summary>
    public static class UsbStreamRules
    {
        /// <summary>wMaxPacketSize of both bulk endpoints (full speed).</summary>
        public const int PacketSize = 64;

        /// <summary>A read's offset into its array must be a multiple of this.</summary>
        public const int ReadAlignment = 4;

        /// <summary>
        /// The longest finite timeout: the firmware passes WriteTimeout as an int16 of milliseconds to its synchronous
        /// write (writes of 64 bytes or less), so more would wrap; 0 and -1 (Timeout.Infinite) wait forever.
        /// </summary>
        public const int MaxTimeout = 32767;

        /// <summary>Default UsbStream.ReadTimeout of UsbStreamLink: a blocked read wakes this often to notice a lost host.</summary>
        public const int DefaultReadTimeout = 500;

        /// <summary>
        /// Default UsbStream.WriteTimeout of UsbStreamLink: a write the host never takes fails instead of hanging (a write
        /// of 64 bytes or less waits until the host reads it).
        /// </summary>
        public const int DefaultWriteTimeout = 5000;

        /// <summary>Whether a read of count bytes at offset is one the firmware accepts: aligned, whole packets, not empty.</summary>
        public static bool IsAllowedRead(int offset, int count)
        {
            return offset >= 0 && offset % ReadAlignment == 0 && count > 0 && count % PacketSize == 0;
        }

        /// <summary>
        /// Throws unless milliseconds is a finite timeout the firmware honours (1 to <see cref="MaxTimeout"/>): with
        /// an infinite one a write of 64 bytes or less waits for the host forever, and a read never lets the link
        /// look at its state.
        /// </summary>
        public static void CheckTimeout(int milliseconds, string name)
        {
            if (milliseconds < 1 || milliseconds > MaxTimeout)
            {
                throw new ArgumentOutOfRangeException(name, name + " must be finite: 1 to " + MaxTimeout.ToString() + " ms");
            }
        }
    }
}
