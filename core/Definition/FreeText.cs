using System.Globalization;
using System.Text;

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
    /// The problem with a text, or null: a lone surrogate (text that is not valid Unicode), a control character
    /// other than a tab or line break, or more than <paramref name="maxLength"/> characters.
    /// </summary>
    public static string? Problem(string text, int maxLength)
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
        return text.Length > maxLength ? $"at most {maxLength} characters ({text.Length} given)" : null;
    }
}
