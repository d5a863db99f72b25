namespace HssDevice.Tool.Tests;

/// <summary>Packets as hex: the examples of docs/protocol.md section 13 and a few more forms, written out by hand.</summary>
public static class Examples
{
    // docs/protocol.md section 13.
    public const string Open = "00 00 02 01 00 00 00 00 09 00 00 00 44 33 22 11 01 00 01 00 01";
    public const string ConnectIPv4 = "01 00 03 00 01 00 00 00 08 00 00 00 01 00 01 bb c0 00 02 01";
    public const string AckConnect = "04 00 03 00 01 00 00 00 03 00 00 00 01 00 00";
    public const string Close = "06 00 07 00 01 00 00 00 00 00 00 00";
    public const string TransmitHeader = "03 00 08 00 01 00 00 00 05 00 00 00";
    public const string TransmitHello = TransmitHeader + " 68 65 6c 6c 6f";

    // CONNECT msg 5 sock 2, [2001:db8::1]:443, flowinfo 0x00012345 (big-endian), scope id 3 (little-endian).
    private const string ConnectIPv6Body = "02 00 01 bb 00 01 23 45 03 00 00 00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01";
    public const string ConnectIPv6 = "01 00 05 00 02 00 00 00 1c 00 00 00 " + ConnectIPv6Body;

    /// <summary>The spec's payload_len 0x28 (40): 12 trailing bytes that receivers ignore.</summary>
    public const string ConnectIPv6Len40 = "01 00 05 00 02 00 00 00 28 00 00 00 " + ConnectIPv6Body + " ee ee ee ee ee ee ee ee ee ee ee ee";

    /// <summary>ACK of a TRANSMIT in the 7-byte form: 5 bytes accepted.</summary>
    public const string AckTransmitCount = "04 00 08 00 01 00 00 00 07 00 00 00 03 00 00 05 00 00 00";

    /// <summary>ACK of a TRANSMIT in the 7-byte form: -8 (minus ENOTCONN), code ENOTCONN.</summary>
    public const string AckTransmitFailed = "04 00 08 00 01 00 00 00 07 00 00 00 03 00 08 f8 ff ff ff";

    /// <summary>The reference's 3-byte TRANSMIT ACK: no return data.</summary>
    public const string AckTransmitShort = "04 00 08 00 01 00 00 00 03 00 00 00 03 00 00";

    /// <summary>REPLY to a CONNECT: value 10, then 4 more bytes of return data.</summary>
    public const string Reply = "05 00 09 00 01 00 00 00 0b 00 00 00 01 00 00 0a 00 00 00 de ad be ef";
}
