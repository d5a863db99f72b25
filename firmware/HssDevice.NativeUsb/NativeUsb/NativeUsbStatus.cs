namespace HssDevice.Transport.NativeUsb
{
    /// <summary>hss_usb_status_t of hss_usb.h, same values (fixed: the native side never reorders them).</summary>
    public static class NativeUsbStatus
    {
        public const int Ok = 0;

        /// <summary>A null buffer, a zero size, a count over the caller's buffer.</summary>
        public const int Argument = -1;

        /// <summary>Called before open or after close.</summary>
        public const int NotOpen = -2;

        /// <summary>A write while the host has not configured the function.</summary>
        public const int LinkDown = -3;

        /// <summary>A read: the link went down since this pipe's last read; reported once per pipe.</summary>
        public const int LinkReset = -4;

        /// <summary>A command over 64 bytes, or a read buffer smaller than the packet.</summary>
        public const int TooLarge = -5;

        /// <summary>The memory given to open is too small.</summary>
        public const int NoMemory = -6;

        /// <summary>The descriptor blob is malformed or lacks a required descriptor.</summary>
        public const int Descriptors = -7;

        /// <summary>The port failed to open an endpoint or start a transfer.</summary>
        public const int Port = -8;

        /// <summary>The status's name, for messages ("LinkDown", or the number when unknown).</summary>
        public static string NameOf(int status)
        {
            switch (status)
            {
                case Ok: return "Ok";
                case Argument: return "Argument";
                case NotOpen: return "NotOpen";
                case LinkDown: return "LinkDown";
                case LinkReset: return "LinkReset";
                case TooLarge: return "TooLarge";
                case NoMemory: return "NoMemory";
                case Descriptors: return "Descriptors";
                case Port: return "Port";
                default: return status.ToString();
            }
        }
    }
}
