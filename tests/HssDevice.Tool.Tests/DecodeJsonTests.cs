using System.Linq;
using System.Text.Json;
using Xunit;

namespace HssDevice.Tool.Tests;

/// <summary>`hss decode --json`: keys per opcode and their values, parsed back with System.Text.Json.</summary>
public class DecodeJsonTests
{
    private static JsonElement Single(string hex)
    {
        var run = ToolRun.Of("decode", "--json", hex);
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        return Assert.Single(run.Packets());
    }

    private static string[] Keys(JsonElement packet) => packet.EnumerateObject().Select(p => p.Name).ToArray();

    [Fact]
    public void Open_KeysAndValues()
    {
        var p = Single(Examples.Open);
        Assert.Equal(new[] { "opcode", "msgId", "sockId", "payloadLen", "handle", "family", "protocol", "type", "offset" }, Keys(p));
        Assert.Equal("OPEN", p.GetProperty("opcode").GetString());
        Assert.Equal(0x0102, p.GetProperty("msgId").GetInt32());
        Assert.Equal(0u, p.GetProperty("sockId").GetUInt32());
        Assert.Equal(9u, p.GetProperty("payloadLen").GetUInt32());
        Assert.Equal(0x11223344u, p.GetProperty("handle").GetUInt32());
        Assert.Equal("IPv4", p.GetProperty("family").GetString());
        Assert.Equal("TCP", p.GetProperty("protocol").GetString());
        Assert.Equal("Stream", p.GetProperty("type").GetString());
        Assert.Equal(0, p.GetProperty("offset").GetInt32());
    }

    [Fact]
    public void Open_Udp_Datagram_IPv6()
    {
        var p = Single("00 00 01 00 00 00 00 00 09 00 00 00 05 00 00 00 02 00 02 00 02");
        Assert.Equal("IPv6", p.GetProperty("family").GetString());
        Assert.Equal("UDP", p.GetProperty("protocol").GetString());
        Assert.Equal("Datagram", p.GetProperty("type").GetString());
    }

    [Fact]
    public void Open_InvalidValues_AreTheNumberForms()
    {
        var p = Single("00 00 01 00 00 00 00 00 09 00 00 00 01 00 00 00 07 00 09 00 03");
        Assert.Equal("family(7)", p.GetProperty("family").GetString());
        Assert.Equal("protocol(9)", p.GetProperty("protocol").GetString());
        Assert.Equal("type(3)", p.GetProperty("type").GetString());
    }

    [Fact]
    public void ConnectIPv4_KeysAndValues()
    {
        var p = Single(Examples.ConnectIPv4);
        Assert.Equal(new[] { "opcode", "msgId", "sockId", "payloadLen", "family", "port", "address", "offset" }, Keys(p));
        Assert.Equal("CONNECT", p.GetProperty("opcode").GetString());
        Assert.Equal(3, p.GetProperty("msgId").GetInt32());
        Assert.Equal(1u, p.GetProperty("sockId").GetUInt32());
        Assert.Equal(8u, p.GetProperty("payloadLen").GetUInt32());
        Assert.Equal("IPv4", p.GetProperty("family").GetString());
        Assert.Equal(443, p.GetProperty("port").GetInt32());
        Assert.Equal("192.0.2.1", p.GetProperty("address").GetString());
    }

    [Theory]
    [InlineData(Examples.ConnectIPv6, 28)]
    [InlineData(Examples.ConnectIPv6Len40, 40)]
    public void ConnectIPv6_KeysAndValues(string hex, int payloadLen)
    {
        var p = Single(hex);
        Assert.Equal(new[] { "opcode", "msgId", "sockId", "payloadLen", "family", "port", "address", "flowInfo", "scopeId", "offset" }, Keys(p));
        Assert.Equal(payloadLen, p.GetProperty("payloadLen").GetInt32());
        Assert.Equal("IPv6", p.GetProperty("family").GetString());
        Assert.Equal(443, p.GetProperty("port").GetInt32());
        Assert.Equal("2001:db8::1", p.GetProperty("address").GetString());
        Assert.Equal(0x12345u, p.GetProperty("flowInfo").GetUInt32());
        Assert.Equal(3u, p.GetProperty("scopeId").GetUInt32());
    }

    [Fact]
    public void Ack_ThreeByteForm_HasNoValueNorData()
    {
        var p = Single(Examples.AckConnect);
        Assert.Equal(new[] { "opcode", "msgId", "sockId", "payloadLen", "origOpcode", "code", "offset" }, Keys(p));
        Assert.Equal("ACK", p.GetProperty("opcode").GetString());
        Assert.Equal("CONNECT", p.GetProperty("origOpcode").GetString());
        Assert.Equal("ESUCCESS", p.GetProperty("code").GetString());
    }

    [Fact]
    public void Ack_SevenByteForm_HasTheSignedValue()
    {
        var p = Single(Examples.AckTransmitFailed);
        Assert.Equal(new[] { "opcode", "msgId", "sockId", "payloadLen", "origOpcode", "code", "value", "offset" }, Keys(p));
        Assert.Equal("TRANSMIT", p.GetProperty("origOpcode").GetString());
        Assert.Equal("ENOTCONN", p.GetProperty("code").GetString());
        Assert.Equal(-8, p.GetProperty("value").GetInt32());
    }

    [Fact]
    public void Ack_UnknownCode_IsTheNumberForm()
    {
        var p = Single("04 00 03 00 01 00 00 00 03 00 00 00 01 00 0c");
        Assert.Equal("E?(12)", p.GetProperty("code").GetString());
    }

    [Fact]
    public void Reply_ValueThenData()
    {
        var p = Single(Examples.Reply);
        Assert.Equal(new[] { "opcode", "msgId", "sockId", "payloadLen", "origOpcode", "code", "value", "data", "offset" }, Keys(p));
        Assert.Equal("REPLY", p.GetProperty("opcode").GetString());
        Assert.Equal(10, p.GetProperty("value").GetInt32());
        Assert.Equal("deadbeef", p.GetProperty("data").GetString());
    }

    [Fact]
    public void Reply_ShorterThanAValue_IsAllData()
    {
        var p = Single("05 00 09 00 01 00 00 00 05 00 00 00 01 00 00 ab cd");
        Assert.False(p.TryGetProperty("value", out _));
        Assert.Equal("abcd", p.GetProperty("data").GetString());
    }

    [Fact]
    public void Transmit_DataIsLowerCaseHex()
    {
        var p = Single("03 00 08 00 01 00 00 00 05 00 00 00 48 45 4C 4C 4F");
        Assert.Equal(new[] { "opcode", "msgId", "sockId", "payloadLen", "data", "offset" }, Keys(p));
        Assert.Equal("48454c4c4f", p.GetProperty("data").GetString());
    }

    [Fact]
    public void Transmit_Empty_HasEmptyData()
    {
        Assert.Equal("", Single("03 00 08 00 01 00 00 00 00 00 00 00").GetProperty("data").GetString());
    }

    [Fact]
    public void Shutdown_HeaderOnly()
    {
        var p = Single("02 00 04 00 07 00 00 00 00 00 00 00");
        Assert.Equal(new[] { "opcode", "msgId", "sockId", "payloadLen", "offset" }, Keys(p));
        Assert.Equal("SHUTDOWN", p.GetProperty("opcode").GetString());
        Assert.Equal(7u, p.GetProperty("sockId").GetUInt32());
    }

    [Fact]
    public void SeveralPackets_OneObjectEach_InOrder()
    {
        var run = ToolRun.Of("decode", "--json", Examples.Open + " " + Examples.ConnectIPv4 + " " + Examples.AckConnect +
                                                   " " + Examples.Close + " " + Examples.TransmitHello);
        Assert.Equal(0, run.ExitCode);
        var packets = run.Packets();
        Assert.Equal(new[] { "OPEN", "CONNECT", "ACK", "CLOSE", "TRANSMIT" }, packets.Select(p => p.GetProperty("opcode").GetString()));
        Assert.Equal(new[] { 0, 21, 41, 56, 68 }, packets.Select(p => p.GetProperty("offset").GetInt32()));
        Assert.Equal("68656c6c6f", packets[4].GetProperty("data").GetString());
    }

    [Fact]
    public void SecondPacketBad_ArrayHoldsTheFirst_ErrorOnStderr()
    {
        var run = ToolRun.Of("decode", "--json", Examples.Close, "09 00 01 00 01 00 00 00 00 00 00 00");
        Assert.Equal(2, run.ExitCode);
        var packet = Assert.Single(run.Packets());
        Assert.Equal("CLOSE", packet.GetProperty("opcode").GetString());
        Assert.StartsWith("error at offset 12: unknown opcode", run.Error);
    }

    [Fact]
    public void BadHex_EmptyArray()
    {
        var run = ToolRun.Of("decode", "--json", "0g");
        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Packets());
        Assert.StartsWith("error at offset 1 of argument 1:", run.Error);
    }
}
