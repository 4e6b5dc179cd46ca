using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Rendering;

/// <summary>Renders diagnostics for people (source line and caret), for tools (JSON) and for CI systems (SARIF 2.1.0).</summary>
public static class DiagnosticRenderer
{
    /// <summary>
    /// <c>path(line,col): error PE1003: message</c>, then the source line and a caret under the span.
    /// </summary>
    public static string ToText(Diagnostic diagnostic)
    {
        var sb = new StringBuilder();
        sb.Append(diagnostic.ToString()).Append('\n');
        if (diagnostic.Source is not { } source) return sb.ToString();
        var (line, column) = source.GetLinePosition(diagnostic.Span.Start);
        var text = source.GetLine(line);
        var (endLine, endColumn) = source.GetLinePosition(diagnostic.Span.End);
        int width = endLine == line ? Math.Max(1, endColumn - column) : Math.Max(1, text.Length - column + 1);
        // A long line (generated text, a whole expression on one line) is shown as a window around the caret.
        int from = 0;
        string prefix = "", suffix = "";
        if (text.Length > MaxShownLine)
        {
            from = Math.Clamp(column - 1 - MaxShownLine / 3, 0, text.Length - MaxShownLine);
            if (from > 0) prefix = "...";
            if (from + MaxShownLine < text.Length) suffix = "...";
            text = text.Substring(from, MaxShownLine);
        }
        sb.Append("    ").Append(prefix).Append(Printable(text)).Append(suffix).Append('\n');
        int caret = prefix.Length + column - 1 - from;
        width = Math.Min(width, Math.Max(1, prefix.Length + text.Length - caret));
        sb.Append("    ").Append(' ', Math.Max(0, caret)).Append('^').Append('~', Math.Max(0, width - 1)).Append('\n');
        return sb.ToString();
    }

    /// <summary>The most characters of a source line shown under a diagnostic.</summary>
    private const int MaxShownLine = 120;

    // Tabs become spaces so the caret lines up; other control characters (a stray NUL or escape sequence in a broken
    // file) become one visible character each, so they cannot disturb the terminal.
    private static string Printable(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var chars = text.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
            if (chars[i] == '\t') chars[i] = ' ';
            else if (char.IsControl(chars[i])) chars[i] = '\uFFFD';
        return new string(chars);
    }

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A JSON array of {file, line, column, endLine, endColumn, severity, code, message}.</summary>
    public static string ToJson(IEnumerable<Diagnostic> diagnostics)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, WriterOptions))
        {
            w.WriteStartArray();
            foreach (var d in diagnostics)
            {
                var (line, column, endLine, endColumn) = Range(d);
                w.WriteStartObject();
                w.WriteString("file", d.Source?.Path);
                w.WriteNumber("line", line);
                w.WriteNumber("column", column);
                w.WriteNumber("endLine", endLine);
                w.WriteNumber("endColumn", endColumn);
                w.WriteString("severity", d.Severity.ToString().ToLowerInvariant());
                w.WriteString("code", d.Code);
                w.WriteString("message", d.Message);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A SARIF 2.1.0 log with one run, whose results carry ruleId, level, message and region.</summary>
    public static string ToSarif(IEnumerable<Diagnostic> diagnostics, string toolVersion, IEnumerable<string>? analyzedFiles = null)
    {
        var list = diagnostics.ToList();
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
            w.WriteString("version", "2.1.0");
            w.WriteStartArray("runs");
            w.WriteStartObject();
            w.WriteStartObject("tool");
            w.WriteStartObject("driver");
            w.WriteString("name", "ProtocolEngine");
            w.WriteString("version", toolVersion);
            w.WriteStartArray("rules");
            foreach (var code in list.GroupBy(d => d.Code).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteString("id", code.Key);
                w.WriteString("name", DiagnosticCatalog.NameOf(code.Key));
                w.WriteStartObject("shortDescription");
                w.WriteString("text", DiagnosticCatalog.Describe(code.Key));
                w.WriteEndObject();
                w.WriteStartObject("defaultConfiguration");
                w.WriteString("level", Level(code.First().Severity));
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            if (analyzedFiles is not null)
            {
                w.WriteStartArray("artifacts");
                foreach (var file in analyzedFiles)
                {
                    w.WriteStartObject();
                    w.WriteStartObject("location");
                    w.WriteString("uri", Uri(file));
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteStartArray("results");
            foreach (var d in list)
            {
                var (line, column, endLine, endColumn) = Range(d);
                w.WriteStartObject();
                w.WriteString("ruleId", d.Code);
                w.WriteString("level", Level(d.Severity));
                w.WriteStartObject("message");
                w.WriteString("text", d.Message);
                w.WriteEndObject();
                w.WriteStartArray("locations");
                w.WriteStartObject();
                w.WriteStartObject("physicalLocation");
                w.WriteStartObject("artifactLocation");
                w.WriteString("uri", Uri(d.Source?.Path ?? ""));
                w.WriteEndObject();
                w.WriteStartObject("region");
                w.WriteNumber("startLine", line);
                w.WriteNumber("startColumn", column);
                w.WriteNumber("endLine", endLine);
                w.WriteNumber("endColumn", endColumn);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Level(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        _ => "note",
    };

    private static string Uri(string path) => path.Replace('\\', '/');

    private static (int Line, int Column, int EndLine, int EndColumn) Range(Diagnostic d)
    {
        if (d.Source is not { } source) return (1, d.Span.Start + 1, 1, d.Span.End + 1);
        var (line, column) = source.GetLinePosition(d.Span.Start);
        var (endLine, endColumn) = source.GetLinePosition(d.Span.End);
        if (endLine == line && endColumn <= column) endColumn = column + 1;
        return (line, column, endLine, endColumn);
    }

    /// <summary>
    /// The baseline form used by compiler tests: each source line, followed by a comment line per diagnostic
    /// that starts on it, giving start and end columns, code, severity, message and the spanned text.
    /// </summary>
    public static string ToBaseline(SourceText source, IEnumerable<Diagnostic> diagnostics)
    {
        var byLine = diagnostics.Where(d => d.Source is null || d.Source.Path == source.Path)
            .GroupBy(d => source.GetLinePosition(d.Span.Start).Line)
            .ToDictionary(g => g.Key, g => g.ToList());
        var sb = new StringBuilder();
        for (int line = 1; line <= source.LineCount; line++)
        {
            var text = source.GetLine(line);
            if (line == source.LineCount && text.Length == 0 && !byLine.ContainsKey(line)) break;
            sb.Append(text).Append('\n');
            if (!byLine.TryGetValue(line, out var found)) continue;
            foreach (var d in found)
            {
                var (_, column) = source.GetLinePosition(d.Span.Start);
                var (endLine, endColumn) = source.GetLinePosition(d.Span.End);
                if (endLine != line) endColumn = text.Length + 1;
                var spanned = source.Slice(d.Span).Replace("\n", "\\n", StringComparison.Ordinal);
                sb.Append($"//@[{column - 1:D2}:{endColumn - 1:D3}) [{d.Code} ({d.Severity})] {d.Message} |{spanned}|").Append('\n');
            }
        }
        return sb.ToString();
    }
}
