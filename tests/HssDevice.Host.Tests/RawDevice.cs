using System;
using System.Collections.Generic;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using HssDevice.Transport;
using HssDevice.Wire;
using Xunit;

namespace HssDevice.Host.Tests;

/// <summary>
/// Plays the device with raw packets over an IHssLink: writes requests with PacketWriter and collects every packet
/// the host sends, from both pipes, decoded with the device library's own HssPacket and PacketReassembler.
/// </summary>
public sealed class RawDevice : IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly IHssLink _link;
    private readonly Channel<DevicePacket> _received = Channel.CreateUnbounded<DevicePacket>();
    private readonly List<DevicePacket> _held = new();
    private readonly List<Thread> _readers = new();
    private readonly byte[] _scratch = new byte[70 * 1024];
    private volatile bool _closed;
    private ushort _msgId;

    public RawDevice(IHssLink link)
    {
        _link = link;
        StartReader("data", () => ReadData());
        if (link.HasCommandPipe)
        {
            StartReader("command", () => ReadCommands());
        }
    }

    public IHssLink Link => _link;

    public ushort NextMsgId() => _msgId = HssRules.NextMsgId(_msgId);

    // ---- requests --------------------------------------------------------------------------------------------

    public ushort SendOpen(uint handle, int family, int protocol, int type)
    {
        ushort id = NextMsgId();
        int n = PacketWriter.WriteOpen(_scratch, 0, id, handle, family, protocol, type);
        SendCommand(_scratch, n);
        return id;
    }

    public ushort SendConnect(uint handle, IPEndPoint endPoint)
    {
        ushort id = NextMsgId();
        byte[] address = endPoint.Address.GetAddressBytes();
        int n = address.Length == 4
            ? PacketWriter.WriteConnectIPv4(_scratch, 0, id, handle, endPoint.Port, address, 0)
            : PacketWriter.WriteConnectIPv6(_scratch, 0, id, handle, endPoint.Port, address, 0, 0, (uint)endPoint.Address.ScopeId);
        SendCommand(_scratch, n);
        return id;
    }

    public ushort SendTransmit(uint handle, byte[] data)
    {
        ushort id = NextMsgId();
        byte[] packet = new byte[HssLayout.HeaderSize + data.Length];
        PacketWriter.WriteTransmitHeader(packet, 0, id, handle, data.Length);
        Array.Copy(data, 0, packet, HssLayout.HeaderSize, data.Length);
        _link.WriteData(packet, 0, packet.Length);
        return id;
    }

    public ushort SendShutdown(uint handle)
    {
        ushort id = NextMsgId();
        SendCommand(_scratch, PacketWriter.WriteShutdown(_scratch, 0, id, handle));
        return id;
    }

    public ushort SendClose(uint handle)
    {
        ushort id = NextMsgId();
        SendCommand(_scratch, PacketWriter.WriteClose(_scratch, 0, id, handle));
        return id;
    }

    /// <summary>Answers a host request (SHUTDOWN, CLOSE, TRANSMIT with its count).</summary>
    public void SendAck(DevicePacket request, byte code = HssError.Success)
    {
        byte[] buffer = new byte[HssLayout.MaxCommandPacket];
        int n = request.Opcode == HssOpcode.Transmit
            ? PacketWriter.WriteAckWithValue(buffer, 0, request.MsgId, request.SockId, request.Opcode, code, HssRules.TransmitAckValue(code, request.Payload.Length))
            : PacketWriter.WriteAck(buffer, 0, request.MsgId, request.SockId, request.Opcode, code);
        SendCommand(buffer, n);
    }

    public void SendCommand(byte[] packet, int length)
    {
        if (_link.HasCommandPipe)
        {
            _link.WriteCommand(packet, 0, length);
        }
        else
        {
            _link.WriteData(packet, 0, length);
        }
    }

    // ---- combined steps ----------------------------------------------------------------------------------------

    public async Task<DevicePacket> OpenAsync(uint handle, int family, int protocol, int type) =>
        await ExpectAckAsync(SendOpen(handle, family, protocol, type), HssOpcode.Open);

    public async Task OpenConnectedAsync(uint handle, IPEndPoint endPoint, bool udp = false)
    {
        int family = endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? HssFamily.IPv6 : HssFamily.IPv4;
        DevicePacket open = await OpenAsync(handle, family, udp ? HssProtocol.Udp : HssProtocol.Tcp, udp ? HssType.Datagram : HssType.Stream);
        Assert.Equal(HssError.Success, open.Code);
        DevicePacket connect = await ExpectAckAsync(SendConnect(handle, endPoint), HssOpcode.Connect);
        Assert.Equal(HssError.Success, connect.Code);
    }

    /// <summary>The ACK answering the device's request msgId.</summary>
    public async Task<DevicePacket> ExpectAckAsync(ushort msgId, ushort origOpcode)
    {
        DevicePacket ack = await ExpectAsync(p => p.Opcode == HssOpcode.Ack && p.MsgId == msgId && p.OrigOpcode == origOpcode,
            $"ACK of {HssOpcode.NameOf(origOpcode)} msg {msgId}");
        return ack;
    }

    /// <summary>Reads host TRANSMITs of one socket until `count` bytes came; ACKs each when ack is true.</summary>
    public async Task<byte[]> ReceiveBytesAsync(uint handle, int count, bool ack = true)
    {
        var bytes = new List<byte>();
        while (bytes.Count < count)
        {
            DevicePacket transmit = await ExpectAsync(p => p.Opcode == HssOpcode.Transmit && p.SockId == handle, "TRANSMIT");
            bytes.AddRange(transmit.Payload);
            if (ack)
            {
                SendAck(transmit);
            }
        }

        return bytes.ToArray();
    }

    /// <summary>The first packet (held or arriving) that matches; others are held for later expectations.</summary>
    public async Task<DevicePacket> ExpectAsync(Func<DevicePacket, bool> match, string what)
    {
        DevicePacket? packet = await TryExpectAsync(match, Patience);
        return packet ?? throw new TimeoutException($"no {what} within {Patience}; held: {string.Join("; ", _held)}");
    }

    /// <summary>Like ExpectAsync, but null when nothing matching came within `wait` (for "the host sends nothing" checks).</summary>
    public async Task<DevicePacket?> TryExpectAsync(Func<DevicePacket, bool> match, TimeSpan wait)
    {
        lock (_held)
        {
            int index = _held.FindIndex(p => match(p));
            if (index >= 0)
            {
                DevicePacket found = _held[index];
                _held.RemoveAt(index);
                return found;
            }
        }

        using var timeout = new CancellationTokenSource(wait);
        try
        {
            while (true)
            {
                DevicePacket packet = await _received.Reader.ReadAsync(timeout.Token);
                if (match(packet))
                {
                    return packet;
                }

                lock (_held)
                {
                    _held.Add(packet);
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public void Dispose()
    {
        _closed = true;
        _link.Close();
        foreach (Thread reader in _readers)
        {
            reader.Join(TimeSpan.FromSeconds(5));
        }
    }

    // ---- readers ------------------------------------------------------------------------------------------------

    private void StartReader(string name, Action loop)
    {
        var thread = new Thread(() =>
        {
            try
            {
                loop();
            }
            catch (Exception) when (_closed)
            {
            }
        }) { IsBackground = true, Name = "raw device " + name };
        _readers.Add(thread);
        thread.Start();
    }

    private void ReadCommands()
    {
        byte[] buffer = new byte[HssLayout.MaxCommandPacket];
        var packet = new HssPacket();
        while (!_closed)
        {
            int n = _link.ReadCommand(buffer, 0, buffer.Length);
            if (n == 0)
            {
                _received.Writer.TryWrite(DevicePacket.LinkDown);
                continue;
            }

            int status = packet.Decode(buffer, 0, n, 65535);
            Assert.True(status == DecodeStatus.Ok, "host sent a bad command: " + DecodeStatus.Describe(status));
            _received.Writer.TryWrite(DevicePacket.From(packet, viaCommandPipe: true));
        }
    }

    private void ReadData()
    {
        byte[] buffer = new byte[8192];
        var reassembler = new PacketReassembler(65535);
        var packet = new HssPacket();
        while (!_closed)
        {
            int n = _link.ReadData(buffer, 0, buffer.Length);
            if (n == 0)
            {
                reassembler.Reset();
                _received.Writer.TryWrite(DevicePacket.LinkDown);
                continue;
            }

            int offset = 0;
            while (offset < n)
            {
                offset += reassembler.Feed(buffer, offset, n - offset);
                if (reassembler.HasPacket)
                {
                    int status = packet.Decode(reassembler.PacketBuffer, 0, reassembler.PacketLength, 65535);
                    if (status == DecodeStatus.Ok)
                    {
                        _received.Writer.TryWrite(DevicePacket.From(packet, viaCommandPipe: false));
                    }

                    reassembler.Release();
                }
                else if (reassembler.FramingLost)
                {
                    throw new InvalidOperationException("host broke the data pipe's framing");
                }
            }
        }
    }
}
