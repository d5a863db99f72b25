using HssDevice.Host.Links;
using HssDevice.Host.Usb.LibUsb;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HssDevice.Host.Usb.UsbStream;

/// <summary>
/// The host end of stock nanoFramework firmware's UsbStream (docs/boards.md): the single-pipe profile on its one bulk
/// pair. Keeps to what the firmware needs:
/// <list type="bullet">
/// <item>IN transfers of one packet each, several always queued: a device write of 64 bytes or less waits until the
/// host reads it, and the device never ends a write of whole packets with a ZLP, so a longer transfer would sit
/// open until the device's next write;</item>
/// <item>an OUT transfer whose length is a multiple of the packet size ends with a zero-length packet: a device read
/// completes only on a short packet, a ZLP or a full buffer (and loses what it took if its timeout expires first).</item>
/// </list>
/// A transfer that ends with the device gone, or any error, is a link-down for this device only.
/// </summary>
public sealed class UsbStreamHostLink : IHostLink
{
    /// <summary>IN transfers kept queued (each one packet): with 64-byte packets, 2 KiB in flight.</summary>
    public const int InTransfers = 32;

    private readonly IUsbTransfers _io;
    private readonly UsbStreamInterfaceMatch _match;
    private readonly ILogger _log;
    private readonly InTransferQueue _in;
    private int _started;
    private bool _resetOnDispose;
    private int _disposed;

    public UsbStreamHostLink(IUsbTransfers io, UsbStreamInterfaceMatch match, ILogger? log = null)
    {
        _io = io ?? throw new ArgumentNullException(nameof(io));
        _match = match ?? throw new ArgumentNullException(nameof(match));
        _log = log ?? NullLogger.Instance;
        if (match.BulkIn.PacketBytes < 8 || match.BulkOut.PacketBytes < 8)
        {
            throw new ArgumentException("bulk endpoints of fewer than 8 bytes: not a UsbStream");
        }

        _in = new InTransferQueue(io, match.BulkIn.Address, UsbPipeType.Bulk, InTransfers, match.BulkIn.PacketBytes);
    }

    public bool HasCommandPipe => false;

    public string Description => $"usb {_io.Description} usbstream single-pipe ({_match.Board})";

    /// <summary>Why the link went down, once it has.</summary>
    public string? DownReason { get; private set; }

    /// <summary>IN transfers submitted now (for tests: always <see cref="InTransfers"/> while up).</summary>
    internal int QueuedIn => _in.Queued;

    public ValueTask WriteCommandAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken) =>
        WriteDataAsync(packet, cancellationToken);

    public ValueTask<int> ReadCommandAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        throw new NotSupportedException("single-pipe link: commands arrive through ReadDataAsync");

    public async ValueTask WriteDataAsync(ReadOnlyMemory<byte> transfer, CancellationToken cancellationToken)
    {
        EnsureStarted();
        bool zlp = transfer.Length % _match.BulkOut.PacketBytes == 0;
        UsbTransferResult result = await _io.SubmitOutAsync(_match.BulkOut.Address, UsbPipeType.Bulk, transfer, zlp).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (result.Status != UsbTransferStatus.Completed || result.Length != transfer.Length)
        {
            string what = $"bulk OUT 0x{_match.BulkOut.Address:x2}: {result.Status}, {result.Length} of {transfer.Length} bytes";
            DownReason ??= what;
            throw new UsbLinkDownException(UsbHostAdvice.DeviceGone(_io.Description, what), result.Status);
        }
    }

    public async ValueTask<int> ReadDataAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        EnsureStarted();
        int? n = await _in.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (n != null)
        {
            return n.Value;
        }

        string what = $"bulk IN 0x{_match.BulkIn.Address:x2}: {(_in.StoppedBy?.ToString() ?? "no transfer queued")}";
        if (DownReason == null && Volatile.Read(ref _disposed) == 0)
        {
            _log.LogWarning("{Message}", UsbHostAdvice.DeviceGone(_io.Description, what));
        }

        DownReason ??= what;
        return 0;
    }

    /// <summary>Framing lost: a bus reset (the firmware re-enumerates, its link goes down) and this link ends.</summary>
    public async ValueTask<bool> ResetAsync(CancellationToken cancellationToken)
    {
        _log.LogWarning("{Device}: resetting the UsbStream device after lost framing", _io.Description);
        _resetOnDispose = true;
        DownReason ??= "reset after lost framing";
        await DisposeAsync().ConfigureAwait(false);
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        DownReason ??= "closed by the host";
        _io.CancelAll();
        try
        {
            await Task.WhenAll(_in.Outstanding()).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _log.LogWarning("{Device}: transfers still in flight 2 s after cancelling them", _io.Description);
        }

        if (_resetOnDispose)
        {
            _io.ResetDevice();
        }

        await _io.DisposeAsync().ConfigureAwait(false);
    }

    // Started at the first call, from the engine: a read is then always pending (the device's writes wait for one).
    private void EnsureStarted()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _in.Start();
        }
    }
}
