namespace HssDevice.Host.Usb.Boards;

/// <summary>A board file is missing, unreadable or wrong; the message names the file and the field.</summary>
public sealed class BoardFileException : Exception
{
    public BoardFileException(string source, string problem)
        : base($"board file {source} {problem}")
    {
        Source = source;
    }

    public new string Source { get; }
}
