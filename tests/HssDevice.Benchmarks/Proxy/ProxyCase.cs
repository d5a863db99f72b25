using HssDevice.Engine;
using HssDevice.Sample;
using HssDevice.Usb.Boards;

namespace HssDevice.Benchmarks.Proxy
{
    /// <summary>One proxy run: which device, which engine settings, which direction, what write size, how many bytes.</summary>
    public sealed class ProxyCase
    {
        public const string Defaults = "defaults";

        public ProxyCase(string device, string settingsName, bool deviceToHost, int writeSize, long bytes)
        {
            Device = device;
            SettingsName = settingsName;
            DeviceToHost = deviceToHost;
            WriteSize = writeSize;
            Bytes = bytes;
        }

        /// <summary>"engine" or "zero-work".</summary>
        public string Device { get; private set; }

        /// <summary>"defaults" (the library's HssEngineSettings) or a board name from boards/ (its BoardSetup settings).</summary>
        public string SettingsName { get; private set; }

        public bool DeviceToHost { get; private set; }

        /// <summary>Bytes per application Send (device-to-host) or per host write and application Receive (host-to-device).</summary>
        public int WriteSize { get; private set; }

        public long Bytes { get; private set; }

        /// <summary>Bytes moved before the counters are read (first calls, JIT, buffers); -1: an eighth of <see cref="Bytes"/>.</summary>
        public long WarmupBytes { get; set; } = -1;

        public string Direction
        {
            get { return DeviceToHost ? "device-to-host" : "host-to-device"; }
        }

        public HssEngineSettings CreateSettings()
        {
            return SettingsName == Defaults ? new HssEngineSettings() : BoardSetup.EngineSettings(BoardCatalog.Create(SettingsName));
        }
    }
}
