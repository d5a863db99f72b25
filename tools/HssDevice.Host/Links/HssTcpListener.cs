using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HssDevice.Host.Links;

/// <summary>
/// <c>hss host --listen ADDR:PORT</c>: accepts TCP connections and attaches each as a device speaking the
/// single-pipe profile (HSS packets back to back, no extra framing), so any HSS peer can connect.
/// </summary>
public sealed class HssTcpListener : IAsyncDisposable
{
    private readonly HssHost _host;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _log;
    private readonly Task _acceptLoop;

    private HssTcpListener(HssHost host, IPEndPoint endPoint, ILogger log)
    {
        _host = host;
        _log = log;
        _listener = new TcpListener(endPoint);
        _listener.Start();
        LocalEndPoint = (IPEndPoint)_listener.LocalEndpoint;
        host.AddOwnListener(LocalEndPoint);
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>The bound address (port 0 in the request becomes the OS-chosen port here).</summary>
    public IPEndPoint LocalEndPoint { get; }

    public static HssTcpListener Start(HssHost host, IPEndPoint endPoint, ILoggerFactory? loggerFactory = null) =>
        new(host, endPoint, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<HssTcpListener>());

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task AcceptLoopAsync()
    {
        _log.LogInformation("listening for HSS devices (single-pipe profile) on {EndPoint}", LocalEndPoint);
        DeviceAcceptor.WarnUnlessLoopback(LocalEndPoint, _log);
        await DeviceAcceptor.RunAsync(ct => _listener.AcceptSocketAsync(ct), _host, _log, _ => { }, _stop.Token).ConfigureAwait(false);
    }
}
