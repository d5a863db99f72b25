using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace HssDevice.Tool.Servers;

/// <summary>The accept loop and shutdown shared by the TCP servers of the demo and the bench.</summary>
internal static class ServerLoops
{
    /// <summary>Accepts until stopped; each connection runs on its own task and is closed when its handler ends.</summary>
    public static async Task AcceptAsync(TcpListener listener, Func<Socket, CancellationToken, Task> handle, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            connection.NoDelay = true;
            _ = ServeAsync(connection, handle, cancellationToken);
        }
    }

    public static async ValueTask StopAsync(TcpListener listener, CancellationTokenSource stop, Task acceptLoop)
    {
        stop.Cancel();
        listener.Stop();
        await acceptLoop.ConfigureAwait(false);
    }

    private static async Task ServeAsync(Socket connection, Func<Socket, CancellationToken, Task> handle, CancellationToken cancellationToken)
    {
        try
        {
            await handle(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The peer reset or the server stopped: the connection ends here, which the peer sees.
        }
        finally
        {
            connection.Dispose();
        }
    }
}
