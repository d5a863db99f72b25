using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace HssDevice.Host.Links;

/// <summary>
/// The accept loop of a TCP listener for devices (HssTcpListener, `hss host --listen`): an accept error (out of file
/// descriptors, a connection reset before it was taken) is logged and survived with a growing pause; a device
/// beyond <see cref="HssHostSettings.MaxDevices"/> is closed at once; each accepted device is attached with the
/// host's first-packet deadline and idle timeout (docs/security.md).
/// </summary>
public static class DeviceAcceptor
{
    /// <summary>Longest pause after repeated accept errors.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    /// <summary>SO_SNDBUF of an accepted device socket (Linux doubles it): enough for a full-speed USB link's worth of
    /// data in flight, small enough that back-pressure reaches the host's bounded queue at once.</summary>
    internal const int KernelSendBufferBytes = 64 * 1024;

    /// <summary>SO_RCVBUF of an accepted device socket (Linux doubles it): what the kernel holds of a device's requests
    /// while the host is not reading them (back-pressure).</summary>
    internal const int KernelReceiveBufferBytes = 64 * 1024;

    /// <summary>Runs until cancelled (then throws OperationCanceledException) or until the listener is stopped.</summary>
    /// <param name="wrapLink">Optional decorator of each accepted link before it is attached (`hss host --pcap`: the capture).</param>
    public static async Task RunAsync(Func<CancellationToken, ValueTask<Socket>> accept, HssHost host, ILogger log,
        Action<DeviceConnection> attached, CancellationToken cancellationToken, Func<IHostLink, IHostLink>? wrapLink = null)
    {
        // Every line here can be caused by whoever connects: under the host-wide log rate.
        log = host.LimitLog(log);
        TimeSpan backoff = TimeSpan.Zero;
        long errors = 0;
        while (true)
        {
            Socket socket;
            try
            {
                socket = await accept(cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.Zero;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (ObjectDisposedException)
            {
                return; // The listener was stopped.
            }
            catch (Exception e) when (e is SocketException or InvalidOperationException or System.IO.IOException)
            {
                errors++;
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(20) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                log.LogWarning("accepting a device failed ({Error}, {Count} so far); retrying in {Backoff} ms", Describe(e), errors, backoff.TotalMilliseconds);
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!host.HasDescriptorHeadroom(out int open))
            {
                // Near the process's open-file limit: the rest is the runtime's (threads, assemblies, files).
                host.RefuseForDescriptors("tcp " + DescribePeer(socket), open);
                socket.Dispose();
                continue;
            }

            IHostLink link;
            IPAddress? source;
            try
            {
                // The kernel's buffers are queues too: autotuned, the send buffer holds megabytes of answers a device
                // never reads before the host's own bound (MaxOutboundBytesPerDevice) sees any of them, and the receive
                // buffer megabytes of requests while the host applies back-pressure.
                socket.SendBufferSize = KernelSendBufferBytes;
                socket.ReceiveBufferSize = KernelReceiveBufferBytes;
                source = (socket.RemoteEndPoint as IPEndPoint)?.Address;
                link = StreamHostLink.ForSocket(socket);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Gone before it could be attached.
                socket.Dispose();
                continue;
            }

            if (wrapLink != null)
            {
                link = wrapLink(link);
            }

            // Refusals (the device cap with nobody to evict, the per-address cap) are logged and counted by the host.
            if (!host.TryAttach(link, source, out DeviceConnection? device, out _, link.Description))
            {
                await link.DisposeAsync().ConfigureAwait(false);
                continue;
            }

            attached(device!);
        }
    }

    /// <summary>Logs a warning when the listener is reachable from other machines (anything but loopback): whoever
    /// connects speaks for a device and uses this host's network (docs/security.md).</summary>
    public static void WarnUnlessLoopback(IPEndPoint listening, ILogger log)
    {
        if (!IPAddress.IsLoopback(listening.Address))
        {
            log.LogWarning("listening on {EndPoint}, which is not loopback: any machine that can reach it can use this host's network as a device " +
                "(limits and the destination policy apply; see docs/security.md)", listening);
        }
    }

    private static string DescribePeer(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint?.ToString() ?? "?";
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return "?";
        }
    }

    private static string Describe(Exception e) => e is SocketException s ? s.SocketErrorCode.ToString() : e.GetType().Name + ": " + e.Message;
}
