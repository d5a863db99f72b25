using System;

namespace HssDevice.LinuxGuest;

/// <summary>The guest could not boot, or stopped answering: the message says why (script output, console tail).</summary>
public sealed class LinuxGuestException : Exception
{
    public LinuxGuestException(string message)
        : base(message)
    {
    }
}
