// Facade of nanoFramework's nanoFramework.Runtime.Events 1.11 (package nanoFramework.Runtime.Events), written for
// the compatibility check from the library's public API listing: all of it.
// NativeUsbFunction subscribes to a NativeEventDispatcher. Bodies are never run.
namespace nanoFramework.Runtime.Events
{
    public class BaseEvent
    {
        public ushort Source;
        public byte Message;
    }

    public class GenericEvent : BaseEvent
    {
        public byte Category;
        public uint Data;
        public System.DateTime Time;
    }

    public enum EventCategory
    {
        Unknown = 0,
        Custom = 10,
        Gpio = 20,
        SerialDevice = 30,
        Network = 40,
        WiFi = 50,
        Can = 60,
        Storage = 70,
        Radio = 80,
        HighResolutionTimer = 90,
        Bluetooth = 100,
        Usb = 110,
        Touch = 120,
        Gesture = 130,
        OpenThread = 140,
        EspNow = 150,
    }

    public interface IEventListener
    {
        void InitializeForEventSource();
        bool OnEvent(BaseEvent ev);
    }

    public interface IEventProcessor
    {
        BaseEvent ProcessEvent(uint data1, uint data2, System.DateTime time);
    }

    public delegate void NativeEventHandler(uint data1, uint data2, System.DateTime time);

    public class NativeEventDispatcher : System.IDisposable
    {
        protected NativeEventHandler threadSpawn;
        protected NativeEventHandler callbacks;
        protected bool disposed;

        public NativeEventDispatcher(string driverName, ulong driverData) { }

        ~NativeEventDispatcher() { }

        public event NativeEventHandler OnInterrupt { add { } remove { } }

        public virtual void EnableInterrupt() { }
        public virtual void DisableInterrupt() { }
        protected virtual void Dispose(bool disposing) { }
        public void Dispose() { }
    }

    public class EventSink : NativeEventDispatcher
    {
        private EventSink() : base(null, 0) { }

        public static void AddEventFilter(EventCategory eventCategory, IEventListener eventFilter) { }
        public static void AddEventListener(EventCategory eventCategory, IEventListener eventListener) { }
        public static void AddEventProcessor(EventCategory eventCategory, IEventProcessor eventProcessor) { }
        public static void PostManagedEvent(byte category, byte subCategory, ushort data1, uint data2) { }
        public static void RemoveEventFilter(EventCategory eventCategory, IEventListener eventFilter) { }
        public static void RemoveEventListener(EventCategory eventCategory, IEventListener eventListener) { }
        public static void RemoveEventProcessor(EventCategory eventCategory, IEventProcessor eventProcessor) { }
    }

    public class CustomEventArgs : System.EventArgs
    {
        public ushort Data1 { get { throw null; } }
        public uint Data2 { get { throw null; } }
    }

    public delegate void CustomEventPostedEventHandler(object sender, CustomEventArgs e);

    public static class CustomEvent
    {
        public static event CustomEventPostedEventHandler CustomEventPosted { add { } remove { } }
    }

    public static class WeakDelegate
    {
        public static System.Delegate Combine(System.Delegate a, System.Delegate b) { throw null; }
        public static System.Delegate Remove(System.Delegate a, System.Delegate b) { throw null; }
    }
}
