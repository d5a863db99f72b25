using System;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace HssDevice.EndToEnd.Tests;

/// <summary>Remote peers: real sockets on 127.0.0.1 or ::1 only, ports chosen by the OS.</summary>
public static class Peers
{
    public static IPAddress Loopback(string family) => family switch
    {
        "v4" => IPAddress.Loopback,
        "v6" => IPAddress.IPv6Loopback,
        _ => throw new ArgumentException("family is v4 or v6"),
    };

    public static TcpListener Listen(string family)
    {
        var listener = new TcpListener(Loopback(family), 0);
        listener.Start();
        return listener;
    }

    public static IPEndPoint EndPoint(this TcpListener listener) => (IPEndPoint)listener.LocalEndpoint;

    public static Task<Socket> AcceptAsync(this TcpListener listener) => listener.AcceptSocketAsync().WaitAsync(DeviceThread.Patience);

    /// <summary>A port nothing listens on: bound by a listener, noted, and the listener stopped.</summary>
    public static IPEndPoint ClosedPort(string family)
    {
        TcpListener listener = Listen(family);
        IPEndPoint endPoint = listener.EndPoint();
        listener.Stop();
        return endPoint;
    }

    /// <summary>Reads until the peer's FIN, hashing with SHA-256; returns the count and the digest.</summary>
    public static async Task<(long Count, byte[] Sha256)> ReceiveToEndAsync(Socket socket)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        while (true)
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(DeviceThread.Patience);
            if (n == 0)
            {
                return (total, hash.GetHashAndReset());
            }

            hash.AppendData(buffer, 0, n);
            total += n;
        }
    }

    public static async Task<byte[]> ReceiveExactlyAsync(Socket socket, int count)
    {
        byte[] buffer = new byte[count];
        int read = 0;
        while (read < count)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None).AsTask().WaitAsync(DeviceThread.Patience);
            if (n == 0)
            {
                throw new InvalidOperationException($"peer saw end of stream after {read} of {count} bytes");
            }

            read += n;
        }

        return buffer;
    }

    /// <summary>Sends all of data (a stream send may take only part of it) and reports the count sent.</summary>
    public static async Task SendAllAsync(Socket socket, byte[] data)
    {
        int sent = 0;
        while (sent < data.Length)
        {
            sent += await socket.SendAsync(data.AsMemory(sent), SocketFlags.None).AsTask().WaitAsync(DeviceThread.Patience);
        }
    }

    /// <summary>0 when the peer's next read is end of stream; the byte count otherwise.</summary>
    public static async Task<int> ReceiveAsync(Socket socket, int max = 4096) =>
        await socket.ReceiveAsync(new byte[max], SocketFlags.None).WaitAsync(DeviceThread.Patience);
}

/// <summary>A TCP echo server on loopback: echoes each connection until the peer's FIN, then sends its own FIN.</summary>
public sealed class TcpEchoServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    public TcpEchoServer(string family)
    {
        _listener = Peers.Listen(family);
        EndPoint = _listener.EndPoint();
        _accepting = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint { get; }

    public int Connections => Volatile.Read(ref _connections);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket = await _listener.AcceptSocketAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            _ = EchoAsync(socket);
        }
    }

    private async Task EchoAsync(Socket socket)
    {
        using (socket)
        {
            byte[] buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    int n = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (n == 0)
                    {
                        socket.Shutdown(SocketShutdown.Send);
                        return;
                    }

                    await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                // Stopped with the test, or the device's socket went away: the test's own checks report it.
            }
        }
    }
}
