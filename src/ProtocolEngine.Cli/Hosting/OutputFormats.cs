using Spectre.Console;

namespace ProtocolEngine.Cli.Hosting;

/// <summary>
/// The words of <c>--format</c>, the same in every command: text (people), json (programs), csv, sarif. A command
/// offers the ones it can write; an unknown word is a usage error that lists them.
/// </summary>
internal static class OutputFormats
{
    public const string Text = "text";
    public const string Json = "json";
    public const string Csv = "csv";
    public const string Sarif = "sarif";

    /// <summary>The description of a text-or-json --format option.</summary>
    public const string TextOrJson = "text (default: tables and prose for people) or json (for programs).";

    /// <summary>The description of a text, json or csv --format option.</summary>
    public const string TextJsonOrCsv = "text (default: tables and prose for people), json (for programs) or csv (one row per record).";

    /// <summary>Success when <paramref name="value"/> is one of <paramref name="offered"/>, else the usage error naming them.</summary>
    public static ValidationResult Check(string value, params string[] offered) =>
        offered.Contains(value, StringComparer.Ordinal) ? ValidationResult.Success()
        : ValidationResult.Error($"Unknown format '{value}'; use {Words(offered)}.{(value == "table" ? " (The tables are the text format.)" : "")}");

    /// <summary>"a, b or c".</summary>
    public static string Words(IReadOnlyList<string> words) =>
        words.Count == 1 ? words[0] : string.Join(", ", words.Take(words.Count - 1)) + " or " + words[^1];
}
