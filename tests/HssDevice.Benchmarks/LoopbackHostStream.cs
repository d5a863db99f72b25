using System;
using System.IO;

namespace HssDevice.Benchmarks;

/// <summary>
/// The single-pipe <see cref="LoopbackHostLink"/> seen as a Stream, standing in for nanoFramework's UsbStream under
/// the device's StreamLink: device writes go to the host, reads return what the host queued. Allocates nothing.
/// </summary>
public sealed class LoopbackHostStream : Stream
{
    private readonly LoopbackHostLink _host;

    public LoopbackHostStream(LoopbackHostLink host)
    {
        if (host.HasCommandPipe)
        {
            throw new ArgumentException("a stream carries the single-pipe profile", nameof(host));
        }

        _host = host;
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => _host.ReadData(buffer, offset, count);

    public override void Write(byte[] buffer, int offset, int count) => _host.WriteData(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _host.Close();
        }

        base.Dispose(disposing);
    }
}
