using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Pps.Core.Definition;

/// <summary>What free text (a comment, a name, NPPN's reason for a change) must be to be stored.</summary>
public static class FreeText
{
    /// <summary>
    /// Whether the text has at least one visible character: a letter, digit, punctuation mark or symbol.
    /// Spaces, line breaks, zero-width and other format characters alone are not text.
    /// </summary>
    public static bool HasVisible(string? text)
    {
        if (string.IsNullOrEmpty(text)) return false;
        foreach (var rune in text.EnumerateRunes())
        {
            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                    or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                    or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
                    or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                    or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
                    or UnicodeCategory.OtherPunctuation
                    or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol:
                    return true;
            }
        }
        return false;
    }

    /// <summary>
    /// How text is escaped in the JSON the store keeps (a return's answers, its audit's changes): only what JSON
    /// requires, and characters outside the Basic Multilingual Plane (an emoji becomes \uD83D\uDE00, 12 bytes).
    /// Storage writes with this encoder, so a limit measured with it is a limit on what is stored.
    /// </summary>
    public static JavaScriptEncoder StoredEncoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>The bytes a text takes as stored: UTF-8 of its JSON-escaped form, quotes not counted.</summary>
    public static int StoredBytes(string text) => Encoding.UTF8.GetByteCount(StoredEncoder.Encode(text));

    /// <summary>
    /// The problem with a text, or null: a lone surrogate (text that is not valid Unicode), a control character
    /// other than a tab or line break, or more than <paramref name="maxBytes"/> bytes as stored (<see cref="StoredBytes"/>).
    /// Limits are in bytes as stored, not characters, because an entity's room is in bytes: 4,000 characters of emoji
    /// take 24,000 bytes escaped, 4,000 plain letters take 4,000.
    /// </summary>
    public static string? Problem(string text, int maxBytes)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c)) return $"character {i + 1} is half of a character pair (not valid Unicode text)";
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r')) return $"character {i + 1} is a control character (U+{(int)c:X4})";
        }
        // A UTF-16 unit takes at most 6 bytes as stored (\uXXXX): a short text needs no measuring.
        if (text.Length <= maxBytes / 6) return null;
        var bytes = StoredBytes(text);
        return bytes > maxBytes ? $"at most {maxBytes} bytes as stored ({bytes} given: a plain letter takes 1, an accented letter 2, an emoji 12)" : null;
    }

    /// <summary>Whether <paramref name="problem"/> from <see cref="Problem"/> is about length (not about the characters).</summary>
    public static bool IsTooLong(string problem) => problem.StartsWith("at most", StringComparison.Ordinal);
}
