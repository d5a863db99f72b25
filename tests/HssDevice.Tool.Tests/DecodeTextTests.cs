using System.Collections.Generic;
using Xunit;

namespace HssDevice.Tool.Tests;

/// <summary>`hss decode` text output for every packet form.</summary>
public class DecodeTextTests
{
    private static TextBlock Single(string hex)
    {
        var run = ToolRun.Of("decode", hex);
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        return Assert.Single(TextBlock.Parse(run.Output));
    }

    [Fact]
    public void Section13_Open()
    {
        var block = Single(Examples.Open);
        Assert.Equal("packet 0 at offset 0 (21 bytes)", block.Title);
        Assert.Equal(new Dictionary<string, string>
        {
            ["opcode"] = "OPEN",
            ["msgId"] = "258 (0x0102)",
            ["sockId"] = "0 (0x00000000)",
            ["payloadLen"] = "9",
            ["handle"] = "287454020 (0x11223344)",
            ["family"] = "IPv4",
            ["protocol"] = "TCP",
            ["type"] = "Stream",
        }, block.Fields);
    }

    [Fact]
    public void Section13_ConnectIPv4()
    {
        var block = Single(Examples.ConnectIPv4);
        Assert.Equal(new Dictionary<string, string>
        {
            ["opcode"] = "CONNECT",
            ["msgId"] = "3 (0x0003)",
            ["sockId"] = "1 (0x00000001)",
            ["payloadLen"] = "8",
            ["family"] = "IPv4",
            ["port"] = "443",
            ["address"] = "192.0.2.1",
        }, block.Fields);
    }

    [Fact]
    public void Section13_AckOfConnect()
    {
        var block = Single(Examples.AckConnect);
        Assert.Equal(new Dictionary<string, string>
        {
            ["opcode"] = "ACK",
            ["msgId"] = "3 (0x0003)",
            ["sockId"] = "1 (0x00000001)",
            ["payloadLen"] = "3",
            ["origOpcode"] = "CONNECT",
            ["code"] = "ESUCCESS",
        }, block.Fields);
    }

    [Fact]
    public void Section13_Close()
    {
        var block = Single(Examples.Close);
        Assert.Equal("packet 0 at offset 0 (12 bytes)", block.Title);
        Assert.Equal(new Dictionary<string, string>
        {
            ["opcode"] = "CLOSE",
            ["msgId"] = "7 (0x0007)",
            ["sockId"] = "1 (0x00000001)",
            ["payloadLen"] = "0",
        }, block.Fields);
    }

    [Fact]
    public void Section13_TransmitWithItsPayload()
    {
        var block = Single(Examples.TransmitHello);
        Assert.Equal("TRANSMIT", block.Fields["opcode"]);
        Assert.Equal("8 (0x0008)", block.Fields["msgId"]);
        Assert.Equal("5", block.Fields["payloadLen"]);
        Assert.Equal("68 65 6c 6c 6f", block.Fields["data"]);
    }

    [Fact]
    public void Section13_TransmitHeaderAlone_IsTruncatedAtTheEndOfTheInput()
    {
        var run = ToolRun.Of("decode", Examples.TransmitHeader);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.StartsWith("error at offset 12: truncated", run.Error);
        Assert.Contains("packet 0 at offset 0: TRANSMIT msgId 8 sockId 1 payloadLen 5", run.Error);
    }

    [Fact]
    public void TransmitData_WrapsEvery16Bytes()
    {
        var block = Single("03 00 01 00 01 00 00 00 14 00 00 00 " +
                           "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13");
        Assert.Equal("00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13", block.Fields["data"]);
    }

    [Fact]
    public void EmptyTransmit_ShowsNoData()
    {
        Assert.Equal("(none)", Single("03 00 01 00 01 00 00 00 00 00 00 00").Fields["data"]);
    }

    [Theory]
    [InlineData(Examples.ConnectIPv6, "28")]
    [InlineData(Examples.ConnectIPv6Len40, "40")]
    public void ConnectIPv6_BothPayloadLengths(string hex, string payloadLen)
    {
        var block = Single(hex);
        Assert.Equal(new Dictionary<string, string>
        {
            ["opcode"] = "CONNECT",
            ["msgId"] = "5 (0x0005)",
            ["sockId"] = "2 (0x00000002)",
            ["payloadLen"] = payloadLen,
            ["family"] = "IPv6",
            ["port"] = "443",
            ["address"] = "2001:db8::1",
            ["flowInfo"] = "74565 (0x00012345)",
            ["scopeId"] = "3",
        }, block.Fields);
    }

    [Fact]
    public void ConnectIPv6_AddressIsRfc5952Text()
    {
        // 2001:db8:0:0:1:0:0:1: two equal runs of zeros; RFC 5952 shortens the first one only.
        var block = Single("01 00 05 00 02 00 00 00 1c 00 00 00 02 00 00 50 00 00 00 00 00 00 00 00 " +
                           "20 01 0d b8 00 00 00 00 00 01 00 00 00 00 00 01");
        Assert.Equal("2001:db8::1:0:0:1", block.Fields["address"]);
        Assert.Equal("80", block.Fields["port"]);
    }

    [Fact]
    public void AckOfTransmit_SevenByteForm_HasTheCount()
    {
        var block = Single(Examples.AckTransmitCount);
        Assert.Equal("TRANSMIT", block.Fields["origOpcode"]);
        Assert.Equal("ESUCCESS", block.Fields["code"]);
        Assert.Equal("5", block.Fields["value"]);
        Assert.False(block.Fields.ContainsKey("data"));
    }

    [Fact]
    public void AckOfTransmit_SevenByteForm_NegativeValue()
    {
        var block = Single(Examples.AckTransmitFailed);
        Assert.Equal("ENOTCONN", block.Fields["code"]);
        Assert.Equal("-8", block.Fields["value"]);
    }

    [Fact]
    public void AckOfTransmit_ThreeByteForm_HasNoValue()
    {
        var block = Single(Examples.AckTransmitShort);
        Assert.Equal("3", block.Fields["payloadLen"]);
        Assert.Equal("TRANSMIT", block.Fields["origOpcode"]);
        Assert.False(block.Fields.ContainsKey("value"));
        Assert.False(block.Fields.ContainsKey("data"));
    }

    [Fact]
    public void Reply_HasValueAndTheDataAfterIt()
    {
        var block = Single(Examples.Reply);
        Assert.Equal(new Dictionary<string, string>
        {
            ["opcode"] = "REPLY",
            ["msgId"] = "9 (0x0009)",
            ["sockId"] = "1 (0x00000001)",
            ["payloadLen"] = "11",
            ["origOpcode"] = "CONNECT",
            ["code"] = "ESUCCESS",
            ["value"] = "10",
            ["data"] = "de ad be ef",
        }, block.Fields);
    }

    [Fact]
    public void Open_InvalidValuesStillDecode_AsNumbers()
    {
        var block = Single("00 00 01 00 00 00 00 00 09 00 00 00 01 00 00 00 07 00 09 00 03");
        Assert.Equal("family(7)", block.Fields["family"]);
        Assert.Equal("protocol(9)", block.Fields["protocol"]);
        Assert.Equal("type(3)", block.Fields["type"]);
    }

    [Fact]
    public void SeveralPackets_OneBlockEach_WithTheirOffsets()
    {
        var run = ToolRun.Of("decode", Examples.Open, Examples.ConnectIPv4, Examples.AckConnect,
            Examples.ConnectIPv6Len40, Examples.Close, Examples.TransmitHello);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        var blocks = TextBlock.Parse(run.Output);
        Assert.Equal(6, blocks.Length);
        Assert.Equal(new[] { "OPEN", "CONNECT", "ACK", "CONNECT", "CLOSE", "TRANSMIT" }, System.Array.ConvertAll(blocks, b => b.Fields["opcode"]));
        Assert.Equal("packet 3 at offset 56 (52 bytes)", blocks[3].Title);
        Assert.Equal("packet 4 at offset 108 (12 bytes)", blocks[4].Title);
        Assert.Equal("packet 5 at offset 120 (17 bytes)", blocks[5].Title);
    }

    [Theory]
    [InlineData("06000700010000000000000000")]
    [InlineData("0x060007000100000000000000", "0X00")]
    [InlineData("06 00 07 00", "01 00 00 00\t00 00 00 00\n", "00")]
    [InlineData("0x0600 0x0700", "0100000000000000", "00")]
    public void HexForms_SpacesAndPrefixes(params string[] hex)
    {
        var args = new List<string> { "decode" };
        args.AddRange(hex);
        var run = ToolRun.Of(args.ToArray());
        Assert.Equal(2, run.ExitCode); // a CLOSE, then one stray byte: proves every digit was read
        var block = Assert.Single(TextBlock.Parse(run.Output));
        Assert.Equal("CLOSE", block.Fields["opcode"]);
        Assert.Equal("7 (0x0007)", block.Fields["msgId"]);
        Assert.StartsWith("error at offset 12: truncated", run.Error);
        Assert.Contains("1 of 12 header bytes", run.Error);
    }
}
