// Facade of nanoFramework's System.Device.UsbStream 1.0 (package nanoFramework.System.Device.UsbStream, namespace
// System.Device.Usb), written for the compatibility check from the library's public API: all of it, as
// UsbStreamLink uses most of it. Bodies are never run.
namespace System.Device.Usb
{
    public class DeviceConnectionEventArgs : EventArgs
    {
        public bool IsConnected { get { throw null; } }
    }

    public delegate void UsbDeviceConnectionChangedEventHandler(object sender, DeviceConnectionEventArgs e);

    public class UsbClient
    {
        public static UsbStream CreateUsbStream(Guid classId, string name) { throw null; }
    }

    public sealed class UsbStream : System.IO.Stream
    {
        private UsbStream() { }

        public event UsbDeviceConnectionChangedEventHandler UsbDeviceConnectionChanged { add { } remove { } }

        public bool IsConnected { get { throw null; } }
        public override bool CanRead { get { throw null; } }
        public override bool CanSeek { get { throw null; } }
        public override bool CanWrite { get { throw null; } }
        public override long Length { get { throw null; } }
        public override long Position { get { throw null; } set { } }
        public override int ReadTimeout { get { throw null; } set { } }
        public override int WriteTimeout { get { throw null; } set { } }

        protected override void Dispose(bool disposing) { }
        ~UsbStream() { }
        public override void Flush() { }
        public int Read(byte[] buffer) { throw null; }
        public override int Read(byte[] buffer, int offset, int count) { throw null; }
        public override int Read(SpanByte buffer) { throw null; }
        public override long Seek(long offset, System.IO.SeekOrigin origin) { throw null; }
        public override void SetLength(long value) { }
        public void Write(byte[] buffer) { }
        public override void Write(byte[] buffer, int offset, int count) { }
    }
}
