namespace HssDevice.Tool.Servers;

/// <summary>
/// Which loopback server answers wrongly, so that tests (and `hss demo --fault`) can show that the demo notices a
/// bad step and exits non-zero.
/// </summary>
public enum ServerFault
{
    None,

    /// <summary>The HTTP server answers 500 with an empty body.</summary>
    Http,

    /// <summary>The TCP echo server flips one byte of what it echoes.</summary>
    TcpEcho,

    /// <summary>The UDP echo server flips the first byte of every datagram.</summary>
    UdpEcho,
}
