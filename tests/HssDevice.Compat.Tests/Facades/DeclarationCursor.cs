using System;
using System.Collections.Generic;
using System.Text;

namespace HssDevice.Compat.Tests.Facades;

/// <summary>Reads one declaration line of an .api.txt listing left to right: words, dotted names with generic
/// argument lists and array ranks, balanced bracket groups. Throws <see cref="FormatException"/> on anything
/// it does not expect, so a line it cannot read is reported rather than half-read.</summary>
internal sealed class DeclarationCursor
{
    private readonly string _text;

    public DeclarationCursor(string text)
    {
        _text = text;
    }

    public int Position { get; private set; }

    public bool AtEnd
    {
        get
        {
            SkipSpaces();
            return Position >= _text.Length;
        }
    }

    public char Peek()
    {
        SkipSpaces();
        return Position < _text.Length ? _text[Position] : '\0';
    }

    public string Rest()
    {
        SkipSpaces();
        string rest = _text.Substring(Position);
        Position = _text.Length;
        return rest;
    }

    /// <summary>The text up to (not including) the next <paramref name="c"/>, which is left unread.</summary>
    public string Until(char c)
    {
        int at = _text.IndexOf(c, Position);
        if (at < 0)
        {
            throw new FormatException($"expected '{c}' after column {Position + 1}");
        }

        string read = _text.Substring(Position, at - Position);
        Position = at;
        return read;
    }

    public void Expect(char c)
    {
        if (Peek() != c)
        {
            throw new FormatException($"expected '{c}' at column {Position + 1}");
        }

        Position++;
    }

    /// <summary>Next word if it is one of <paramref name="words"/>, without consuming anything otherwise.</summary>
    public string? TryWord(IReadOnlyCollection<string> words)
    {
        SkipSpaces();
        int start = Position;
        int end = start;
        while (end < _text.Length && IsIdentifierChar(_text[end]))
        {
            end++;
        }

        string word = _text.Substring(start, end - start);
        bool followedByBreak = end >= _text.Length || _text[end] == ' ';
        foreach (string candidate in words)
        {
            if (candidate == word && followedByBreak)
            {
                Position = end;
                return word;
            }
        }

        return null;
    }

    public string Identifier()
    {
        SkipSpaces();
        int start = Position;
        if (Position < _text.Length && _text[Position] == '@')
        {
            Position++;
        }

        while (Position < _text.Length && IsIdentifierChar(_text[Position]))
        {
            Position++;
        }

        if (Position == start)
        {
            throw new FormatException($"expected a name at column {start + 1}");
        }

        return _text.Substring(start, Position - start);
    }

    /// <summary>A dotted name whose segments may carry generic argument lists, followed by array ranks
    /// (<c>System.Byte[]</c>, <c>System.Action&lt;T1, T2&gt;.Invoke</c>). A <c>[</c> that does not open an
    /// array rank (an indexer's parameter list) ends the name.</summary>
    public string QualifiedName()
    {
        var name = new StringBuilder();
        while (true)
        {
            name.Append(Identifier());
            if (Position < _text.Length && _text[Position] == '<')
            {
                name.Append(Balanced('<', '>'));
            }

            if (Position < _text.Length && _text[Position] == '.')
            {
                name.Append('.');
                Position++;
                continue;
            }

            break;
        }

        while (Position < _text.Length && _text[Position] == '[' && IsArrayRank(Position))
        {
            name.Append(Balanced('[', ']'));
        }

        return name.ToString();
    }

    /// <summary>The text from <paramref name="open"/> to its matching <paramref name="close"/>, both
    /// included; nested (), [], &lt;&gt; and quoted literals are skipped over.</summary>
    public string Balanced(char open, char close)
    {
        SkipSpaces();
        if (Position >= _text.Length || _text[Position] != open)
        {
            throw new FormatException($"expected '{open}' at column {Position + 1}");
        }

        int start = Position;
        var stack = new Stack<char>();
        while (Position < _text.Length)
        {
            char c = _text[Position];
            if (c == '"' || c == '\'')
            {
                SkipQuoted(c);
                continue;
            }

            if (c == '(' || c == '[' || c == '<' || c == '{')
            {
                stack.Push(c == '(' ? ')' : c == '[' ? ']' : c == '<' ? '>' : '}');
            }
            else if (c == ')' || c == ']' || c == '>' || c == '}')
            {
                if (stack.Count == 0 || stack.Pop() != c)
                {
                    throw new FormatException($"unbalanced '{c}' at column {Position + 1}");
                }

                if (stack.Count == 0)
                {
                    Position++;
                    return _text.Substring(start, Position - start);
                }
            }

            Position++;
        }

        throw new FormatException($"'{open}' at column {start + 1} is never closed");
    }

    /// <summary>Splits <paramref name="text"/> at commas that are outside brackets and quotes.</summary>
    public static List<string> SplitTopLevel(string text, char separator)
    {
        var parts = new List<string>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '"' || c == '\'')
            {
                i = EndOfQuoted(text, i);
                continue;
            }

            if (c == '(' || c == '[' || c == '<')
            {
                depth++;
            }
            else if (c == ')' || c == ']' || c == '>')
            {
                depth--;
            }
            else if (c == separator && depth == 0)
            {
                parts.Add(text.Substring(start, i - start).Trim());
                start = i + 1;
            }
        }

        string last = text.Substring(start).Trim();
        if (last.Length > 0 || parts.Count > 0)
        {
            parts.Add(last);
        }

        return parts;
    }

    /// <summary>Splits a dotted name at the dots outside generic argument lists.</summary>
    public static List<string> SplitDots(string name) => SplitTopLevel(name, '.');

    private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private bool IsArrayRank(int at)
    {
        int i = at + 1;
        while (i < _text.Length && _text[i] == ',')
        {
            i++;
        }

        return i < _text.Length && _text[i] == ']';
    }

    private void SkipQuoted(char quote)
    {
        Position = EndOfQuoted(_text, Position) + 1;
    }

    /// <summary>Index of the quote that closes the literal opened at <paramref name="open"/>.</summary>
    private static int EndOfQuoted(string text, int open)
    {
        char quote = text[open];
        for (int i = open + 1; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
                continue;
            }

            if (text[i] == quote)
            {
                return i;
            }
        }

        throw new FormatException($"literal at column {open + 1} is never closed");
    }

    private void SkipSpaces()
    {
        while (Position < _text.Length && _text[Position] == ' ')
        {
            Position++;
        }
    }
}
