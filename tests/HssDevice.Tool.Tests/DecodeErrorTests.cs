using Xunit;

namespace HssDevice.Tool.Tests;

/// <summary>Bad input: exit codes 2 (bad bytes or hex) and 1 (usage), the offset and reason on stderr.</summary>
public class DecodeErrorTests
{
    [Fact]
    public void TruncatedHeader_AtTheStartOfThePacket()
    {
        var run = ToolRun.Of("decode", "06 00 07 00 01 00 00 00 00 00 00");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Equal("error at offset 0: truncated: fewer bytes than the header or payload_len announce " +
                     "(packet 0 at offset 0: 11 of 12 header bytes)", run.Error.TrimEnd());
    }

    [Fact]
    public void TruncatedPayload_AfterAGoodPacket_FirstStillPrinted()
    {
        // CONNECT missing its last address byte: the input ends at byte 12 + 19 = 31.
        var run = ToolRun.Of("decode", Examples.Close, "01 00 03 00 01 00 00 00 08 00 00 00 01 00 01 bb c0 00 02");
        Assert.Equal(2, run.ExitCode);
        var block = Assert.Single(TextBlock.Parse(run.Output));
        Assert.Equal("CLOSE", block.Fields["opcode"]);
        Assert.StartsWith("error at offset 31: truncated", run.Error);
        Assert.Contains("(packet 1 at offset 12: CONNECT msgId 3 sockId 1 payloadLen 8)", run.Error);
    }

    [Fact]
    public void UnknownOpcode_AtTheOpcodeField()
    {
        var run = ToolRun.Of("decode", Examples.Open, "07 00 01 00 01 00 00 00 00 00 00 00");
        Assert.Equal(2, run.ExitCode);
        Assert.Single(TextBlock.Parse(run.Output));
        Assert.Equal("error at offset 21: unknown opcode (packet 1 at offset 21: 0x0007 msgId 1 sockId 1 payloadLen 0)",
            run.Error.TrimEnd());
    }

    [Fact]
    public void CommandTooLong_AtThePayloadLenField()
    {
        // ACK with payload_len 53: one over the 52 a 64-byte command packet allows.
        var run = ToolRun.Of("decode", Examples.Close, "04 00 01 00 01 00 00 00 35 00 00 00");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error at offset 20: command payload_len over 52 (packet 1 at offset 12: ACK", run.Error);
    }

    [Fact]
    public void DataTooLong_ForMaxData()
    {
        var ok = ToolRun.Of("decode", "--max-data", "5", Examples.TransmitHello);
        Assert.Equal(0, ok.ExitCode);

        var run = ToolRun.Of("decode", "--max-data", "4", Examples.TransmitHello);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error at offset 8: data payload_len over the receiver's maximum", run.Error);
    }

    [Fact]
    public void DefaultMaxData_IsTheReassemblerSkipLimit()
    {
        // A TRANSMIT header announcing 16 MiB + 1 is refused before its payload is looked for.
        var run = ToolRun.Of("decode", "03 00 01 00 01 00 00 00 01 00 00 01");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error at offset 8: data payload_len over the receiver's maximum", run.Error);

        var justUnder = ToolRun.Of("decode", "03 00 01 00 01 00 00 00 00 00 00 01");
        Assert.StartsWith("error at offset 12: truncated", justUnder.Error);
    }

    [Fact]
    public void PayloadTooShort_ForOpen()
    {
        var run = ToolRun.Of("decode", "00 00 01 00 00 00 00 00 08 00 00 00 01 00 00 00 01 00 01 00");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error at offset 12: payload too short for its opcode", run.Error);
    }

    [Fact]
    public void ConnectWithUnknownFamily_IsInvalid()
    {
        var run = ToolRun.Of("decode", "01 00 03 00 01 00 00 00 08 00 00 00 03 00 01 bb c0 00 02 01");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error at offset 12: invalid field value", run.Error);
    }

    [Theory]
    [InlineData(new[] { "06 00 0" }, "error at offset 6 of argument 1: odd number of hex digits in \"0\"")]
    [InlineData(new[] { "0600", "070" }, "error at offset 2 of argument 2: odd number of hex digits in \"070\"")]
    [InlineData(new[] { "06 00 0x7" }, "error at offset 8 of argument 1: odd number of hex digits in \"0x7\"")]
    [InlineData(new[] { "06 00 zz" }, "error at offset 6 of argument 1: 'z' is not a hex digit")]
    [InlineData(new[] { "06", "00 0g" }, "error at offset 4 of argument 2: 'g' is not a hex digit")]
    [InlineData(new[] { "06,00" }, "error at offset 2 of argument 1: ',' is not a hex digit")]
    [InlineData(new[] { "06 0x" }, "error at offset 3 of argument 1: \"0x\" with no digits after it")]
    public void BadHex_NamesTheCharacter(string[] hex, string expected)
    {
        var run = ToolRun.Of(["decode", .. hex]);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.StartsWith(expected, run.Error);
    }

    [Fact]
    public void NoInput_IsAUsageError()
    {
        var run = ToolRun.Of("decode");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("HEX", run.Error);
    }

    [Fact]
    public void OnlyWhitespace_IsAUsageError()
    {
        var run = ToolRun.Of("decode", " ", "\t");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: no hex digits given", run.Error.TrimEnd());
    }

    [Fact]
    public void UnknownOption_IsAUsageError()
    {
        var run = ToolRun.Of("decode", "--bogus", Examples.Close);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Contains("--bogus", run.Error);
    }

    [Fact]
    public void NegativeMaxData_IsAUsageError()
    {
        var run = ToolRun.Of("decode", "--max-data", "-1", Examples.Close);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--max-data", run.Error);
    }

    [Fact]
    public void NoCommand_IsAUsageError()
    {
        Assert.Equal(1, ToolRun.Of().ExitCode);
    }
}
