using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace HssDevice.Tool.Servers;

/// <summary>A TCP echo server: every byte received on a connection is sent back; the peer's FIN is passed on.</summary>
public sealed class TcpEchoServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly bool _corrupt;
    private readonly Task _acceptLoop;

    public TcpEchoServer(IPEndPoint endPoint, bool corrupt = false)
    {
        _corrupt = corrupt;
        _listener = new TcpListener(endPoint);
        _listener.Start();
        EndPoint = (IPEndPoint)_listener.LocalEndpoint;
        _acceptLoop = ServerLoops.AcceptAsync(_listener, EchoAsync, _stop.Token);
    }

    public IPEndPoint EndPoint { get; }

    public ValueTask DisposeAsync() => ServerLoops.StopAsync(_listener, _stop, _acceptLoop);

    private async Task EchoAsync(Socket connection, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[16 * 1024];
        long echoed = 0;
        while (true)
        {
            int read = await connection.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                connection.Shutdown(SocketShutdown.Send);
                return;
            }

            // A corrupting server flips the byte at stream position 1000 (inside every echo of 1 KiB or more).
            if (_corrupt && echoed <= 1000 && echoed + read > 1000)
            {
                buffer[1000 - echoed] ^= 0xFF;
            }

            echoed += read;
            await connection.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
    }
}
