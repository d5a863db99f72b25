using System;

namespace HssDevice.Sockets
{
    /// <summary>An address and port, as System.Net.IPEndPoint; IPv6 ones may carry flowinfo and a scope id.</summary>
    public sealed class HssEndPoint
    {
        public const int MinPort = 0;
        public const int MaxPort = 0xFFFF;

        public HssEndPoint(HssIPAddress address, int port)
            : this(address, port, 0, 0)
        {
        }

        public HssEndPoint(HssIPAddress address, int port, uint flowInfo, uint scopeId)
        {
            if (address == null)
            {
                throw new ArgumentNullException("address");
            }

            if (port < MinPort || port > MaxPort)
            {
                throw new ArgumentOutOfRangeException("port");
            }

            Address = address;
            Port = port;
            FlowInfo = flowInfo;
            ScopeId = scopeId;
        }

        public HssIPAddress Address { get; private set; }

        public int Port { get; private set; }

        public uint FlowInfo { get; private set; }

        public uint ScopeId { get; private set; }

        public AddressFamily AddressFamily
        {
            get { return Address.AddressFamily; }
        }

        /// <summary>Parses "1.2.3.4:80", "[::1]:80" or "[fe80::1%3]:80". Throws FormatException.</summary>
        public static HssEndPoint Parse(string text)
        {
            if (text == null)
            {
                throw new FormatException("endpoint text is null");
            }

            string host;
            string portText;
            if (text.Length > 0 && text[0] == '[')
            {
                int close = text.IndexOf("]:");
                if (close < 0)
                {
                    throw new FormatException("IPv6 endpoints are written [address]:port: '" + text + "'");
                }

                host = text.Substring(1, close - 1);
                portText = text.Substring(close + 2);
            }
            else
            {
                int colon = text.LastIndexOf(':');
                if (colon < 0 || text.IndexOf(':') != colon)
                {
                    throw new FormatException("endpoints are written address:port or [address]:port: '" + text + "'");
                }

                host = text.Substring(0, colon);
                portText = text.Substring(colon + 1);
            }

            uint scope = 0;
            int percent = host.IndexOf('%');
            if (percent >= 0)
            {
                scope = ParseUnsigned(host.Substring(percent + 1), uint.MaxValue, text);
                host = host.Substring(0, percent);
            }

            int port = (int)ParseUnsigned(portText, MaxPort, text);
            return new HssEndPoint(HssIPAddress.Parse(host), port, 0, scope);
        }

        public override string ToString()
        {
            if (Address.AddressFamily == AddressFamily.InterNetwork)
            {
                return Address.ToString() + ":" + Port.ToString();
            }

            return "[" + Address.ToString() + (ScopeId != 0 ? "%" + ScopeId.ToString() : "") + "]:" + Port.ToString();
        }

        public override bool Equals(object obj)
        {
            HssEndPoint other = obj as HssEndPoint;
            return other != null && other.Port == Port && other.ScopeId == ScopeId && other.Address.Equals(Address);
        }

        public override int GetHashCode()
        {
            return Address.GetHashCode() ^ Port;
        }

        private static uint ParseUnsigned(string digits, uint max, string whole)
        {
            if (digits.Length == 0 || digits.Length > 10)
            {
                throw new FormatException("bad number in endpoint '" + whole + "'");
            }

            ulong value = 0;
            for (int i = 0; i < digits.Length; i++)
            {
                char c = digits[i];
                if (c < '0' || c > '9')
                {
                    throw new FormatException("bad number in endpoint '" + whole + "'");
                }

                value = (value * 10) + (ulong)(c - '0');
            }

            if (value > max)
            {
                throw new FormatException("number out of range in endpoint '" + whole + "'");
            }

            return (uint)value;
        }
    }
}
