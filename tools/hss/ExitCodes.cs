namespace HssDevice.Tool;

/// <summary>Process exit codes shared by every command of `hss`.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command line itself is wrong (System.CommandLine's parse errors use 1 as well).</summary>
    public const int Usage = 1;

    /// <summary>The input given is wrong: hex that is not hex, or bytes that are not valid HSS packets.</summary>
    public const int BadInput = 2;

    /// <summary>A step of the sample device application (demo, emulate) ran and did not match.</summary>
    public const int StepFailed = 3;

    /// <summary>Something the command needs is not there: a port already taken, a host that does not answer.</summary>
    public const int Unavailable = 4;
}
