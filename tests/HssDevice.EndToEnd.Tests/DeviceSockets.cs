using System;
using System.Net;
using System.Security.Cryptography;
using HssDevice.Engine;
using HssDevice.Sockets;
using Xunit;

namespace HssDevice.EndToEnd.Tests;

/// <summary>Device application steps over HssSocket, written as a board application would use it.</summary>
public static class DeviceSockets
{
    public static HssSocket OpenTcp(HssEngine engine, IPEndPoint remote) =>
        Open(engine, remote, Sockets.SocketType.Stream, Sockets.ProtocolType.Tcp);

    public static HssSocket OpenUdp(HssEngine engine, IPEndPoint remote) =>
        Open(engine, remote, Sockets.SocketType.Dgram, Sockets.ProtocolType.Udp);

    /// <summary>OPEN then CONNECT to a System.Net endpoint (the test's loopback peer).</summary>
    public static HssSocket Open(HssEngine engine, IPEndPoint remote, Sockets.SocketType type, Sockets.ProtocolType protocol)
    {
        var socket = new HssSocket(engine, FamilyOf(remote), type, protocol);
        socket.Connect(ToHss(remote));
        return socket;
    }

    public static Sockets.AddressFamily FamilyOf(IPEndPoint endPoint) =>
        endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? Sockets.AddressFamily.InterNetworkV6 : Sockets.AddressFamily.InterNetwork;

    public static HssEndPoint ToHss(IPEndPoint endPoint) => new(new HssIPAddress(endPoint.Address.GetAddressBytes()), endPoint.Port);

    /// <summary>Sends all of data in writes of `chunk` bytes (each Send must report the whole write).</summary>
    public static void SendAll(HssSocket socket, byte[] data, int chunk)
    {
        for (int offset = 0; offset < data.Length; offset += chunk)
        {
            int n = Math.Min(chunk, data.Length - offset);
            Assert.Equal(n, socket.Send(data, offset, n, Sockets.SocketFlags.None));
        }
    }

    /// <summary>Reads exactly count bytes; fails if the stream ends first.</summary>
    public static byte[] ReceiveExactly(HssSocket socket, int count)
    {
        byte[] buffer = new byte[count];
        int total = 0;
        while (total < count)
        {
            int n = socket.Receive(buffer, total, count - total, Sockets.SocketFlags.None);
            Assert.True(n > 0, $"device stream ended after {total} of {count} bytes");
            total += n;
        }

        return buffer;
    }

    /// <summary>Reads until end of stream (Receive returns 0), hashing what HssSocket returned; returns the byte count.</summary>
    public static long ReceiveToEnd(HssSocket socket, IncrementalHash hash, int readSize = 4096)
    {
        byte[] buffer = new byte[readSize];
        long total = 0;
        while (true)
        {
            int n = socket.Receive(buffer, 0, buffer.Length, Sockets.SocketFlags.None);
            if (n == 0)
            {
                return total;
            }

            hash.AppendData(buffer, 0, n);
            total += n;
        }
    }

    public static void ShutdownSend(HssSocket socket) => socket.Shutdown(Sockets.SocketShutdown.Send);

    public static int ReceiveDatagram(HssSocket socket, byte[] buffer) => socket.Receive(buffer, 0, buffer.Length, Sockets.SocketFlags.None);
}
