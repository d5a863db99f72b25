using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace HssDevice.Host.Links;

/// <summary>
/// The single-pipe profile over any byte stream (a TCP connection for <c>hss host --listen</c>, a serial port):
/// HSS packets back to back, commands whole between data packets, no extra framing (docs/protocol.md section 3).
/// A stream has no transfer boundaries, so lost framing cannot be recovered: <see cref="ResetAsync"/> ends the link.
/// </summary>
public sealed class StreamHostLink : IHostLink
{
    private readonly Stream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private int _disposed;

    public StreamHostLink(Stream stream, string description)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        Description = description;
    }

    public static StreamHostLink ForSocket(Socket connected)
    {
        connected.NoDelay = true;
        return new StreamHostLink(new NetworkStream(connected, ownsSocket: true), "tcp " + connected.RemoteEndPoint) { _socket = connected };
    }

    private Socket? _socket;

    /// <summary>The device has sent bytes the host has not read yet (a TCP link); false when unknown. The host asks
    /// when choosing a device to evict: a device whose first packet is already here is not the one to drop.</summary>
    public bool HasUnreadBytes
    {
        get
        {
            try
            {
                return _socket != null && Volatile.Read(ref _disposed) == 0 && _socket.Available > 0;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return false;
            }
        }
    }

    public bool HasCommandPipe => false;

    public string Description { get; }

    public ValueTask WriteCommandAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken) => WriteAsync(packet, cancellationToken);

    public ValueTask<int> ReadCommandAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("single-pipe profile: commands arrive on the data pipe");

    public ValueTask WriteDataAsync(ReadOnlyMemory<byte> transfer, CancellationToken cancellationToken) => WriteAsync(transfer, cancellationToken);

    public async ValueTask<int> ReadDataAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await _stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException && Volatile.Read(ref _disposed) != 0)
        {
            return 0;
        }
    }

    public async ValueTask<bool> ResetAsync(CancellationToken cancellationToken)
    {
        await DisposeAsync().ConfigureAwait(false);
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
