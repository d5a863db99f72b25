using System.Text;

namespace HssDevice.Host.Usb.Printing;

/// <summary>Lines laid out as `lsusb -v` lays them: the field name padded to 20 columns, numbers right-aligned to 5.</summary>
internal sealed class LsusbText
{
    private readonly StringBuilder _text = new();

    public override string ToString() => _text.ToString();

    public void Title(int indent, string title) => _text.Append(' ', indent).Append(title).Append('\n');

    public void Dec(int indent, string name, int value, string? note = null) =>
        Line(indent, Pad(name, 20) + $"{value,5}", note);

    public void Hex2(int indent, string name, int value, string? note = null) =>
        Line(indent, Pad(name, 21) + $"0x{value:x2}", note);

    public void Hex4(int indent, string name, int value, string? note = null) =>
        Line(indent, Pad(name, 19) + $"0x{value:x4}", note);

    public void Hex8(int indent, string name, uint value, string? note = null) =>
        Line(indent, Pad(name, 19) + $"0x{value:x8}", note);

    public void Bcd(int indent, string name, int value) =>
        Line(indent, Pad(name, 20) + $"{value >> 8,2:x}.{value & 0xFF:x2}", null);

    public void Text(int indent, string name, string value) => Line(indent, Pad(name, 20) + value, null);

    /// <summary>The name padded to <paramref name="width"/>, and always followed by at least one space.</summary>
    private static string Pad(string name, int width) => name.Length >= width ? name + " " : name.PadRight(width);

    private void Line(int indent, string body, string? note)
    {
        _text.Append(' ', indent).Append(body);
        if (!string.IsNullOrEmpty(note))
        {
            _text.Append(' ').Append(note);
        }

        _text.Append('\n');
    }
}
