using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace HssDevice.Tool.Commands;

/// <summary>
/// Options whose value is a number in a range, parsed and range-checked in one place when the command line is
/// parsed. A bad value (not a number, out of range) is one error line naming the option and the range, and the
/// exit code of a usage error. Validators that read a value with GetValueOrDefault throw on text that is not a
/// number (a stack trace and exit 134, issue 16): the parser here never leaves such a value behind.
/// </summary>
internal static class NumberOption
{
    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, with a default.</summary>
    public static Option<T> Whole<T>(string name, string description, string helpName, T min, T max, T defaultValue)
        where T : struct, IBinaryInteger<T> =>
        new(name)
        {
            Description = description,
            HelpName = helpName,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => ParseWhole(result, name, min, max) ?? defaultValue,
        };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, or null when not given.</summary>
    public static Option<T?> OptionalWhole<T>(string name, string description, string helpName, T min, T max)
        where T : struct, IBinaryInteger<T> =>
        new(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result => ParseWhole(result, name, min, max),
        };

    /// <summary>A finite number above <paramref name="above"/> (or from it, when <paramref name="aboveIncluded"/>) up to <paramref name="max"/>.</summary>
    public static Option<double> Real(string name, string description, string helpName, double above, bool aboveIncluded, double max, double defaultValue) =>
        new(name)
        {
            Description = description,
            HelpName = helpName,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => ParseReal(result, name, above, aboveIncluded, max) ?? defaultValue,
        };

    /// <summary>As <see cref="Real"/>, or null when not given.</summary>
    public static Option<double?> OptionalReal(string name, string description, string helpName, double above, bool aboveIncluded, double max) =>
        new(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result => ParseReal(result, name, above, aboveIncluded, max),
        };

    private static T? ParseWhole<T>(ArgumentResult result, string name, T min, T max)
        where T : struct, IBinaryInteger<T>
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (T.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out T value) && value >= min && value <= max)
        {
            return value;
        }

        result.AddError($"{name}: '{CommandValues.Shown(text)}' is not a whole number from {min} to {max}");
        return null;
    }

    private static double? ParseReal(ArgumentResult result, string name, double above, bool aboveIncluded, double max)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            && (aboveIncluded ? value >= above : value > above) && value <= max)
        {
            return value;
        }

        string range = aboveIncluded ? $"from {above.ToString(CultureInfo.InvariantCulture)}" : $"more than {above.ToString(CultureInfo.InvariantCulture)}";
        result.AddError($"{name}: '{CommandValues.Shown(text)}' is not a number {range} and at most {max.ToString(CultureInfo.InvariantCulture)}");
        return null;
    }
}
