using System.Threading;
using System.Threading.Tasks;

namespace HssDevice.Host;

/// <summary>
/// Bytes in flight towards the device on one socket (PROTOCOL.md section 6). The receive pump waits for space before
/// it reads the OS socket, so a device that does not ACK stops the pump and TCP pushes back on the remote peer.
/// </summary>
internal sealed class ByteWindow(int limit)
{
    private readonly object _lock = new();
    private int _inFlight;
    private TaskCompletionSource? _changed;

    public int Limit => limit;

    public int InFlight
    {
        get { lock (_lock) { return _inFlight; } }
    }

    public void Add(int bytes)
    {
        lock (_lock)
        {
            _inFlight += bytes;
        }
    }

    public void Release(int bytes)
    {
        TaskCompletionSource? signal;
        lock (_lock)
        {
            _inFlight = bytes >= _inFlight ? 0 : _inFlight - bytes;
            signal = _changed;
            _changed = null;
        }

        signal?.TrySetResult();
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

                _changed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until every byte in flight is acknowledged (before SHUTDOWN or CLOSE, PROTOCOL.md section 8).</summary>
    public async ValueTask WaitForEmptyAsync(CancellationToken cancellationToken) =>
        await WaitForSpaceAsync(int.MaxValue, cancellationToken).ConfigureAwait(false);
}
