namespace HssDevice.LinuxGuest;

/// <summary>What a command run in the guest printed (stdout and stderr together) and its exit code.</summary>
public sealed record GuestResult(int ExitCode, string Output)
{
    public override string ToString() => $"exit {ExitCode}: {Output}";
}
