using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace HssDevice.Host.Tests;

/// <summary>Real peers on loopback only, ports chosen by the OS.</summary>
public static class Loopback
{
    public static IPAddress Address(string family) => family == "v6" ? IPAddress.IPv6Loopback : IPAddress.Loopback;

    public static TcpListener StartTcpListener(string family)
    {
        var listener = new TcpListener(Address(family), 0);
        listener.Start();
        return listener;
    }

    public static IPEndPoint EndPoint(this TcpListener listener) => (IPEndPoint)listener.LocalEndpoint;

    /// <summary>A port nothing listens on: bound by a listener that is then stopped.</summary>
    public static IPEndPoint ClosedPort(string family)
    {
        var listener = StartTcpListener(family);
        IPEndPoint endPoint = listener.EndPoint();
        listener.Stop();
        return endPoint;
    }

    public static async Task<byte[]> ReadExactlyAsync(Socket socket, int count)
    {
        byte[] buffer = new byte[count];
        int read = 0;
        while (read < count)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None).AsTask().WaitAsync(RawDevice.Patience);
            if (n == 0)
            {
                throw new InvalidOperationException($"peer closed after {read} of {count} bytes");
            }

            read += n;
        }

        return buffer;
    }
}
