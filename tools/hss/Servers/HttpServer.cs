using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace HssDevice.Tool.Servers;

/// <summary>
/// A minimal HTTP/1.0 server over TcpListener (HttpListener needs URL reservations for arbitrary prefixes): reads
/// the request head, answers every GET with a short text body and closes, as HTTP/1.0 does.
/// </summary>
public sealed class HttpServer : IAsyncDisposable
{
    public const string Body = "Hello from hss: this page travelled over HSS.\n";
    private const int MaxRequestHead = 8 * 1024;

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly bool _fail;
    private readonly Task _acceptLoop;

    public HttpServer(IPEndPoint endPoint, bool fail = false)
    {
        _fail = fail;
        _listener = new TcpListener(endPoint);
        _listener.Start();
        EndPoint = (IPEndPoint)_listener.LocalEndpoint;
        _acceptLoop = ServerLoops.AcceptAsync(_listener, AnswerAsync, _stop.Token);
    }

    public IPEndPoint EndPoint { get; }

    public ValueTask DisposeAsync() => ServerLoops.StopAsync(_listener, _stop, _acceptLoop);

    private async Task AnswerAsync(Socket connection, CancellationToken cancellationToken)
    {
        byte[] head = new byte[MaxRequestHead];
        int length = 0;
        while (length < head.Length && head.AsSpan(0, length).IndexOf("\r\n\r\n"u8) < 0)
        {
            int read = await connection.ReceiveAsync(head.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        string requestLine = Encoding.ASCII.GetString(head, 0, Math.Max(0, head.AsSpan(0, length).IndexOf("\r\n"u8)));
        string response = _fail ? Response("500 Internal Server Error", "")
            : requestLine.StartsWith("GET ", StringComparison.Ordinal) ? Response("200 OK", Body)
            : Response("405 Method Not Allowed", "");
        await connection.SendAsync(Encoding.ASCII.GetBytes(response), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        connection.Shutdown(SocketShutdown.Send);
    }

    private static string Response(string status, string body) =>
        $"HTTP/1.0 {status}\r\nContent-Type: text/plain\r\nContent-Length: {Encoding.ASCII.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
}
