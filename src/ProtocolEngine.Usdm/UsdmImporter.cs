using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.LanguageService.Formatting;
using ProtocolEngine.Usdm.Import;

namespace ProtocolEngine.Usdm;

/// <summary>
/// <c>protocol usdm import</c>: a protocol skeleton from a USDM 4.0 study definition: identifiers and title, arms,
/// epochs (as comments), encounters as visits with their windows, and the eligibility criteria with their texts, each
/// attested by the investigator until a designer writes its rule, the texts' syntax-template tags as parameters with
/// the study's values.
/// </summary>
public static class UsdmImporter
{
    /// <summary>Reads the study definition <paramref name="json"/> (from the file <paramref name="sourceName"/>) and writes its protocol.</summary>
    public static UsdmImportResult Import(string json, string sourceName)
    {
        var (study, problems) = UsdmStudyReader.Read(json);
        if (study is null) return new UsdmImportResult(null, null, problems, 0, 0, 0, 0, 0);
        var (text, visits) = ProtocolWriter.Write(study, sourceName);
        var formatted = ProtocolFormatter.Format(text);
        var compiled = formatted.Text is null ? null : ProtocolCompiler.Standalone.Compile(new SourceText(formatted.Text, "usdm-import.protocol"));
        if (formatted.Text is null || compiled is null || compiled.HasErrors)
        {
            // The writer's own output always compiles; a study that makes it fail has found a bug, and nothing is written.
            var first = formatted.Errors.Concat(compiled?.Diagnostics ?? []).FirstOrDefault(d => d.IsError);
            return new UsdmImportResult(null, null,
                [new UsdmProblem("$", null, $"the protocol made from this study does not compile ({first?.Code} {first?.Message}); this is a bug in ProtocolEngine")], 0, 0, 0, 0, 0);
        }
        return new UsdmImportResult(ProtocolWriter.ProtocolName(study) + ".protocol", formatted.Text, [],
            study.Criteria.Count, study.Parameters.Count, visits, study.Arms.Count, study.Epochs.Count);
    }
}
