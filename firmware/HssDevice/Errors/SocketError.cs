namespace HssDevice
{
    /// <summary>Socket error codes with the values of System.Net.Sockets.SocketError (Winsock numbering).</summary>
    public enum SocketError
    {
        Success = 0,
        /// <summary>Unspecified error (the host reported EHOSTERR).</summary>
        SocketError = -1,
        /// <summary>The host's destination policy denied the destination (HSS code 10, EDENIED).</summary>
        AccessDenied = 10013,
        NotSocket = 10038,
        MessageSize = 10040,
        ProtocolNotSupported = 10043,
        AddressFamilyNotSupported = 10047,
        InvalidArgument = 10022,

        /// <summary>Every slot of the device's socket table is taken (System.Net.Sockets.SocketError.TooManyOpenSockets).</summary>
        TooManyOpenSockets = 10024,
        NetworkUnreachable = 10051,
        /// <summary>The USB link was reset or lost: every socket of the link failed.</summary>
        NetworkReset = 10052,
        ConnectionAborted = 10053,
        ConnectionReset = 10054,
        NoBufferSpaceAvailable = 10055,
        IsConnected = 10056,
        NotConnected = 10057,
        Shutdown = 10058,
        TimedOut = 10060,
        ConnectionRefused = 10061,
        HostUnreachable = 10065,
        OperationAborted = 995,
    }
}
