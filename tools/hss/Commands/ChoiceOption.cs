using System;
using System.CommandLine;
using System.Linq;

namespace HssDevice.Tool.Commands;

/// <summary>
/// Options whose value is one of a few words. A value that is not one of them is one error line naming the option
/// and the words (System.CommandLine's own message for AcceptOnlyFromAmong spans several lines, and its enum parser
/// takes any number, e.g. --log-level 42).
/// </summary>
internal static class ChoiceOption
{
    /// <summary>Only <paramref name="words"/> (as typed, case-sensitive) are accepted.</summary>
    public static void AcceptOnly(Option option, params string[] words)
    {
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (!words.Contains(token.Value, StringComparer.Ordinal))
                {
                    result.AddError($"{option.Name}: '{CommandValues.Shown(token.Value)}' is not one of {string.Join(", ", words)}");
                }
            }
        });
        option.CompletionSources.Add(words);
    }

    /// <summary>An enum option that takes the names of <typeparamref name="T"/>'s values (any case), never a number.</summary>
    public static Option<T> Enum<T>(string name, string description, string helpName, T defaultValue)
        where T : struct, Enum =>
        new(name)
        {
            Description = description,
            HelpName = helpName,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                foreach (string known in System.Enum.GetNames<T>())
                {
                    if (string.Equals(known, text, StringComparison.OrdinalIgnoreCase))
                    {
                        return System.Enum.Parse<T>(known);
                    }
                }

                result.AddError($"{name}: '{CommandValues.Shown(text)}' is not one of {string.Join(", ", System.Enum.GetNames<T>())}");
                return defaultValue;
            },
        };
}
