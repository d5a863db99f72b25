namespace HssDevice.Compat.Tests.Checks;

/// <summary>One problem in device code: repository-relative file, 1-based line (0 when the compiler gives no
/// place), and a code (a compiler ID such as CS0117, or HSSNF/HSSL for this project's own rules).</summary>
public sealed record Finding(string File, int Line, string Code, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Code} {Message}";
}
