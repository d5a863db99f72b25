using System;

namespace HssDevice.Benchmarks.Proxy
{
    /// <summary>The device side the proxy drives: the real engine with a socket, or the zero-work stand-in.</summary>
    public interface IProxyDevice : IDisposable
    {
        /// <summary>"engine" or "zero-work".</summary>
        string Name { get; }

        /// <summary>The handle host TRANSMITs are addressed to.</summary>
        uint SocketHandle { get; }

        /// <summary>False when the device's data reader consumes host TRANSMITs itself (the application reads nothing).</summary>
        bool ApplicationReceives { get; }

        /// <summary>Device-to-host: the application writes size bytes (blocks while the window is full).</summary>
        void Send(byte[] buffer, int offset, int size);

        /// <summary>Host-to-device: the application reads up to size bytes (blocks until some arrive).</summary>
        int Receive(byte[] buffer, int offset, int size);
    }
}
