namespace HssDevice.Transport.NativeUsb
{
    /// <summary>
    /// The native USB function's API (firmware/native/include/hss_usb.h) as managed code calls it: InternalCall
    /// methods on the nanoCLR, P/Invoke into the USB/IP port's library on .NET. No call blocks: reads and writes take
    /// or queue what they can now; readiness arrives through the handler set with <see cref="SetEventHandler"/>.
    /// Negative results are <see cref="NativeUsbStatus"/> values.
    /// </summary>
    public interface INativeUsbFunction
    {
        /// <summary>Opens the function with a descriptor blob (docs/native-usb.md) and queue sizes; a NativeUsbStatus.</summary>
        int Open(byte[] descriptors, int commandQueuePackets, int dataOutBytes, int dataInBytes);

        /// <summary>Disconnects and fails what is in flight; later calls return NativeUsbStatus.NotOpen.</summary>
        void Close();

        /// <summary>0 down, 1 up (the host configured the function).</summary>
        int LinkState();

        /// <summary>True in the single-pipe profile (no interrupt endpoints).</summary>
        bool IsSinglePipe();

        /// <summary>One whole command packet: its length, 0 when none is queued, or a negative status.</summary>
        int ReadCommand(byte[] buffer, int offset, int count);

        /// <summary>Queues one command packet: count, 0 when the queue is full, or a negative status.</summary>
        int WriteCommand(byte[] buffer, int offset, int count);

        /// <summary>Bytes of the bulk OUT stream: the count, 0 when none now, or a negative status.</summary>
        int ReadData(byte[] buffer, int offset, int count);

        /// <summary>
        /// Queues bytes of a bulk IN transfer: the count taken (possibly less), 0 when no room, or a negative status.
        /// The transfer ends after a call with endOfTransfer whose bytes were all taken.
        /// </summary>
        int WriteData(byte[] buffer, int offset, int count, bool endOfTransfer);

        /// <summary>The events that hold now (NativeUsbEvents flags, LinkChanged excluded).</summary>
        int Ready();

        /// <summary>Sets the handler called with each wake mask, from any thread; null removes it.</summary>
        void SetEventHandler(NativeUsbEventHandler handler);
    }
}
