// System.Device.Usb exists only on nanoFramework (package nanoFramework.System.Device.UsbStream): this file is the
// whole UsbStream-specific part and compiles to nothing in the net10.0 twin. The logic it feeds (StreamLink) is
// tested on .NET and in the nanoFramework emulator against a fake stream.
#if NANOFRAMEWORK_1_0
using System;
using System.Device.Usb;

namespace HssDevice.Transport.SinglePipe
{
    /// <summary>
    /// Opens nanoFramework's UsbStream (one WinUSB bulk pair) as an HSS single-pipe link and turns its
    /// UsbDeviceConnectionChanged events into link up/down.
    /// </summary>
    public sealed class UsbStreamLink
    {
        /// <summary>Default UsbStream.ReadTimeout (<see cref="UsbStreamRules.DefaultReadTimeout"/>).</summary>
        public const int DefaultReadTimeout = UsbStreamRules.DefaultReadTimeout;

        /// <summary>Default UsbStream.WriteTimeout (<see cref="UsbStreamRules.DefaultWriteTimeout"/>).</summary>
        public const int DefaultWriteTimeout = UsbStreamRules.DefaultWriteTimeout;

        private readonly StreamLink _link;

        private UsbStreamLink(UsbStream stream)
        {
            // StreamLink reads into its own buffer at offset 0, whole 64-byte packets (UsbStreamRules).
            _link = new StreamLink(stream, stream.IsConnected);
            stream.UsbDeviceConnectionChanged += new UsbDeviceConnectionChangedEventHandler(OnConnectionChanged);
        }

        /// <summary>The HSS link (HasCommandPipe false) to hand to the engine.</summary>
        public StreamLink Link
        {
            get { return _link; }
        }

        /// <summary>
        /// Creates the device's UsbStream (nanoFramework allows one) with the interface GUID Windows binds WinUSB to
        /// and the interface name (the firmware's product and interface string), and wraps it.
        /// Both timeouts must be finite, 1 to 32767 ms (<see cref="UsbStreamRules.CheckTimeout"/>).
        /// </summary>
        public static UsbStreamLink Open(Guid deviceInterfaceGuid, string interfaceName, int readTimeout, int writeTimeout)
        {
            UsbStreamRules.CheckTimeout(readTimeout, "readTimeout");
            UsbStreamRules.CheckTimeout(writeTimeout, "writeTimeout");
            UsbStream stream = UsbClient.CreateUsbStream(deviceInterfaceGuid, interfaceName);
            stream.ReadTimeout = readTimeout;
            stream.WriteTimeout = writeTimeout;
            return new UsbStreamLink(stream);
        }

        public static UsbStreamLink Open(Guid deviceInterfaceGuid, string interfaceName)
        {
            return Open(deviceInterfaceGuid, interfaceName, DefaultReadTimeout, DefaultWriteTimeout);
        }

        private void OnConnectionChanged(object sender, DeviceConnectionEventArgs e)
        {
            _link.SetConnected(e.IsConnected);
        }
    }
}
#endif
