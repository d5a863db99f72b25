namespace HssDevice.Sockets
{
    // Same names and values as System.Net.Sockets, so code written for nanoFramework's Socket ports by changing
    // the using directive.

    public enum AddressFamily
    {
        InterNetwork = 2,
        InterNetworkV6 = 23,
    }

    public enum SocketType
    {
        Stream = 1,
        Dgram = 2,
    }

    public enum ProtocolType
    {
        Tcp = 6,
        Udp = 17,
    }

    public enum SocketShutdown
    {
        Receive = 0,
        Send = 1,
        Both = 2,
    }

    public enum SelectMode
    {
        SelectRead = 0,
        SelectWrite = 1,
        SelectError = 2,
    }

    /// <summary>Accepted for signature compatibility; HSS has no per-call flags, so only None is valid.</summary>
    public enum SocketFlags
    {
        None = 0,
    }
}
