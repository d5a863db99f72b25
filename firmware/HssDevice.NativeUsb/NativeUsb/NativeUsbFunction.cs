// The native USB function on the nanoCLR: InternalCall methods bound by firmware/native/nanoframework, which the
// firmware image must contain (docs/firmware.md). Compiles only for nanoFramework (NANOFRAMEWORK_1_0); the .NET
// build of this assembly uses the USB/IP port's library instead.
#if NANOFRAMEWORK_1_0
using System;
using System.Reflection;
using System.Runtime.CompilerServices;
using nanoFramework.Runtime.Events;

// The firmware's CLR_RT_NativeAssemblyData carries the same version (hss_nf_interop_table.cpp, written by
// tools/NfInterop). Change it when the native methods change in a way old firmware cannot serve.
[assembly: AssemblyNativeVersion("1.0.0.0")]

namespace HssDevice.Transport.NativeUsb
{
    /// <summary>
    /// The board's one native USB function (<see cref="Instance"/>): each call is one InternalCall into the firmware's
    /// binding, which calls hss_usb_* and never blocks the interpreter. Wake-ups come back as native events of the
    /// driver <see cref="EventDriverName"/> through a <see cref="NativeEventDispatcher"/>; each one calls the handler
    /// with the event's mask combined with <see cref="Ready"/>, so an event the nanoCLR's bounded event queue dropped
    /// is made up by the next one.
    /// </summary>
    public sealed class NativeUsbFunction : INativeUsbFunction
    {
        /// <summary>The native event driver's name (firmware/native/nanoframework/hss_nf_events.cpp).</summary>
        public const string EventDriverName = "HssDevice.NativeUsb.Events";

        private static readonly object CreateLock = new object();
        private static NativeUsbFunction _instance;

        private readonly NativeEventDispatcher _events;
        private NativeUsbEventHandler _handler;

        private NativeUsbFunction()
        {
            // Throws when the firmware lacks the binding (the driver is not registered): say so plainly.
            try
            {
                _events = new NativeEventDispatcher(EventDriverName, 0);
            }
            catch (Exception e)
            {
                throw new NotSupportedException("this firmware has no HssDevice.NativeUsb native assembly (docs/firmware.md): " + e.Message);
            }

            _events.OnInterrupt += OnNativeEvent;
        }

        /// <summary>The one instance; the first use subscribes to the firmware's wake-ups.</summary>
        public static NativeUsbFunction Instance
        {
            get
            {
                lock (CreateLock)
                {
                    if (_instance == null)
                    {
                        _instance = new NativeUsbFunction();
                    }

                    return _instance;
                }
            }
        }

        public int Open(byte[] descriptors, int commandQueuePackets, int dataOutBytes, int dataInBytes)
        {
            if (descriptors == null)
            {
                return NativeUsbStatus.Argument;
            }

            return NativeOpen(descriptors, commandQueuePackets, dataOutBytes, dataInBytes);
        }

        public void Close()
        {
            NativeClose();
        }

        public int LinkState()
        {
            return NativeLinkState();
        }

        public bool IsSinglePipe()
        {
            return NativeIsSinglePipe();
        }

        public int ReadCommand(byte[] buffer, int offset, int count)
        {
            return buffer == null ? NativeUsbStatus.Argument : NativeReadCommand(buffer, offset, count);
        }

        public int WriteCommand(byte[] buffer, int offset, int count)
        {
            return buffer == null ? NativeUsbStatus.Argument : NativeWriteCommand(buffer, offset, count);
        }

        public int ReadData(byte[] buffer, int offset, int count)
        {
            return buffer == null ? NativeUsbStatus.Argument : NativeReadData(buffer, offset, count);
        }

        public int WriteData(byte[] buffer, int offset, int count, bool endOfTransfer)
        {
            return buffer == null ? NativeUsbStatus.Argument : NativeWriteData(buffer, offset, count, endOfTransfer);
        }

        public int Ready()
        {
            return NativeReady();
        }

        public void SetEventHandler(NativeUsbEventHandler handler)
        {
            _handler = handler;
        }

        private void OnNativeEvent(uint events, uint unused, DateTime time)
        {
            NativeUsbEventHandler handler = _handler;
            if (handler != null)
            {
                handler((int)events | NativeReady());
            }
        }

        // The native side checks every offset and count against the array (hss_nf_binding.c) and returns
        // NativeUsbStatus.Argument for a range outside it.
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern int NativeOpen(byte[] descriptors, int commandQueuePackets, int dataOutBytes, int dataInBytes);

        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern void NativeClose();

        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern int NativeLinkState();

        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern bool NativeIsSinglePipe();

        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern int NativeReadCommand(byte[] buffer, int offset, int count);

        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern int NativeWriteCommand(byte[] buffer, int offset, int count);

        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern int NativeReadData(byte[] buffer, int offset, int count);

        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern int NativeWriteData(byte[] buffer, int offset, int count, bool endOfTransfer);

        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern int NativeReady();
    }
}
#endif
