using System;

namespace HssDevice.UsbIp;

/// <summary>A client broke the protocol (or a server limit): the server logs it and closes that connection.</summary>
public sealed class UsbIpProtocolException : Exception
{
    public UsbIpProtocolException(string message)
        : base(message)
    {
    }
}
