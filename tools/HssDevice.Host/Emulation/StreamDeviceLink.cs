using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using HssDevice.Transport;

namespace HssDevice.Host.Emulation;

/// <summary>
/// The device's single-pipe link over a byte stream (<c>hss emulate --connect</c>): HSS packets back to back on one
/// TCP connection, no extra framing. ReadData returns what the stream has; 0 once when the host closed it,
/// then it waits until Close.
/// </summary>
public sealed class StreamDeviceLink : IHssLink
{
    private readonly Stream _stream;
    private readonly object _writeLock = new();
    private readonly System.Threading.ManualResetEventSlim _closedEvent = new(false);
    private volatile bool _closed;
    private volatile bool _down;

    public StreamDeviceLink(Stream stream) => _stream = stream ?? throw new ArgumentNullException(nameof(stream));

    /// <summary>Connects to a host listening with <c>HssTcpListener</c> (<c>hss host --listen</c>).</summary>
    public static StreamDeviceLink ConnectTcp(IPEndPoint host)
    {
        var socket = new Socket(host.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Connect(host);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new StreamDeviceLink(new NetworkStream(socket, ownsSocket: true));
    }

    public bool HasCommandPipe => false;

    public void WriteCommand(byte[] buffer, int offset, int count) => WriteData(buffer, offset, count);

    public int ReadCommand(byte[] buffer, int offset, int count) =>
        throw new InvalidOperationException("single-pipe profile: commands arrive on the data pipe");

    public void WriteData(byte[] buffer, int offset, int count)
    {
        if (_closed)
        {
            throw new ObjectDisposedException(nameof(StreamDeviceLink));
        }

        // One lock keeps a packet whole when engine threads write commands and data at once.
        lock (_writeLock)
        {
            _stream.Write(buffer, offset, count);
        }
    }

    public int ReadData(byte[] buffer, int offset, int count)
    {
        if (_closed)
        {
            throw new ObjectDisposedException(nameof(StreamDeviceLink));
        }

        if (_down)
        {
            // IHssLink: after the link went down, later reads wait for it to come back; a stream never does.
            _closedEvent.Wait();
            return 0;
        }

        int read;
        try
        {
            read = _stream.Read(buffer, offset, count);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            read = 0;
        }

        if (read == 0)
        {
            _down = true;
        }

        return read;
    }

    public void Close()
    {
        _closed = true;
        _closedEvent.Set();
        _stream.Dispose();
    }
}
