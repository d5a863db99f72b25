using System;
using HssDevice.Engine;
using HssDevice.Sockets;
using HssDevice.Transport;
using HssDevice.Transport.SinglePipe;

namespace HssDevice.Benchmarks;

/// <summary>
/// The device path under measurement: an <see cref="HssEngine"/> with default settings on a
/// <see cref="LoopbackHostLink"/> (directly, or through the device's StreamLink in the single-pipe profile), and
/// one connected TCP <see cref="HssSocket"/>. The benchmarks, the --check-alloc
/// mode and the allocation tests all drive it through <see cref="SendOne"/> and <see cref="ReceiveOne"/>.
/// </summary>
public sealed class DevicePath : IDisposable
{
    /// <summary>Longest a single operation may block before the run is declared broken.</summary>
    public const int OperationTimeoutMs = 5000;

    private readonly byte[] _payload;
    private readonly byte[] _received;

    private DevicePath(HssEngineSettings settings, DeviceTransport transport)
    {
        Settings = settings;
        Transport = transport;
        Link = new LoopbackHostLink(settings.MaxDataPayload, transport == DeviceTransport.StreamLink);
        IHssLink deviceLink = transport == DeviceTransport.StreamLink ? new StreamLink(new LoopbackHostStream(Link), true) : Link;
        Engine = new HssEngine(deviceLink, settings);
        _payload = new byte[Math.Max(settings.MaxTransmitPayload, settings.MaxDataPayload)];
        _received = new byte[_payload.Length];
        new Random(2).NextBytes(_payload);
    }

    public HssEngineSettings Settings { get; }

    public DeviceTransport Transport { get; }

    public LoopbackHostLink Link { get; }

    public HssEngine Engine { get; }

    public HssSocket Socket { get; private set; }

    /// <summary>Starts the engine and opens and connects one TCP socket (the host ACKs both).</summary>
    public static DevicePath Start(DeviceTransport transport = DeviceTransport.TwoPipes)
    {
        return Start(new HssEngineSettings(), transport);
    }

    public static DevicePath Start(HssEngineSettings settings, DeviceTransport transport)
    {
        var path = new DevicePath(settings, transport);
        try
        {
            path.Engine.Start();
            path.Socket = new HssSocket(path.Engine, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            path.Socket.Connect(new HssEndPoint(HssIPAddress.Loopback, 7));
            path.Socket.SendTimeout = OperationTimeoutMs;
            path.Socket.ReceiveTimeout = OperationTimeoutMs;
            path.Link.WaitUntilCommandsHandled(OperationTimeoutMs);
            return path;
        }
        catch
        {
            path.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One Send of size bytes: the engine sends one TRANSMIT, the host ACKs it, and this returns once the engine
    /// has handled that ACK (the socket's window is empty again), so every call is one whole packet exchange.
    /// </summary>
    public void SendOne(int size)
    {
        Socket.Send(_payload, 0, size, SocketFlags.None);
        Link.WaitUntilCommandsHandled(OperationTimeoutMs);
    }

    /// <summary>
    /// One Send of size bytes without waiting for ACKs: the window (SendWindow bytes unacknowledged) and the
    /// coalescing of small writes pace the caller, as in a program streaming data.
    /// </summary>
    public void SendStreaming(int size)
    {
        Socket.Send(_payload, 0, size, SocketFlags.None);
    }

    /// <summary>
    /// One host TRANSMIT of size bytes: the host injects it into the data pipe, the application receives all of it,
    /// and the device ACKs it (written by Receive before it returns).
    /// </summary>
    public void ReceiveOne(int size)
    {
        Link.InjectTransmit(Socket.Handle, _payload, 0, size);
        int got = 0;
        while (got < size)
        {
            int n = Socket.Receive(_received, got, size - got, SocketFlags.None);
            if (n == 0)
            {
                throw new InvalidOperationException("end of stream after " + got + " of " + size + " bytes");
            }

            got += n;
        }
    }

    /// <summary>Waits until both reader threads are idle and every packet has been answered.</summary>
    public void WaitUntilIdle()
    {
        Link.WaitUntilCommandsHandled(OperationTimeoutMs);
        Link.WaitUntilDataReaderIdle(OperationTimeoutMs);
        if (Link.UnansweredHostTransmits != 0)
        {
            throw new InvalidOperationException(Link.UnansweredHostTransmits + " host TRANSMITs were not acknowledged");
        }
    }

    public void Dispose()
    {
        Socket?.Close();
        Engine.Dispose();
    }
}
