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

    /// <summary>Runs until cancelled (then throws OperationCanceledException) or until the listener is stopped.</summary>
    /// <param name="wrapLink">Optional decorator of each accepted link before it is attached (`hss host --pcap`: the capture).</param>
    public static async Task RunAsync(Func<CancellationToken, ValueTask<Socket>> accept, HssHost host, ILogger log,
        Action<DeviceConnection> attached, CancellationToken cancellationToken, Func<IHostLink, IHostLink>? wrapLink = null)
    {
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

            IHostLink link;
            try
            {
                // The kernel's send buffer is a queue towards the device too: autotuned, it holds megabytes of answers
                // a device never reads before the host's own bound (MaxOutboundBytesPerDevice) sees any of them.
                socket.SendBufferSize = KernelSendBufferBytes;
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

            if (!host.TryAttach(link, out DeviceConnection? device, link.Description))
            {
                log.LogWarning("refused {Link}: {Max} devices attached ({Limit})", link.Description, host.Settings.MaxDevices, HostLimitNames.Devices);
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

    private static string Describe(Exception e) => e is SocketException s ? s.SocketErrorCode.ToString() : e.GetType().Name + ": " + e.Message;
}
