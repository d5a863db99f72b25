using System;

namespace HssDevice.Sockets
{
    /// <summary>An IPv4 or IPv6 address as its network-order bytes, with parsing and RFC 5952 text.</summary>
    public sealed class HssIPAddress
    {
        private readonly byte[] _bytes;

        public HssIPAddress(byte[] addressBytes)
        {
            if (addressBytes == null || (addressBytes.Length != 4 && addressBytes.Length != 16))
            {
                throw new ArgumentException("an address is 4 (IPv4) or 16 (IPv6) bytes");
            }

            _bytes = new byte[addressBytes.Length];
            Array.Copy(addressBytes, _bytes, addressBytes.Length);
        }

        public static HssIPAddress Loopback
        {
            get { return new HssIPAddress(new byte[] { 127, 0, 0, 1 }); }
        }

        public static HssIPAddress IPv6Loopback
        {
            get
            {
                byte[] b = new byte[16];
                b[15] = 1;
                return new HssIPAddress(b);
            }
        }

        public AddressFamily AddressFamily
        {
            get { return _bytes.Length == 4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6; }
        }

        /// <summary>A copy of the address bytes, network order.</summary>
        public byte[] GetAddressBytes()
        {
            byte[] copy = new byte[_bytes.Length];
            Array.Copy(_bytes, copy, _bytes.Length);
            return copy;
        }

        /// <summary>Parses dotted IPv4 or IPv6 text (with "::" and an embedded IPv4 tail). Throws FormatException.</summary>
        public static HssIPAddress Parse(string text)
        {
            HssIPAddress result;
            if (!TryParse(text, out result))
            {
                throw new FormatException("not an IPv4 or IPv6 address: '" + (text == null ? "null" : text) + "'");
            }

            return result;
        }

        public static bool TryParse(string text, out HssIPAddress address)
        {
            address = null;
            if (text == null || text.Length == 0)
            {
                return false;
            }

            byte[] bytes = text.IndexOf(':') >= 0 ? ParseIPv6(text) : ParseIPv4(text);
            if (bytes == null)
            {
                return false;
            }

            address = new HssIPAddress(bytes);
            return true;
        }

        public override string ToString()
        {
            return _bytes.Length == 4 ? FormatIPv4(_bytes, 0) : FormatIPv6(_bytes);
        }

        public override bool Equals(object obj)
        {
            HssIPAddress other = obj as HssIPAddress;
            if (other == null || other._bytes.Length != _bytes.Length)
            {
                return false;
            }

            for (int i = 0; i < _bytes.Length; i++)
            {
                if (_bytes[i] != other._bytes[i])
                {
                    return false;
                }
            }

            return true;
        }

        public override int GetHashCode()
        {
            int h = _bytes.Length;
            for (int i = 0; i < _bytes.Length; i++)
            {
                h = (h * 31) + _bytes[i];
            }

            return h;
        }

        private static byte[] ParseIPv4(string text)
        {
            string[] parts = text.Split('.');
            if (parts.Length != 4)
            {
                return null;
            }

            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++)
            {
                int value = ParseNumber(parts[i], 10, 3);
                if (value < 0 || value > 255)
                {
                    return null;
                }

                bytes[i] = (byte)value;
            }

            return bytes;
        }

        private static byte[] ParseIPv6(string text)
        {
            int gap = text.IndexOf("::");
            if (gap >= 0 && text.IndexOf("::", gap + 1) >= 0)
            {
                return null;
            }

            string head = gap >= 0 ? text.Substring(0, gap) : text;
            string tail = gap >= 0 ? text.Substring(gap + 2) : "";
            byte[] headBytes = new byte[16];
            byte[] tailBytes = new byte[16];
            int headCount = ParseGroups(head, headBytes, gap < 0);
            int tailCount = ParseGroups(tail, tailBytes, true);
            if (headCount < 0 || tailCount < 0)
            {
                return null;
            }

            if (gap < 0 ? headCount != 16 : headCount + tailCount > 14)
            {
                return null;
            }

            byte[] result = new byte[16];
            Array.Copy(headBytes, result, headCount);
            Array.Copy(tailBytes, 0, result, 16 - tailCount, tailCount);
            return result;
        }

        /// <summary>Parses "a:b:c" groups (the last may be dotted IPv4 when allowed); returns bytes written or -1.</summary>
        private static int ParseGroups(string text, byte[] into, bool allowIPv4Tail)
        {
            if (text.Length == 0)
            {
                return 0;
            }

            string[] groups = text.Split(':');
            int n = 0;
            for (int i = 0; i < groups.Length; i++)
            {
                if (allowIPv4Tail && i == groups.Length - 1 && groups[i].IndexOf('.') >= 0)
                {
                    byte[] v4 = ParseIPv4(groups[i]);
                    if (v4 == null || n + 4 > 16)
                    {
                        return -1;
                    }

                    Array.Copy(v4, 0, into, n, 4);
                    n += 4;
                    continue;
                }

                int value = ParseNumber(groups[i], 16, 4);
                if (value < 0 || n + 2 > 16)
                {
                    return -1;
                }

                into[n++] = (byte)(value >> 8);
                into[n++] = (byte)value;
            }

            return n;
        }

        private static int ParseNumber(string digits, int radix, int maxDigits)
        {
            if (digits.Length == 0 || digits.Length > maxDigits)
            {
                return -1;
            }

            int value = 0;
            for (int i = 0; i < digits.Length; i++)
            {
                char c = digits[i];
                int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
                if (d >= radix)
                {
                    return -1;
                }

                value = (value * radix) + d;
            }

            return value;
        }

        private static string FormatIPv4(byte[] b, int offset)
        {
            return b[offset].ToString() + "." + b[offset + 1].ToString() + "." + b[offset + 2].ToString() + "." + b[offset + 3].ToString();
        }

        /// <summary>RFC 5952: lower-case hex, leading zeros dropped, the longest run (2+) of zero groups as "::".</summary>
        private static string FormatIPv6(byte[] b)
        {
            int bestStart = -1;
            int bestLength = 1;
            int runStart = -1;
            for (int g = 0; g <= 8; g++)
            {
                bool zero = g < 8 && b[g * 2] == 0 && b[(g * 2) + 1] == 0;
                if (zero && runStart < 0)
                {
                    runStart = g;
                }
                else if (!zero && runStart >= 0)
                {
                    if (g - runStart > bestLength)
                    {
                        bestStart = runStart;
                        bestLength = g - runStart;
                    }

                    runStart = -1;
                }
            }

            string text = "";
            for (int g = 0; g < 8; g++)
            {
                if (g == bestStart)
                {
                    text += "::";
                    g += bestLength - 1;
                    continue;
                }

                if (text.Length > 0 && !EndsWithColons(text))
                {
                    text += ":";
                }

                int value = (b[g * 2] << 8) | b[(g * 2) + 1];
                text += value.ToString("x");
            }

            return text;
        }

        private static bool EndsWithColons(string text)
        {
            return text.Length >= 2 && text[text.Length - 1] == ':' && text[text.Length - 2] == ':';
        }
    }
}
