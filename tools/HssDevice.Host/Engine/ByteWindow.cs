using System.Threading;
using System.Threading.Tasks;

namespace HssDevice.Host;

/// <summary>
/// Bytes in flight towards the device (docs/protocol.md section 6): per socket (the window) and per device (the budget,
/// the socket windows' parent). The receive pump waits for space before it reads the OS socket, so a device that
/// does not ACK stops the pump and TCP pushes back on the remote peer. Releasing a socket's bytes also releases
/// them from its parent; closing a socket's window gives all of its bytes back to the parent once.
/// </summary>
internal sealed class ByteWindow(int limit, ByteWindow? parent = null)
{
    private readonly object _lock = new();
    private int _inFlight;
    private bool _closed;
    private TaskCompletionSource? _changed;

    public int Limit => limit;

    public int InFlight
    {
        get { lock (_lock) { return _inFlight; } }
    }

    /// <summary>Counts bytes sent; false when the window is closed (the socket is gone).</summary>
    public bool Add(int bytes)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            _inFlight += bytes;
            return true;
        }
    }

    public void Release(int bytes)
    {
        TaskCompletionSource? signal;
        int released;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            released = bytes >= _inFlight ? _inFlight : bytes;
            _inFlight -= released;
            signal = TakeChanged();
        }

        signal?.TrySetResult();
        parent?.Release(released);
    }

    /// <summary>The socket is gone: what it had in flight goes back to the parent, and later releases are ignored.</summary>
    public void Close()
    {
        int released;
        TaskCompletionSource? signal;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            released = _inFlight;
            _inFlight = 0;
            signal = TakeChanged();
        }

        signal?.TrySetResult();
        parent?.Release(released);
    }

    /// <summary>Waits until `needed` bytes fit, or nothing is in flight (so one datagram larger than the window
    /// still passes); returns the space left.</summary>
    public async ValueTask<int> WaitForSpaceAsync(int needed, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                int space = limit - _inFlight;
                if (_inFlight == 0 || space >= needed)
                {
                    return space;
                }

                changed = Changed();
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits as <see cref="WaitForSpaceAsync"/> for `needed` bytes, then takes up to `wanted` (at least
    /// `needed`) at once, so that several sockets cannot overcommit a shared budget.</summary>
    public async ValueTask<int> ReserveAsync(int needed, int wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                int space = limit - _inFlight;
                if (_inFlight == 0 || space >= needed)
                {
                    int take = space < wanted ? space : wanted;
                    take = take < needed ? needed : take;
                    _inFlight += take;
                    return take;
                }

                changed = Changed();
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until every byte in flight is acknowledged (before SHUTDOWN or CLOSE, docs/protocol.md section 8).</summary>
    public async ValueTask WaitForEmptyAsync(CancellationToken cancellationToken) =>
        await WaitForSpaceAsync(int.MaxValue, cancellationToken).ConfigureAwait(false);

    private Task Changed()
    {
        _changed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _changed.Task;
    }

    private TaskCompletionSource? TakeChanged()
    {
        TaskCompletionSource? signal = _changed;
        _changed = null;
        return signal;
    }
}
