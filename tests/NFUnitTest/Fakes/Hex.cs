using System;

namespace HssDevice.Tests.Device
{
    /// <summary>Hex text to bytes and back, for test vectors (spaces allowed).</summary>
    public static class Hex
    {
        public static byte[] Parse(string text)
        {
            int digits = 0;
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] != ' ')
                {
                    digits++;
                }
            }

            byte[] result = new byte[digits / 2];
            int n = 0;
            int high = -1;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == ' ')
                {
                    continue;
                }

                int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (v < 0)
                {
                    throw new ArgumentException("not hex: " + text);
                }

                if (high < 0)
                {
                    high = v;
                }
                else
                {
                    result[n++] = (byte)((high << 4) | v);
                    high = -1;
                }
            }

            return result;
        }

        public static string Format(byte[] data, int offset, int count)
        {
            const string digits = "0123456789abcdef";
            char[] chars = new char[count * 3];
            for (int i = 0; i < count; i++)
            {
                byte b = data[offset + i];
                chars[i * 3] = digits[b >> 4];
                chars[(i * 3) + 1] = digits[b & 15];
                chars[(i * 3) + 2] = ' ';
            }

            return count == 0 ? "" : new string(chars, 0, (count * 3) - 1);
        }

        public static void AssertBytes(string expectedHex, byte[] actual, int offset, int count)
        {
            string actualHex = Format(actual, offset, count);
            nanoFramework.TestFramework.Assert.AreEqual(Format(Parse(expectedHex), 0, Parse(expectedHex).Length), actualHex);
        }
    }
}
