namespace HssDevice.Capture;

/// <summary>Limits of a <see cref="CaptureFile"/>; every one of them is logged when hit.</summary>
public sealed record CaptureOptions
{
    public const long DefaultMaxFileBytes = 100L * 1024 * 1024;
    public const long MinMaxFileBytes = 64 * 1024;

    /// <summary>Size at which FILE is renamed FILE.1 (replacing an older FILE.1) and a new FILE begins, so a capture never
    /// takes more than twice this on disk (--pcap-max-bytes).</summary>
    public long MaxFileBytes { get; init; } = DefaultMaxFileBytes;

    /// <summary>Bytes of records waiting for the writer; beyond it new records are dropped and counted, never waited for.</summary>
    public long MaxQueuedBytes { get; init; } = 8L * 1024 * 1024;
}
