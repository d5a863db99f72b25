using System;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace HssDevice.UsbIp.Tests;

/// <summary>A USB/IP client written from the protocol document for the tests: it builds messages byte by byte.</summary>
public sealed class UsbIpTestClient : IAsyncDisposable
{
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(20);

    private readonly Socket _socket;
    private uint _nextSeq = 1;

    private UsbIpTestClient(Socket socket) => _socket = socket;

    public static async Task<UsbIpTestClient> ConnectAsync(IPEndPoint server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server);
        return new UsbIpTestClient(socket);
    }

    public uint NextSeq() => _nextSeq++;

    public Task SendAsync(byte[] bytes) => _socket.SendAsync(bytes.AsMemory(), SocketFlags.None).AsTask();

    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Reads exactly <paramref name="count"/> bytes; throws on end of stream or after the timeout.</summary>
    public async Task<byte[]> ReceiveAsync(int count)
    {
        var buffer = new byte[count];
        int got = 0;
        using var cts = new CancellationTokenSource(ReplyTimeout);
        while (got < count)
        {
            int read = await _socket.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None, cts.Token);
            if (read == 0)
            {
                throw new InvalidOperationException($"server closed the connection after {got} of {count} bytes");
            }

            got += read;
        }

        return buffer;
    }

    /// <summary>True when the server closes the connection (end of stream or reset) within the timeout, skipping data.</summary>
    public async Task<bool> ClosedByServerAsync()
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(ReplyTimeout);
        try
        {
            while (true)
            {
                if (await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>True when nothing arrives within <paramref name="wait"/> (a held URB).</summary>
    public async Task<bool> NothingArrivesAsync(TimeSpan wait)
    {
        var one = new byte[1];
        using var cts = new CancellationTokenSource(wait);
        try
        {
            await _socket.ReceiveAsync(one, SocketFlags.Peek, cts.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    public static byte[] OpRequest(ushort code, byte[]? body = null)
    {
        var message = new byte[8 + (body?.Length ?? 0)];
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(0), 0x0111);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), code);
        body?.CopyTo(message, 8);
        return message;
    }

    public static byte[] ImportRequest(string busId)
    {
        var body = new byte[32];
        Encoding.ASCII.GetBytes(busId).CopyTo(body, 0);
        return OpRequest(0x8003, body);
    }

    /// <summary>CMD_SUBMIT: 48-byte header (big-endian), then the OUT data.</summary>
    public static byte[] Submit(uint seq, uint direction, uint endpoint, int length, byte[]? setup = null, byte[]? outData = null,
        uint numberOfPackets = 0, uint devId = 0x00010002)
    {
        var message = new byte[48 + (outData?.Length ?? 0)];
        Span<byte> s = message;
        BinaryPrimitives.WriteUInt32BigEndian(s.Slice(0), 1);
        BinaryPrimitives.WriteUInt32BigEndian(s.Slice(4), seq);
        BinaryPrimitives.WriteUInt32BigEndian(s.Slice(8), devId);
        BinaryPrimitives.WriteUInt32BigEndian(s.Slice(12), direction);
        BinaryPrimitives.WriteUInt32BigEndian(s.Slice(16), endpoint);
        BinaryPrimitives.WriteUInt32BigEndian(s.Slice(24), (uint)length);
        BinaryPrimitives.WriteUInt32BigEndian(s.Slice(32), numberOfPackets);
        setup?.CopyTo(message, 40);
        outData?.CopyTo(message, 48);
        return message;
    }

    public static byte[] Unlink(uint seq, uint target)
    {
        var message = new byte[48];
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(0), 2);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), seq);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(8), 0x00010002);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(20), target);
        return message;
    }

    /// <summary>A setup packet (USB 2.0 table 9-2; little-endian words).</summary>
    public static byte[] Setup(byte requestType, byte request, ushort value, ushort index, ushort length) =>
        new[] { requestType, request, (byte)value, (byte)(value >> 8), (byte)index, (byte)(index >> 8), (byte)length, (byte)(length >> 8) };

    public async Task ImportAsync()
    {
        await SendAsync(ImportRequest("1-1"));
        byte[] reply = await ReceiveAsync(8);
        if (BinaryPrimitives.ReadUInt32BigEndian(reply.AsSpan(4)) != 0)
        {
            throw new InvalidOperationException("import refused");
        }

        await ReceiveAsync(312);
    }

    /// <summary>Reads one RET_SUBMIT or RET_UNLINK: header fields and, for RET_SUBMIT of an IN URB, its data.</summary>
    public async Task<UrbReply> ReceiveUrbReplyAsync(bool inData)
    {
        byte[] header = await ReceiveAsync(48);
        uint command = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(0));
        int status = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(20));
        int actual = command == 3 ? BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(24)) : 0;
        byte[] data = command == 3 && inData && actual > 0 ? await ReceiveAsync(actual) : Array.Empty<byte>();
        return new UrbReply(command, BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4)), status, actual, data, header);
    }

    /// <summary>A control transfer on endpoint 0 and its reply.</summary>
    public async Task<UrbReply> ControlAsync(byte requestType, byte request, ushort value, ushort index, ushort length)
    {
        bool isIn = (requestType & 0x80) != 0;
        await SendAsync(Submit(NextSeq(), isIn ? 1u : 0u, 0, isIn ? length : 0, Setup(requestType, request, value, index, length)));
        return await ReceiveUrbReplyAsync(isIn);
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed record UrbReply(uint Command, uint SeqNum, int Status, int ActualLength, byte[] Data, byte[] Header);
