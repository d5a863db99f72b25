using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using static HssDevice.Host.Usb.LibUsb.LibUsbNative;

namespace HssDevice.Host.Usb.LibUsb;

/// <summary>
/// <see cref="IUsbTransfers"/> on libusb: each submit allocates a libusb_transfer with an unmanaged buffer; the
/// completion callback (on the session's one event thread) copies IN data out, frees both and completes the task.
/// Continuations run on the thread pool, never on the event thread.
/// </summary>
internal sealed class LibUsbTransfers : IUsbTransfers
{
    private readonly object _lock = new();
    private readonly HashSet<IntPtr> _inFlight = new();
    private readonly IntPtr _handle;
    private readonly SafeFileHandle _node;
    private readonly int[] _claimed;
    private TaskCompletionSource? _drained;
    private bool _closing;
    private bool _disposed;

    internal LibUsbTransfers(IntPtr handle, SafeFileHandle node, int[] claimed, string description)
    {
        _handle = handle;
        _node = node;
        _claimed = claimed;
        Description = description;
    }

    public string Description { get; }

    public Task<UsbTransferResult> SubmitInAsync(byte endpoint, UsbPipeType type, byte[] buffer) =>
        Submit(endpoint, type, buffer, ReadOnlySpan<byte>.Empty, buffer.Length, false);

    public Task<UsbTransferResult> SubmitOutAsync(byte endpoint, UsbPipeType type, ReadOnlyMemory<byte> data, bool zeroLengthPacket) =>
        Submit(endpoint, type, null, data.Span, data.Length, zeroLengthPacket);

    public unsafe void CancelAll()
    {
        lock (_lock)
        {
            _closing = true;
            foreach (IntPtr transfer in _inFlight)
            {
                // NOT_FOUND: it completed already and its callback is waiting for this lock.
                libusb_cancel_transfer((Transfer*)transfer);
            }
        }
    }

    public void ResetDevice()
    {
        int rc = libusb_reset_device(_handle);
        if (rc < 0 && rc != ErrorNotFound && rc != ErrorNoDevice)
        {
            throw new UsbHostException($"{Description}: reset failed: {Describe(rc)}", rc);
        }
    }

    public async ValueTask DisposeAsync()
    {
        CancelAll();
        Task drained;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_inFlight.Count == 0)
            {
                _drained.TrySetResult();
            }

            drained = _drained.Task;
        }

        try
        {
            await drained.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // libusb_close cancels what is left and waits for it; leaking a stuck device handle would be worse.
        }

        foreach (int number in _claimed)
        {
            libusb_release_interface(_handle, number);
        }

        libusb_close(_handle);
        _node.Dispose();
    }

    private unsafe Task<UsbTransferResult> Submit(byte endpoint, UsbPipeType type, byte[]? inBuffer, ReadOnlySpan<byte> outData, int length, bool zeroLengthPacket)
    {
        var operation = new Operation(this, inBuffer);
        Transfer* transfer = libusb_alloc_transfer(0);
        if (transfer == null)
        {
            return Task.FromResult(new UsbTransferResult(UsbTransferStatus.Error, 0));
        }

        byte* buffer = (byte*)NativeMemory.Alloc((nuint)Math.Max(length, 1));
        outData.CopyTo(new Span<byte>(buffer, outData.Length));
        transfer->DeviceHandle = _handle;
        transfer->Flags = zeroLengthPacket ? TransferFlagAddZeroPacket : (byte)0;
        transfer->Endpoint = endpoint;
        transfer->Type = (byte)type;
        transfer->Timeout = 0;
        transfer->Length = length;
        transfer->Buffer = (IntPtr)buffer;
        transfer->Callback = (IntPtr)(delegate* unmanaged[Cdecl]<Transfer*, void>)&OnTransferComplete;
        transfer->UserData = GCHandle.ToIntPtr(GCHandle.Alloc(operation));
        lock (_lock)
        {
            int rc = _closing ? ErrorInterrupted : libusb_submit_transfer(transfer);
            if (rc == Success)
            {
                _inFlight.Add((IntPtr)transfer);
                return operation.Completion.Task;
            }

            Free(transfer);
            UsbTransferStatus status = rc switch
            {
                ErrorInterrupted => UsbTransferStatus.Cancelled,
                ErrorNoDevice => UsbTransferStatus.NoDevice,
                ErrorPipe => UsbTransferStatus.Stall,
                _ => UsbTransferStatus.Error,
            };
            return Task.FromResult(new UsbTransferResult(status, 0));
        }
    }

    /// <summary>Runs on the event thread; must never throw into libusb.</summary>
    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]
    private static unsafe void OnTransferComplete(Transfer* transfer)
    {
        try
        {
            var operation = (Operation)GCHandle.FromIntPtr(transfer->UserData).Target!;
            var status = (UsbTransferStatus)transfer->Status;
            int actual = Math.Max(0, transfer->ActualLength);
            if (operation.InBuffer != null)
            {
                actual = Math.Min(actual, operation.InBuffer.Length);
                new ReadOnlySpan<byte>((byte*)transfer->Buffer, actual).CopyTo(operation.InBuffer);
            }

            operation.Owner.Finished(transfer);
            operation.Completion.TrySetResult(new UsbTransferResult(status, actual));
        }
        catch (Exception)
        {
            // Nothing can be reported from here; the transfer's task stays pending and disposal times out on it.
        }
    }

    private unsafe void Finished(Transfer* transfer)
    {
        lock (_lock)
        {
            _inFlight.Remove((IntPtr)transfer);
            Free(transfer);
            if (_inFlight.Count == 0)
            {
                _drained?.TrySetResult();
            }
        }
    }

    private static unsafe void Free(Transfer* transfer)
    {
        GCHandle.FromIntPtr(transfer->UserData).Free();
        NativeMemory.Free((void*)transfer->Buffer);
        libusb_free_transfer(transfer);
    }

    private sealed class Operation
    {
        public Operation(LibUsbTransfers owner, byte[]? inBuffer)
        {
            Owner = owner;
            InBuffer = inBuffer;
        }

        public LibUsbTransfers Owner { get; }

        public byte[]? InBuffer { get; }

        public TaskCompletionSource<UsbTransferResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
