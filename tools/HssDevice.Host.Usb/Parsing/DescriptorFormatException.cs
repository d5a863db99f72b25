namespace HssDevice.Host.Usb.Parsing;

/// <summary>
/// The only exception the parser throws: the descriptor bytes are malformed (or not HSS), with the reason and
/// the byte offset where it was found.
/// </summary>
public sealed class DescriptorFormatException : Exception
{
    public DescriptorFormatException(DescriptorProblem problem, int offset, string message)
        : base($"{message} (offset {offset}, {problem})")
    {
        Problem = problem;
        Offset = offset;
    }

    public DescriptorProblem Problem { get; }

    /// <summary>Offset of the offending byte or descriptor in the data given to the parser.</summary>
    public int Offset { get; }
}
