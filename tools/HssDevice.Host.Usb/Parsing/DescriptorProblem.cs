namespace HssDevice.Host.Usb.Parsing;

/// <summary>Why a descriptor was rejected.</summary>
public enum DescriptorProblem
{
    /// <summary>The data ends before a field or descriptor that must be there.</summary>
    Truncated,

    /// <summary>A descriptor has bLength 0, which would make a parser loop forever.</summary>
    ZeroLength,

    /// <summary>bLength is shorter than the descriptor's type requires, or differs where it is fixed.</summary>
    BadLength,

    /// <summary>A descriptor runs past wTotalLength (or past the data).</summary>
    Overrun,

    /// <summary>wTotalLength (or wLength of a set) differs from the bytes given.</summary>
    TotalMismatch,

    /// <summary>bDescriptorType (or wDescriptorType) is not the one expected at that place.</summary>
    WrongType,

    /// <summary>A count field (bNumInterfaces, bNumEndpoints, bNumDeviceCaps) differs from what follows.</summary>
    CountMismatch,

    /// <summary>A field holds a value the specification does not allow.</summary>
    BadValue,

    /// <summary>An endpoint descriptor appears before any interface descriptor.</summary>
    OrphanEndpoint,

    /// <summary>Two endpoints of one configuration share an address.</summary>
    DuplicateEndpoint,

    /// <summary>The configuration is well formed but has no HSS interface (vendor or CDC profile).</summary>
    NotHss,
}
