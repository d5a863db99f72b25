using System;
using HssDevice.Wire;

namespace HssDevice.Tests.Device
{
    /// <summary>A packet the device sent, copied out of the decoder so tests can keep it.</summary>
    public sealed class SeenPacket
    {
        public bool OnCommandPipe;
        public int Opcode;
        public int MsgId;
        public uint SockId;
        public int PayloadLength;
        public uint Handle;
        public int Family;
        public int Protocol;
        public int SocketType;
        public int Port;
        public byte[] Address;
        public uint FlowInfo;
        public uint ScopeId;
        public int OrigOpcode;
        public int Code;
        public bool HasValue;
        public int Value;
        public byte[] Payload;
        public byte[] Raw;

        public static SeenPacket From(HssPacket p, bool onCommandPipe)
        {
            var seen = new SeenPacket();
            seen.OnCommandPipe = onCommandPipe;
            seen.Opcode = p.Opcode;
            seen.MsgId = p.MsgId;
            seen.SockId = p.SockId;
            seen.PayloadLength = (int)p.PayloadLength;
            seen.Handle = p.Handle;
            seen.Family = p.Family;
            seen.Protocol = p.Protocol;
            seen.SocketType = p.SocketType;
            seen.Port = p.Port;
            seen.Address = new byte[p.AddressLength];
            Array.Copy(p.Address, seen.Address, p.AddressLength);
            seen.FlowInfo = p.FlowInfo;
            seen.ScopeId = p.ScopeId;
            seen.OrigOpcode = p.OrigOpcode;
            seen.Code = p.Code;
            seen.HasValue = p.HasValue;
            seen.Value = p.Value;
            seen.Payload = new byte[p.PayloadLength];
            Array.Copy(p.Buffer, p.PayloadOffset, seen.Payload, 0, (int)p.PayloadLength);
            seen.Raw = new byte[p.TotalLength];
            Array.Copy(p.Buffer, p.PayloadOffset - HssLayout.HeaderSize, seen.Raw, 0, p.TotalLength);
            return seen;
        }

        public override string ToString()
        {
            return HssOpcode.NameOf(Opcode) + " msg " + MsgId.ToString() + " sock " + SockId.ToString();
        }
    }
}
