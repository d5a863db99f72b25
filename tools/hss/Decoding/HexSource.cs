using System.Collections.Generic;
using System.IO;

namespace HssDevice.Tool.Decoding;

/// <summary>
/// Where `hss decode` takes its words from: the arguments themselves, @FILE (the words of FILE; lines starting
/// with # are comments) or - (the words of stdin, the same way). Read here rather than by System.CommandLine's
/// response files, which stop at a token limit (100,000 words); here the only limit is memory.
/// </summary>
public static class HexSource
{
    public const string Stdin = "-";

    public static bool TryExpand(IReadOnlyList<string> arguments, TextReader stdin, out List<string> words, out string? error)
    {
        words = new List<string>();
        foreach (string argument in arguments)
        {
            if (argument == Stdin)
            {
                AddWords(stdin, words);
                continue;
            }

            if (argument.StartsWith('@') && argument.Length > 1)
            {
                string path = argument.Substring(1);
                try
                {
                    using var reader = new StreamReader(path);
                    AddWords(reader, words);
                }
                catch (IOException e)
                {
                    error = $"error: cannot read {path}: {e.Message}";
                    return false;
                }
                catch (System.UnauthorizedAccessException e)
                {
                    error = $"error: cannot read {path}: {e.Message}";
                    return false;
                }

                continue;
            }

            words.Add(argument);
        }

        error = null;
        return true;
    }

    private static void AddWords(TextReader reader, List<string> words)
    {
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            if (line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            foreach (string word in line.Split((char[]?)null, System.StringSplitOptions.RemoveEmptyEntries))
            {
                words.Add(word);
            }
        }
    }
}
