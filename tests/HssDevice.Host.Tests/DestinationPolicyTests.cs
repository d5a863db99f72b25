using System;
using System.Net;
using HssDevice.Host.Policy;
using Xunit;

namespace HssDevice.Host.Tests;

/// <summary>The destination policy on its own: each default denial, every spelling, the order of the rules.</summary>
public class DestinationPolicyTests
{
    private static bool Allowed(DestinationPolicy policy, string address, int port = 80, params IPEndPoint[] listeners) =>
        policy.Evaluate(new IPEndPoint(IPAddress.Parse(address), port), listeners).IsAllowed;

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.45.6.7")]
    [InlineData("::1")]
    [InlineData("0.0.0.0")] // connects to loopback on Linux
    [InlineData("::")]
    [InlineData("::ffff:127.0.0.1")] // IPv4-mapped spelling of loopback
    [InlineData("::ffff:0.0.0.0")]
    public void TheHostItselfIsDeniedInEverySpelling(string address)
    {
        DestinationDecision decision = DestinationPolicy.Default.Evaluate(new IPEndPoint(IPAddress.Parse(address), 80));
        Assert.False(decision.IsAllowed);
        Assert.Contains("the host itself", decision.Rule);
    }

    [Theory]
    // The rule names the registry block (issue 15: classified from the IANA special-purpose registries).
    [InlineData("169.254.1.1", "Link Local")]
    [InlineData("fe80::1", "Link-Local Unicast")]
    [InlineData("::ffff:169.254.9.9", "Link Local")]
    [InlineData("224.0.0.1", "Multicast")]
    [InlineData("239.255.255.250", "Multicast")]
    [InlineData("ff02::1", "Multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("240.0.0.1", "Reserved")]
    [InlineData("::7f00:1", "IPv4-compatible")] // IPv4-compatible IPv6: no route, denied
    [InlineData("10.1.2.3", "Private-Use")]
    [InlineData("172.16.0.1", "Private-Use")]
    [InlineData("172.31.255.255", "Private-Use")]
    [InlineData("192.168.1.1", "Private-Use")]
    [InlineData("100.64.0.1", "Shared Address Space")]
    [InlineData("fd12:3456::1", "Unique-Local")]
    [InlineData("fc00::1", "Unique-Local")]
    [InlineData("::ffff:10.0.0.1", "Private-Use")] // IPv4-mapped spelling of a private address
    public void DefaultDenials(string address, string rulePart)
    {
        DestinationDecision decision = DestinationPolicy.Default.Evaluate(new IPEndPoint(IPAddress.Parse(address), 443));
        Assert.False(decision.IsAllowed, address);
        Assert.Contains(rulePart, decision.Rule);
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("1.1.1.1")]
    [InlineData("172.32.0.1")] // just outside 172.16.0.0/12
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void PublicAddressesAreAllowedByDefault(string address) =>
        Assert.True(Allowed(DestinationPolicy.Default, address));

    [Fact]
    public void AllowLoopbackAllowsTheHostButNeverItsOwnListener()
    {
        DestinationPolicy policy = DestinationPolicy.Default.WithLoopbackAllowed();
        var listener = new IPEndPoint(IPAddress.Loopback, 7000);
        Assert.True(Allowed(policy, "127.0.0.1", 80, listener));
        Assert.True(Allowed(policy, "::1", 7001, listener));
        // Issue 15: the listener's port is denied on every address of the host, not only the one it is bound to.
        Assert.False(Allowed(policy, "::1", 7000, listener));
        Assert.False(Allowed(policy, "0.0.0.0", 7000, listener));
        Assert.False(Allowed(policy, "127.0.0.1", 7000, listener));
        Assert.False(Allowed(policy, "::ffff:127.0.0.1", 7000, listener));
        // Even an explicit --allow does not open the host's own listener.
        Assert.False(Allowed(policy.WithAllowed(AddressRange.Parse("127.0.0.0/8")), "127.0.0.1", 7000, listener));
    }

    [Fact]
    public void AListenerOnTheWildcardIsDeniedOnEveryLocalSpelling()
    {
        DestinationPolicy policy = DestinationPolicy.Default.WithLoopbackAllowed();
        var listener = new IPEndPoint(IPAddress.IPv6Any, 7001);
        foreach (string address in new[] { "127.0.0.1", "127.0.0.2", "::1", "0.0.0.0", "::", "::ffff:127.0.0.1" })
        {
            Assert.False(Allowed(policy, address, 7001, listener), address);
        }

        Assert.True(Allowed(policy, "127.0.0.1", 7002, listener));
    }

    [Fact]
    public void AllowOpensAPrivateRangeAndPortRangeOnly()
    {
        DestinationPolicy policy = DestinationPolicy.Default.WithAllowed(AddressRange.Parse("10.0.0.0/8:1883"))
            .WithAllowed(AddressRange.Parse("[fd00::/8]:8000-8099"));
        Assert.True(Allowed(policy, "10.9.8.7", 1883));
        Assert.False(Allowed(policy, "10.9.8.7", 1884));
        Assert.True(Allowed(policy, "::ffff:10.9.8.7", 1883));
        Assert.True(Allowed(policy, "fd00::5", 8050));
        Assert.False(Allowed(policy, "fd00::5", 8100));
        Assert.False(Allowed(policy, "192.168.0.1", 1883));
    }

    [Fact]
    public void DenyIsCheckedBeforeAllowAndCoversPublicAddresses()
    {
        DestinationPolicy policy = DestinationPolicy.Default.WithAllowed(AddressRange.Parse("10.0.0.0/8"))
            .WithDenied(AddressRange.Parse("10.0.0.5"))
            .WithDenied(AddressRange.Parse("8.8.8.0/24:53"));
        Assert.True(Allowed(policy, "10.0.0.4"));
        Assert.False(Allowed(policy, "10.0.0.5"));
        Assert.False(Allowed(policy, "8.8.8.8", 53));
        Assert.True(Allowed(policy, "8.8.8.8", 443));
        Assert.StartsWith("--deny", policy.Evaluate(new IPEndPoint(IPAddress.Parse("10.0.0.5"), 1)).Rule);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/x")]
    [InlineData("10.0.0.0:70000")]
    [InlineData("10.0.0.0:90-80")]
    [InlineData("10.0.0.0:1-2-3")]
    [InlineData("[fd00::/8")]
    [InlineData("[fd00::/8]443")]
    [InlineData("fd00::/129")]
    [InlineData("example.com")]
    [InlineData("")]
    public void BadRangesAreRejectedWithAReason(string text)
    {
        Assert.False(AddressRange.TryParse(text, out _, out string? error));
        Assert.False(string.IsNullOrEmpty(error));
        Assert.Throws<FormatException>(() => AddressRange.Parse(text));
    }

    [Theory]
    [InlineData("10.1.2.3/8", "10.0.0.0", 8, 0, 65535)]
    [InlineData("192.168.1.1", "192.168.1.1", 32, 0, 65535)]
    [InlineData("192.168.1.0/24:22", "192.168.1.0", 24, 22, 22)]
    [InlineData("fd00::/8", "fd00::", 8, 0, 65535)]
    [InlineData("[2001:db8::1]:443-444", "2001:db8::1", 128, 443, 444)]
    [InlineData("::ffff:10.0.0.0/104", "10.0.0.0", 8, 0, 65535)]
    public void RangesParse(string text, string network, int prefix, int first, int last)
    {
        AddressRange range = AddressRange.Parse(text);
        Assert.Equal(IPAddress.Parse(network), range.Network);
        Assert.Equal(prefix, range.PrefixLength);
        Assert.Equal(first, range.FirstPort);
        Assert.Equal(last, range.LastPort);
    }
}
