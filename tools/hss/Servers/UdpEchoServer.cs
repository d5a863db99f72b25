using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace HssDevice.Tool.Servers;

/// <summary>A UDP echo server: every datagram goes back to its sender unchanged.</summary>
public sealed class UdpEchoServer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly bool _corrupt;
    private readonly Task _loop;

    public UdpEchoServer(IPEndPoint endPoint, bool corrupt = false)
    {
        _corrupt = corrupt;
        _socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.Bind(endPoint);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }

        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _loop = EchoAsync(_stop.Token);
    }

    public IPEndPoint EndPoint { get; }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Dispose();
        await _loop.ConfigureAwait(false);
    }

    private async Task EchoAsync(CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[65536];
        EndPoint any = new IPEndPoint(EndPoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                SocketReceiveFromResult received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
                if (_corrupt && received.ReceivedBytes > 0)
                {
                    buffer[0] ^= 0xFF;
                }

                await _socket.SendToAsync(buffer.AsMemory(0, received.ReceivedBytes), SocketFlags.None, received.RemoteEndPoint, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // An ICMP "port unreachable" from an earlier reply's sender surfaces here on some systems; keep serving.
            }
        }
    }
}
