using HssDevice.Host.Links;
using HssDevice.Host.Usb.Parsing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HssDevice.Host.Usb.LibUsb;

/// <summary>
/// The host end of a real USB device (docs/protocol.md section 3): the command pipe on the interrupt pair (one packet per
/// transfer), the data pipe on the bulk pair, with several bulk IN transfers always queued so the device never waits
/// for the host. A transfer that ends with the device gone, or any error, is a link-down for this device only.
/// </summary>
public sealed class UsbHostLink : IHostLink
{
    private readonly IUsbTransfers _io;
    private readonly HssInterfaceMatch _match;
    private readonly UsbHostLinkOptions _options;
    private readonly ILogger _log;
    private readonly InTransferQueue _commandsIn;
    private readonly InTransferQueue _dataIn;
    private int _started;
    private bool _resetOnDispose;
    private int _disposed;

    public UsbHostLink(IUsbTransfers io, HssInterfaceMatch match, UsbHostLinkOptions? options = null, ILogger? log = null)
    {
        _io = io ?? throw new ArgumentNullException(nameof(io));
        _match = match ?? throw new ArgumentNullException(nameof(match));
        _options = options ?? new UsbHostLinkOptions();
        _options.Validate();
        _log = log ?? NullLogger.Instance;
        _commandsIn = new InTransferQueue(io, match.InterruptIn.Address, UsbPipeType.Interrupt, _options.CommandInTransfers,
            Math.Max(match.InterruptIn.PacketBytes, 64));
        _dataIn = new InTransferQueue(io, match.BulkIn.Address, UsbPipeType.Bulk, _options.BulkInTransfers, _options.BulkInTransferBytes);
    }

    public bool HasCommandPipe => true;

    public string Description => $"usb {_io.Description} {_match.Profile.ToString().ToLowerInvariant()}";

    /// <summary>Why the link went down, once it has (a transfer status, a write failure, disposal).</summary>
    public string? DownReason { get; private set; }

    /// <summary>Queued IN transfers (bulk, interrupt), for tests of the bookkeeping.</summary>
    internal (int Bulk, int Interrupt) QueuedIn => (_dataIn.Queued, _commandsIn.Queued);

    public ValueTask WriteCommandAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken) =>
        WriteAsync(_match.InterruptOut.Address, UsbPipeType.Interrupt, packet, false, cancellationToken);

    public async ValueTask<int> ReadCommandAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        EnsureStarted();
        while (true)
        {
            (byte[] Buffer, int Length)? next = await _commandsIn.NextAsync(cancellationToken).ConfigureAwait(false);
            if (next == null)
            {
                return Down("interrupt IN", _commandsIn.StoppedBy);
            }

            (byte[] transfer, int length) = next.Value;
            // One command per transfer: a transfer longer than the caller's buffer cannot hold a valid command; the
            // engine sees it cut and counts a bad packet (docs/protocol.md section 11).
            int n = Math.Min(length, buffer.Length);
            transfer.AsSpan(0, n).CopyTo(buffer.Span);
            _commandsIn.Recycle(transfer);
            return n;
        }
    }

    public ValueTask WriteDataAsync(ReadOnlyMemory<byte> transfer, CancellationToken cancellationToken) =>
        WriteAsync(_match.BulkOut.Address, UsbPipeType.Bulk, transfer,
            _options.ZeroLengthPackets && transfer.Length % _match.BulkOut.PacketBytes == 0, cancellationToken);

    public async ValueTask<int> ReadDataAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        EnsureStarted();
        int? n = await _dataIn.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return n ?? Down("bulk IN", _dataIn.StoppedBy);
    }

    /// <summary>
    /// Framing lost on the data pipe (docs/protocol.md section 11): the device gets a bus reset, which it sees as its
    /// link going down, and this link ends; the device is attached afresh once it is back.
    /// </summary>
    public async ValueTask<bool> ResetAsync(CancellationToken cancellationToken)
    {
        _log.LogWarning("{Device}: resetting the USB device after lost framing", _io.Description);
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
        Task all = Task.WhenAll(_commandsIn.Outstanding().Concat(_dataIn.Outstanding()));
        try
        {
            // Cancelled transfers complete within milliseconds; a wedged device must not hold up shutdown.
            await all.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
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

    private void EnsureStarted()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            // Both IN queues start together so neither pipe's device-to-host data waits for the other's first read.
            _commandsIn.Start();
            _dataIn.Start();
        }
    }

    private async ValueTask WriteAsync(byte endpoint, UsbPipeType type, ReadOnlyMemory<byte> data, bool zeroLengthPacket, CancellationToken cancellationToken)
    {
        UsbTransferResult result = await _io.SubmitOutAsync(endpoint, type, data, zeroLengthPacket).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (result.Status != UsbTransferStatus.Completed || result.Length != data.Length)
        {
            string what = $"{type} OUT 0x{endpoint:x2}: {Describe(result.Status)}, {result.Length} of {data.Length} bytes";
            DownReason ??= what;
            throw new UsbLinkDownException(UsbHostAdvice.DeviceGone(_io.Description, what), result.Status);
        }
    }

    private int Down(string pipe, UsbTransferStatus? status)
    {
        string what = $"{pipe}: {Describe(status)}";
        if (DownReason == null && Volatile.Read(ref _disposed) == 0)
        {
            _log.LogWarning("{Message}", UsbHostAdvice.DeviceGone(_io.Description, what));
        }

        DownReason ??= what;
        return 0;
    }

    private static string Describe(UsbTransferStatus? status) => status switch
    {
        UsbTransferStatus.NoDevice => "device unplugged (LIBUSB_TRANSFER_NO_DEVICE)",
        UsbTransferStatus.Stall => "endpoint stalled (LIBUSB_TRANSFER_STALL)",
        UsbTransferStatus.Cancelled => "cancelled",
        UsbTransferStatus.Overflow => "device sent more than asked (LIBUSB_TRANSFER_OVERFLOW)",
        UsbTransferStatus.TimedOut => "timed out",
        UsbTransferStatus.Error => "transfer failed (LIBUSB_TRANSFER_ERROR)",
        null => "no transfer queued",
        _ => status.ToString()!,
    };
}

/// <summary>A transfer to the device failed: the link to that device is down.</summary>
public sealed class UsbLinkDownException : IOException
{
    public UsbLinkDownException(string message, UsbTransferStatus status)
        : base(message) => Status = status;

    public UsbTransferStatus Status { get; }
}
