using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace HssDevice.Tool.Servers;

/// <summary>Ports the loopback servers listen on; 0 lets the OS choose (each family then gets its own port).</summary>
public sealed record ServerPorts(int Http, int TcpEcho, int UdpEcho)
{
    public static ServerPorts OsChosen { get; } = new(0, 0, 0);

    /// <summary>The ports firmware/HssDevice.App/BoardTargets.cs connects to.</summary>
    public static ServerPorts BoardTargets { get; } = new(8080, 7007, 7007);
}

/// <summary>
/// The HTTP, TCP echo and UDP echo servers of `hss demo`, each on 127.0.0.1 and, when this machine has it, on ::1.
/// </summary>
public sealed class LoopbackServers : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _servers = new();
    private readonly Dictionary<(string, AddressFamily), IPEndPoint> _endPoints = new();

    private LoopbackServers()
    {
    }

    /// <summary>Null when ::1 serves; otherwise why the IPv6 servers are missing.</summary>
    public string? IPv6Problem { get; private set; }

    public IPEndPoint Http(AddressFamily family) => _endPoints[("http", family)];

    public IPEndPoint TcpEcho(AddressFamily family) => _endPoints[("tcp-echo", family)];

    public IPEndPoint UdpEcho(AddressFamily family) => _endPoints[("udp-echo", family)];

    public bool Serves(AddressFamily family) => _endPoints.ContainsKey(("http", family));

    /// <summary>Every server with what it is, in a stable order (for --serve).</summary>
    public IEnumerable<(string What, IPEndPoint EndPoint)> EndPoints()
    {
        foreach (var ((what, _), endPoint) in _endPoints)
        {
            yield return (what, endPoint);
        }
    }

    /// <summary>Starts every server; a failure to bind 127.0.0.1 throws (SocketException), one on ::1 is recorded.</summary>
    public static async Task<LoopbackServers> StartAsync(ServerPorts ports, ServerFault fault = ServerFault.None)
    {
        var servers = new LoopbackServers();
        try
        {
            servers.StartFamily(IPAddress.Loopback, ports, fault);
            try
            {
                servers.StartFamily(IPAddress.IPv6Loopback, ports, fault);
            }
            catch (SocketException e) when (!servers.Serves(AddressFamily.InterNetworkV6))
            {
                servers.IPv6Problem = "IPv6 loopback (::1) unavailable: " + e.Message;
            }
        }
        catch
        {
            await servers.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return servers;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (IAsyncDisposable server in _servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void StartFamily(IPAddress address, ServerPorts ports, ServerFault fault)
    {
        // All three are started before any is recorded, so a family is either served whole or not at all.
        var started = new List<IAsyncDisposable>();
        try
        {
            var http = new HttpServer(new IPEndPoint(address, ports.Http), fault == ServerFault.Http);
            started.Add(http);
            var tcp = new TcpEchoServer(new IPEndPoint(address, ports.TcpEcho), fault == ServerFault.TcpEcho);
            started.Add(tcp);
            var udp = new UdpEchoServer(new IPEndPoint(address, ports.UdpEcho), fault == ServerFault.UdpEcho);
            started.Add(udp);
            _endPoints[("http", address.AddressFamily)] = http.EndPoint;
            _endPoints[("tcp-echo", address.AddressFamily)] = tcp.EndPoint;
            _endPoints[("udp-echo", address.AddressFamily)] = udp.EndPoint;
            _servers.AddRange(started);
        }
        catch
        {
            foreach (IAsyncDisposable server in started)
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            throw;
        }
    }
}
