// The board's USB link, as its settings say (BoardSettings.Link): compiles only for nanoFramework, where both links
// exist (the native function's InternalCalls and stock firmware's UsbStream).
#if NANOFRAMEWORK_1_0
using System;
using HssDevice.Transport;
using HssDevice.Transport.NativeUsb;
using HssDevice.Transport.SinglePipe;
using HssDevice.Usb;

namespace HssDevice.App
{
    /// <summary>
    /// Opens the link the board's firmware offers: <see cref="BoardLink.Native"/>, the project's native USB function
    /// built into the firmware image (docs/firmware.md), serving this board's descriptors from
    /// <see cref="UsbDescriptorBuilder"/>; or <see cref="BoardLink.UsbStream"/>, stock firmware's UsbStream with the
    /// board's interface GUID and product name (the single-pipe profile).
    /// </summary>
    public sealed class BoardConnection
    {
        /// <summary>Command packets the native function queues per direction.</summary>
        public const int CommandQueuePackets = 8;

        /// <summary>Host-to-device bulk bytes the native function buffers before it NAKs the OUT endpoint.</summary>
        public const int DataOutBytes = 4096;

        /// <summary>Device-to-host bulk bytes the native function queues before WriteData takes no more.</summary>
        public const int DataInBytes = 4096;

        private readonly NativeUsbLink _native;
        private readonly UsbStreamLink _usbStream;

        private BoardConnection(NativeUsbLink native, UsbStreamLink usbStream)
        {
            _native = native;
            _usbStream = usbStream;
        }

        /// <summary>The link to start the engine on.</summary>
        public IHssLink Link
        {
            get { return _native != null ? (IHssLink)_native : _usbStream.Link; }
        }

        /// <summary>Whether the host has the device configured now.</summary>
        public bool IsUp
        {
            get { return _native != null ? _native.IsUp : _usbStream.Link.IsUp; }
        }

        public static BoardConnection Open(BoardSettings board)
        {
            board.Validate();
            if (board.Link == BoardLink.UsbStream)
            {
                return new BoardConnection(null, UsbStreamLink.Open(new Guid(board.DeviceInterfaceGuid.Trim('{', '}')), board.Product));
            }

            NativeUsbFunction function = NativeUsbFunction.Instance;
            byte[] descriptors = UsbDescriptorBlob.Build(new UsbDescriptorBuilder(board));
            int status = function.Open(descriptors, CommandQueuePackets, DataOutBytes, DataInBytes);
            if (status != NativeUsbStatus.Ok)
            {
                throw new InvalidOperationException("the native USB function did not open: " + NativeUsbStatus.NameOf(status));
            }

            return new BoardConnection(new NativeUsbLink(function), null);
        }
    }
}
#endif
