using System;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host.Links;

namespace HssDevice.Capture;

/// <summary>
/// A decorator around any <see cref="IHostLink"/> that records each transfer as usbmon submit and complete events of
/// one <see cref="CaptureDevice"/>: commands on interrupt OUT 0x02 / IN 0x82, data on bulk OUT 0x01 / IN 0x81
/// (docs/protocol.md section 12), and in the single-pipe profile everything on the bulk pair. A write is submitted
/// with its bytes and completes when the inner link took it; a read is submitted with its buffer size and completes
/// with the bytes that arrived. It changes nothing the link does and never waits for the capture.
/// </summary>
public sealed class CapturingHostLink : IHostLink
{
    public const byte BulkIn = 0x81;
    public const byte BulkOut = 0x01;
    public const byte InterruptIn = 0x82;
    public const byte InterruptOut = 0x02;

    private readonly IHostLink _inner;
    private readonly CaptureDevice _device;
    private readonly CaptureEndpoints _endpoints;

    public CapturingHostLink(IHostLink inner, CaptureDevice device, CaptureEndpoints? endpoints = null)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _device = device ?? throw new ArgumentNullException(nameof(device));
        _endpoints = endpoints ?? CaptureEndpoints.Default;
    }

    /// <summary>Wraps <paramref name="inner"/>, adding it to <paramref name="file"/> as a new device with
    /// <paramref name="descriptors"/> (default: the pseudo device of the link's profile).</summary>
    public static CapturingHostLink Wrap(IHostLink inner, CaptureFile file, string name, ushort bus = CaptureFile.UsbBus,
        CaptureDescriptors? descriptors = null, int bulkMaxPacketSize = 64, bool highSpeed = false)
    {
        descriptors ??= CaptureDescriptors.Pseudo(inner.HasCommandPipe, bulkMaxPacketSize, highSpeed);
        return new CapturingHostLink(inner, file.AddDevice(name, descriptors, bus));
    }

    public IHostLink Inner => _inner;

    public CaptureDevice Device => _device;

    public bool HasCommandPipe => _inner.HasCommandPipe;

    public string Description => _inner.Description;

    public ValueTask WriteCommandAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken) =>
        _inner.HasCommandPipe
            ? WriteAsync(_endpoints.InterruptOut, UsbTransferType.Interrupt, packet, true, cancellationToken)
            : WriteAsync(_endpoints.BulkOut, UsbTransferType.Bulk, packet, true, cancellationToken);

    public ValueTask<int> ReadCommandAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        ReadAsync(_endpoints.InterruptIn, UsbTransferType.Interrupt, buffer, true, cancellationToken);

    public ValueTask WriteDataAsync(ReadOnlyMemory<byte> transfer, CancellationToken cancellationToken) =>
        WriteAsync(_endpoints.BulkOut, UsbTransferType.Bulk, transfer, false, cancellationToken);

    public ValueTask<int> ReadDataAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        ReadAsync(_endpoints.BulkIn, UsbTransferType.Bulk, buffer, false, cancellationToken);

    public ValueTask<bool> ResetAsync(CancellationToken cancellationToken) => _inner.ResetAsync(cancellationToken);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    private async ValueTask WriteAsync(byte endpoint, UsbTransferType type, ReadOnlyMemory<byte> bytes, bool command, CancellationToken cancellationToken)
    {
        ulong id = _device.Submit(endpoint, type, bytes.Span, bytes.Length);
        try
        {
            if (command)
            {
                await _inner.WriteCommandAsync(bytes, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _inner.WriteDataAsync(bytes, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            _device.Complete(id, endpoint, type, StatusOf(e), ReadOnlySpan<byte>.Empty, 0);
            throw;
        }

        _device.Complete(id, endpoint, type, 0, ReadOnlySpan<byte>.Empty, bytes.Length);
    }

    private async ValueTask<int> ReadAsync(byte endpoint, UsbTransferType type, Memory<byte> buffer, bool command, CancellationToken cancellationToken)
    {
        ulong id = _device.Submit(endpoint, type, ReadOnlySpan<byte>.Empty, buffer.Length);
        int read;
        try
        {
            read = command
                ? await _inner.ReadCommandAsync(buffer, cancellationToken).ConfigureAwait(false)
                : await _inner.ReadDataAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _device.Complete(id, endpoint, type, StatusOf(e), ReadOnlySpan<byte>.Empty, 0);
            throw;
        }

        // 0 is "the link is down" (IHostLink), which a USB host sees as a URB ended by the device's removal.
        _device.Complete(id, endpoint, type, read > 0 ? 0 : UsbmonFormat.StatusShutdown, buffer.Span[..read], read);
        return read;
    }

    private static int StatusOf(Exception e) => e is OperationCanceledException ? UsbmonFormat.StatusCancelled : UsbmonFormat.StatusProtocolError;
}

/// <summary>The endpoint addresses a captured link's transfers are recorded on: a real device's own, or the defaults
/// of docs/protocol.md section 12.</summary>
public sealed record CaptureEndpoints(byte BulkIn, byte BulkOut, byte InterruptIn, byte InterruptOut)
{
    public static CaptureEndpoints Default { get; } = new(CapturingHostLink.BulkIn, CapturingHostLink.BulkOut,
        CapturingHostLink.InterruptIn, CapturingHostLink.InterruptOut);
}
