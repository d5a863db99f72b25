namespace HssDevice.Wire
{
    /// <summary>OPEN's family field and CONNECT's family field (docs/protocol.md sections 4 and 5).</summary>
    public static class HssFamily
    {
        public const ushort IPv4 = 1;
        public const ushort IPv6 = 2;

        public static string NameOf(int family)
        {
            return family == IPv4 ? "IPv4" : family == IPv6 ? "IPv6" : "family(" + family.ToString() + ")";
        }
    }

    /// <summary>OPEN's protocol field.</summary>
    public static class HssProtocol
    {
        public const ushort Tcp = 1;
        public const ushort Udp = 2;

        public static string NameOf(int protocol)
        {
            return protocol == Tcp ? "TCP" : protocol == Udp ? "UDP" : "protocol(" + protocol.ToString() + ")";
        }
    }

    /// <summary>OPEN's type field.</summary>
    public static class HssType
    {
        public const byte Stream = 1;
        public const byte Datagram = 2;

        public static string NameOf(int type)
        {
            return type == Stream ? "Stream" : type == Datagram ? "Datagram" : "type(" + type.ToString() + ")";
        }

        /// <summary>Valid pairs: TCP with stream, UDP with datagram (docs/protocol.md section 4).</summary>
        public static bool IsValidPair(int family, int protocol, int type)
        {
            if (family != HssFamily.IPv4 && family != HssFamily.IPv6)
            {
                return false;
            }

            return (protocol == HssProtocol.Tcp && type == Stream) || (protocol == HssProtocol.Udp && type == Datagram);
        }
    }
}
