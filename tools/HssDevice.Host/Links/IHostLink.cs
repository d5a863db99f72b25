using System;
using System.Threading;
using System.Threading.Tasks;

namespace HssDevice.Host.Links;

/// <summary>
/// The host end of the link to one device: the async twin of the device's <c>HssDevice.Transport.IHssLink</c>
/// (docs/protocol.md section 3). Either a command pipe (interrupt pair, one packet per transfer) plus a data pipe (bulk
/// pair, transfers of whole packets), or, in the single-pipe profile, one byte stream for both.
/// The host engine calls each method from one task at a time per pipe: one reader and one writer per pipe.
/// </summary>
public interface IHostLink : IAsyncDisposable
{
    /// <summary>False in the single-pipe profile: commands then travel whole on the data pipe.</summary>
    bool HasCommandPipe { get; }

    /// <summary>Names the link in logs (e.g. "usb-emulated/full-speed", "tcp 127.0.0.1:50312").</summary>
    string Description { get; }

    /// <summary>Writes one command packet as one transfer.</summary>
    ValueTask WriteCommandAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken);

    /// <summary>Reads one command transfer (one packet); 0 when the link is down.</summary>
    ValueTask<int> ReadCommandAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Writes one data transfer (one or more whole packets); completes when the link has taken it.</summary>
    ValueTask WriteDataAsync(ReadOnlyMemory<byte> transfer, CancellationToken cancellationToken);

    /// <summary>Reads the next bytes of the data pipe (at most one transfer's worth); 0 when the link is down.</summary>
    ValueTask<int> ReadDataAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>
    /// Drops everything in flight after the data pipe's framing was lost (docs/protocol.md section 11); the device sees
    /// its link go down. Returns true when the link goes on afterwards (a USB link: the next transfer starts on a
    /// packet boundary), false when it ended (a byte stream cannot find packet boundaries again).
    /// </summary>
    ValueTask<bool> ResetAsync(CancellationToken cancellationToken);
}
