using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace HssDevice.LinuxGuest;

/// <summary>
/// Where QEMU's USB/IP chardev connects (it reconnects each second after a close). Joins that connection to the
/// USB/IP server chosen with <see cref="UseServerAsync"/>, connecting to the server when the guest first sends.
/// A server closing its side closes QEMU's, which the guest sees as end of stream (the kernel then detaches).
/// </summary>
internal sealed class UsbIpRelay : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _lock = new();
    private readonly Task _acceptLoop;
    private IPEndPoint? _server;
    private Socket? _guest;
    private Socket? _upstream;
    private TaskCompletionSource _guestConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public UsbIpRelay()
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(2);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Sends the guest's next USB/IP connection to <paramref name="server"/>; the current one is closed.</summary>
    public Task UseServerAsync(IPEndPoint server, TimeSpan timeout)
    {
        lock (_lock)
        {
            _server = server;
        }

        DropCurrent();
        return WaitGuestConnectedAsync(timeout);
    }

    /// <summary>Waits until QEMU's chardev is connected (after a close it reconnects within about a second).</summary>
    public async Task WaitGuestConnectedAsync(TimeSpan timeout)
    {
        Task connected;
        lock (_lock)
        {
            connected = _guestConnected.Task;
        }

        try
        {
            await connected.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new LinuxGuestException($"QEMU's USB/IP chardev did not connect to {EndPoint} within {timeout.TotalSeconds} s");
        }
    }

    private void DropCurrent()
    {
        Socket? guest, upstream;
        lock (_lock)
        {
            guest = _guest;
            upstream = _upstream;
            _guest = null;
            _upstream = null;
            if (guest != null)
            {
                _guestConnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        guest?.Dispose();
        upstream?.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket guest;
            try
            {
                guest = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            DropCurrent();
            TaskCompletionSource connected;
            lock (_lock)
            {
                _guest = guest;
                connected = _guestConnected;
            }

            connected.TrySetResult();
            _ = Task.Run(() => PumpGuestAsync(guest));
        }
    }

    private async Task PumpGuestAsync(Socket guest)
    {
        var buffer = new byte[64 * 1024];
        Socket? upstream = null;
        try
        {
            while (true)
            {
                int read = await guest.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                if (upstream == null)
                {
                    IPEndPoint? server;
                    lock (_lock)
                    {
                        server = _server;
                    }

                    if (server == null)
                    {
                        break;
                    }

                    upstream = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await upstream.ConnectAsync(server).ConfigureAwait(false);
                    lock (_lock)
                    {
                        if (_guest != guest)
                        {
                            break;
                        }

                        _upstream = upstream;
                    }

                    Socket from = upstream;
                    _ = Task.Run(() => PumpUpstreamAsync(from, guest));
                }

                await SendAllAsync(upstream, buffer, read).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Either side went away: both are closed below.
        }

        Close(guest, upstream);
    }

    private async Task PumpUpstreamAsync(Socket upstream, Socket guest)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int read = await upstream.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                await SendAllAsync(guest, buffer, read).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        // The server closed (unplugged): closing QEMU's side is the guest's end of stream.
        Close(guest, upstream);
    }

    private void Close(Socket guest, Socket? upstream)
    {
        lock (_lock)
        {
            if (_guest == guest)
            {
                _guest = null;
                _upstream = null;
                _guestConnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        guest.Dispose();
        upstream?.Dispose();
    }

    private static async Task SendAllAsync(Socket socket, byte[] buffer, int count)
    {
        int sent = 0;
        while (sent < count)
        {
            sent += await socket.SendAsync(buffer.AsMemory(sent, count - sent), SocketFlags.None).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        DropCurrent();
        await _acceptLoop.ConfigureAwait(false);
    }
}
