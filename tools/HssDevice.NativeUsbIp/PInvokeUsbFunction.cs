using System;
using System.Threading;
using HssDevice.Transport.NativeUsb;

namespace HssDevice.NativeUsbIp;

/// <summary>
/// <see cref="INativeUsbFunction"/> over the C core behind a <see cref="NativeUsbIpServer"/>: each call is the
/// hss_usb_* call of hss_usb.h through P/Invoke, the same calls the nanoCLR binding makes on a board. Calls never
/// block; the wake callback of the C server (from its thread, or from inside a call) becomes the event handler.
/// Buffer ranges are checked here (NativeUsbStatus.Argument) before any pointer reaches C.
/// </summary>
public sealed unsafe class PInvokeUsbFunction : INativeUsbFunction
{
    private readonly NativeUsbIpServer _owner;
    private NativeUsbEventHandler? _handler;

    internal PInvokeUsbFunction(NativeUsbIpServer owner)
    {
        _owner = owner;
    }

    /// <summary>Raised (from the waking thread) whenever the core reports a link change: configured, reset, detached.</summary>
    public event Action? LinkChanged;

    public int Open(byte[] descriptors, int commandQueuePackets, int dataOutBytes, int dataInBytes)
    {
        if (descriptors == null || descriptors.Length == 0 || commandQueuePackets <= 0 || dataOutBytes <= 0 || dataInBytes <= 0)
        {
            return NativeUsbStatus.Argument;
        }

        IntPtr server = _owner.Enter();
        try
        {
            if (server == IntPtr.Zero)
            {
                return NativeUsbStatus.NotOpen;
            }

            fixed (byte* p = descriptors)
            {
                return NativeMethods.Open(server, p, (nuint)descriptors.Length, (nuint)commandQueuePackets, (nuint)dataOutBytes, (nuint)dataInBytes);
            }
        }
        finally
        {
            _owner.Exit();
        }
    }

    public void Close()
    {
        IntPtr server = _owner.Enter();
        try
        {
            if (server != IntPtr.Zero)
            {
                NativeMethods.Close(server);
            }
        }
        finally
        {
            _owner.Exit();
        }
    }

    public int LinkState() => Call(server => NativeMethods.LinkState(server), 0);

    public bool IsSinglePipe() => Call(server => NativeMethods.IsSinglePipe(server), 0) != 0;

    public int ReadCommand(byte[] buffer, int offset, int count) =>
        Transfer(buffer, offset, count, (server, p, n) => NativeMethods.ReadCommand(server, p, n));

    public int WriteCommand(byte[] buffer, int offset, int count) =>
        Transfer(buffer, offset, count, (server, p, n) => NativeMethods.WriteCommand(server, p, n));

    public int ReadData(byte[] buffer, int offset, int count) =>
        Transfer(buffer, offset, count, (server, p, n) => NativeMethods.ReadData(server, p, n));

    public int WriteData(byte[] buffer, int offset, int count, bool endOfTransfer) =>
        Transfer(buffer, offset, count, (server, p, n) => NativeMethods.WriteData(server, p, n, endOfTransfer ? 1 : 0));

    public int Ready() => (int)Call(server => (int)NativeMethods.Ready(server), 0);

    public void SetEventHandler(NativeUsbEventHandler handler) => Volatile.Write(ref _handler, handler);

    /// <summary>The C server's wake callback.</summary>
    internal void OnWake(uint events)
    {
        Volatile.Read(ref _handler)?.Invoke((int)events);
        if ((events & NativeUsbEvents.LinkChanged) != 0)
        {
            LinkChanged?.Invoke();
        }
    }

    private delegate int Native(IntPtr server, byte* data, nuint count);

    private int Transfer(byte[] buffer, int offset, int count, Native call)
    {
        if (buffer == null || offset < 0 || count < 0 || offset > buffer.Length - count)
        {
            return NativeUsbStatus.Argument;
        }

        IntPtr server = _owner.Enter();
        try
        {
            if (server == IntPtr.Zero)
            {
                return NativeUsbStatus.NotOpen;
            }

            fixed (byte* p = buffer)
            {
                return call(server, p + offset, (nuint)count);
            }
        }
        finally
        {
            _owner.Exit();
        }
    }

    private int Call(Func<IntPtr, int> call, int whenClosed)
    {
        IntPtr server = _owner.Enter();
        try
        {
            return server == IntPtr.Zero ? whenClosed : call(server);
        }
        finally
        {
            _owner.Exit();
        }
    }
}
