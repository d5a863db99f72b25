using HssDevice.Sockets;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>HssIPAddress and HssEndPoint parsing and text forms.</summary>
    [TestClass]
    public class AddressTests
    {
        [TestMethod]
        [DataRow("127.0.0.1", "127.0.0.1")]
        [DataRow("::1", "::1")]
        [DataRow("::", "::")]
        [DataRow("2001:DB8:0:0:0:0:0:1", "2001:db8::1")]
        [DataRow("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1")]
        [DataRow("2001:0:0:1:0:0:0:1", "2001:0:0:1::1")]
        [DataRow("fe80::", "fe80::")]
        [DataRow("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8")]
        [DataRow("1:0:3:4:5:6:7:8", "1:0:3:4:5:6:7:8")]
        [DataRow("::ffff:192.0.2.1", "::ffff:c000:201")]
        public void Addresses_parse_and_print_as_canonical_text(string text, string canonical)
        {
            Assert.AreEqual(canonical, HssIPAddress.Parse(text).ToString());
        }

        [TestMethod]
        [DataRow("")]
        [DataRow("1.2.3")]
        [DataRow("1.2.3.256")]
        [DataRow("1.2.3.4.5")]
        [DataRow("1::2::3")]
        [DataRow("1:2:3:4:5:6:7:8:9")]
        [DataRow("12345::")]
        [DataRow("g::1")]
        [DataRow("1:2:3:4:5:6:7")]
        public void Bad_address_text_is_refused(string text)
        {
            HssIPAddress address;
            Assert.IsFalse(HssIPAddress.TryParse(text, out address));
            Assert.ThrowsException(typeof(System.FormatException), () => HssIPAddress.Parse(text));
        }

        [TestMethod]
        public void Address_bytes_are_network_order()
        {
            byte[] b = HssIPAddress.Parse("192.0.2.1").GetAddressBytes();
            Hex.AssertBytes("c0 00 02 01", b, 0, 4);
            Assert.AreEqual((int)AddressFamily.InterNetworkV6, (int)HssIPAddress.Parse("::1").AddressFamily);
        }

        [TestMethod]
        public void Endpoints_parse_both_families_and_refuse_bad_ports()
        {
            HssEndPoint v4 = HssEndPoint.Parse("10.1.2.3:8080");
            Assert.AreEqual(8080, v4.Port);
            Assert.AreEqual("10.1.2.3:8080", v4.ToString());
            HssEndPoint v6 = HssEndPoint.Parse("[fe80::1%3]:443");
            Assert.AreEqual(3u, v6.ScopeId);
            Assert.AreEqual("[fe80::1%3]:443", v6.ToString());
            Assert.ThrowsException(typeof(System.FormatException), () => HssEndPoint.Parse("1.2.3.4:65536"));
            Assert.ThrowsException(typeof(System.FormatException), () => HssEndPoint.Parse("::1:80"));
            Assert.ThrowsException(typeof(System.FormatException), () => HssEndPoint.Parse("1.2.3.4"));
            Assert.ThrowsException(typeof(System.ArgumentOutOfRangeException), () => new HssEndPoint(HssIPAddress.Loopback, -1));
        }
    }
}
