using System.Globalization;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Usdm.Import;

namespace ProtocolEngine.Usdm.Export;

/// <summary>
/// <c>protocol usdm export</c>: a protocol's identifiers, title, eligibility criteria and syntax-template parameters
/// as a USDM 4.0 study definition, checked against the USDM API schema before it is given out. What import kept in
/// citations and parameter descriptions (<see cref="UsdmConventions"/>) comes back as it was: the study's name, its
/// identifiers with their organizations, each criterion's USDM identifier, name and label, each tag's reference.
/// </summary>
public static partial class UsdmExporter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Exports <paramref name="protocol"/>, which must compile without errors.</summary>
    public static UsdmExportResult Export(CompiledProtocol protocol)
    {
        if (protocol.HasErrors) throw new ArgumentException("A protocol with errors cannot be exported; report its diagnostics first.", nameof(protocol));
        var errors = new List<string>();
        var header = protocol.Syntax.Header;
        var cites = header?.Citations.Select(c => c.Value).ToList() ?? [];
        var study = cites.Select(UsdmConventions.ReadStudyCite).FirstOrDefault(s => s is not null);
        var ids = new IdCounter();

        // Identifiers and the organizations that assigned them (one organization per name).
        var identifiers = cites.Select((c, i) => UsdmConventions.ReadIdentifierCite(c, i + 1)).OfType<UsdmIdentifier>().ToList();
        if (identifiers.Count == 0)
            identifiers.Add(new UsdmIdentifier(protocol.Name, new UsdmOrganization("Organization_1", header?.Sponsor?.Value ?? "Sponsor", header?.Sponsor?.Value,
                new UsdmCode(UsdmConventions.SponsorCode, UsdmConventions.CdiscCodeSystem, UsdmConventions.CdiscCodeSystemVersion, "Clinical Study Sponsor"), "", "")));
        var organizations = new JsonArray();
        var organizationIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var studyIdentifiers = new JsonArray();
        foreach (var identifier in identifiers)
        {
            var o = identifier.Scope;
            if (!organizationIds.TryGetValue(o.Name, out var organizationId))
            {
                organizationId = ids.Next("Organization");
                organizationIds[o.Name] = organizationId;
                organizations.Add(new JsonObject
                {
                    ["id"] = organizationId, ["extensionAttributes"] = new JsonArray(), ["name"] = o.Name, ["label"] = o.Label,
                    ["type"] = Code(ids, o.Type), ["identifierScheme"] = o.IdentifierScheme, ["identifier"] = o.Identifier,
                    ["legalAddress"] = null, ["managedSites"] = new JsonArray(), ["instanceType"] = "Organization",
                });
            }
            studyIdentifiers.Add(new JsonObject
            {
                ["id"] = ids.Next("StudyIdentifier"), ["extensionAttributes"] = new JsonArray(), ["text"] = identifier.Text, ["scopeId"] = organizationId,
                ["instanceType"] = "StudyIdentifier",
            });
        }

        // Parameters that carry a USDM reference: a tag, and the value put back where the reference points.
        var population = new JsonObject
        {
            ["id"] = "StudyDesignPopulation_1", ["extensionAttributes"] = new JsonArray(), ["name"] = "POP1", ["label"] = null, ["description"] = null,
            ["includesHealthySubjects"] = false, ["criterionIds"] = new JsonArray(), ["notes"] = new JsonArray(), ["cohorts"] = new JsonArray(),
            ["instanceType"] = "StudyDesignPopulation",
        };
        var activities = new JsonArray();
        var maps = new JsonArray();
        var tags = new HashSet<string>(StringComparer.Ordinal);
        JsonObject? minAge = null, maxAge = null;
        foreach (var parameter in protocol.Syntax.Declarations.OfType<ParameterSyntax>())
        {
            var reference = UsdmConventions.ReadParameterDescription(parameter.Description?.Value);
            if (reference is not var (klass, instanceId, attribute, path, unit)) continue;
            var name = parameter.Name.Name;
            string Where() => Place(protocol, parameter.Span.Start);
            if (Literal(parameter.Default) is not { } value)
            {
                errors.Add($"{Where()}: parameter {name} names a USDM {klass}, so its default must be a literal (a number, a text or true/false) that USDM can hold");
                continue;
            }
            var place = Regex.Replace(path, @"^studyDesigns\[\d+\]\.", "");
            switch (klass, place)
            {
                case ("StudyDesignPopulation", "population") when attribute is "description" or "label" or "name":
                    population["id"] = instanceId;
                    population[attribute] = value;
                    break;
                case ("Quantity", "population.plannedAge.minValue" or "population.plannedAge.maxValue") when attribute == "value" && value.GetValueKind() == JsonValueKind.Number:
                    var quantity = new JsonObject { ["id"] = instanceId, ["extensionAttributes"] = new JsonArray(), ["value"] = value, ["instanceType"] = "Quantity" };
                    quantity["unit"] = unit is null ? null : new JsonObject
                    {
                        ["id"] = ids.Next("AliasCode"), ["extensionAttributes"] = new JsonArray(), ["standardCode"] = Code(ids, unit),
                        ["standardCodeAliases"] = new JsonArray(), ["instanceType"] = "AliasCode",
                    };
                    if (place.EndsWith("minValue", StringComparison.Ordinal)) minAge = quantity; else maxAge = quantity;
                    break;
                case ("Activity", _) when ActivityPath().IsMatch(place) && attribute is "label" or "description" or "name":
                    var activity = new JsonObject
                    {
                        ["id"] = instanceId, ["extensionAttributes"] = new JsonArray(), ["name"] = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : instanceId,
                        ["label"] = null, ["description"] = null, ["instanceType"] = "Activity",
                    };
                    activity[attribute] = value;
                    activities.Add(activity);
                    break;
                default:
                    errors.Add($"{Where()}: parameter {name} names the {attribute} of USDM {klass} {instanceId} at {path}, which export cannot write back yet " +
                               "(it writes a population's description, label or name, its planned age range and activities' names, labels and descriptions)");
                    continue;
            }
            tags.Add(name);
            maps.Add(new JsonObject
            {
                ["id"] = ids.Next("ParameterMap"), ["extensionAttributes"] = new JsonArray(), ["tag"] = name,
                ["reference"] = $"<usdm:ref klass=\"{klass}\" id=\"{instanceId}\" attribute=\"{attribute}\"></usdm:ref>", ["instanceType"] = "ParameterMap",
            });
        }
        if (minAge is not null || maxAge is not null)
        {
            if (minAge is null || maxAge is null)
                errors.Add($"{protocol.Source.Path}: USDM keeps a planned age as a range with both ends; declare the parameter for the {(minAge is null ? "minimum" : "maximum")} age too");
            else population["plannedAge"] = new JsonObject
            {
                ["id"] = ids.Next("Range"), ["extensionAttributes"] = new JsonArray(), ["minValue"] = minAge, ["maxValue"] = maxAge, ["isApproximate"] = false, ["instanceType"] = "Range",
            };
        }

        // Criteria: the criterion, its item with the text as XHTML (tags back as usdm:tag), in the protocol's order.
        var criteria = new JsonArray();
        var items = new JsonArray();
        var dictionaryId = maps.Count > 0 ? "SyntaxTemplateDictionary_1" : null;
        int number = 0;
        foreach (var criterion in protocol.Criteria)
        {
            number++;
            var usdm = criterion.Syntax.Citations.Select(c => UsdmConventions.ReadCriterionCite(c.Value)).FirstOrDefault(c => c is not null);
            var itemId = ids.Next("EligibilityCriterionItem");
            var criterionId = ids.Next("EligibilityCriterion");
            var name = usdm?.Name ?? criterion.Id;
            var inclusion = criterion.Kind == CriterionKind.Inclusion;
            items.Add(new JsonObject
            {
                ["id"] = itemId, ["extensionAttributes"] = new JsonArray(), ["name"] = name, ["label"] = null, ["description"] = null,
                ["text"] = Xhtml(criterion.Title, tags), ["dictionaryId"] = dictionaryId, ["notes"] = new JsonArray(), ["instanceType"] = "EligibilityCriterionItem",
            });
            criteria.Add(new JsonObject
            {
                ["id"] = criterionId, ["extensionAttributes"] = new JsonArray(), ["name"] = name, ["label"] = usdm?.Label, ["description"] = null,
                ["category"] = Code(ids, new UsdmCode(inclusion ? UsdmConventions.InclusionCode : UsdmConventions.ExclusionCode, UsdmConventions.CdiscCodeSystem,
                    UsdmConventions.CdiscCodeSystemVersion, inclusion ? "Inclusion Criteria" : "Exclusion Criteria")),
                ["identifier"] = usdm?.Identifier ?? number.ToString("00", CultureInfo.InvariantCulture), ["criterionItemId"] = itemId,
                ["nextId"] = null, ["previousId"] = null, ["notes"] = new JsonArray(), ["instanceType"] = "EligibilityCriterion",
            });
            ((JsonArray)population["criterionIds"]!).Add(criterionId);
        }
        if (errors.Count > 0) return new UsdmExportResult(null, errors, 0, 0, 0);

        var model = study?.Model ?? new UsdmCode(protocol.Arms.Count <= 1 ? "C82640" : "C82639", UsdmConventions.CdiscCodeSystem, UsdmConventions.CdiscCodeSystemVersion,
            protocol.Arms.Count <= 1 ? "Single Group Study" : "Parallel Study");
        var rationale = $"Exported by ProtocolEngine (protocol usdm export) from protocol {protocol.Name}" + (protocol.Version is null ? "." : $" version {protocol.Version}.");
        var design = new JsonObject
        {
            ["id"] = "InterventionalStudyDesign_1", ["extensionAttributes"] = new JsonArray(), ["name"] = study?.DesignName ?? "Study Design 1", ["label"] = null,
            ["description"] = null, ["rationale"] = rationale, ["model"] = Code(ids, model),
            ["arms"] = new JsonArray(), ["studyCells"] = new JsonArray(), ["epochs"] = new JsonArray(), ["elements"] = new JsonArray(), ["activities"] = activities,
            ["population"] = population, ["eligibilityCriteria"] = criteria, ["instanceType"] = "InterventionalStudyDesign",
        };
        if (UsdmConventions.PhaseCode(protocol.Phase) is { } phase)
            design["studyPhase"] = new JsonObject
            {
                ["id"] = ids.Next("AliasCode"), ["extensionAttributes"] = new JsonArray(), ["standardCode"] = Code(ids, phase),
                ["standardCodeAliases"] = new JsonArray(), ["instanceType"] = "AliasCode",
            };
        if (header?.Indication?.Value is { Length: > 0 } indication)
            design["indications"] = new JsonArray(new JsonObject
            {
                ["id"] = "Indication_1", ["extensionAttributes"] = new JsonArray(), ["name"] = "IND1", ["label"] = indication, ["description"] = indication,
                ["codes"] = new JsonArray(), ["isRareDisease"] = false, ["notes"] = new JsonArray(), ["instanceType"] = "Indication",
            });
        var titles = new JsonArray();
        if (protocol.Title is { } title)
            titles.Add(new JsonObject
            {
                ["id"] = ids.Next("StudyTitle"), ["extensionAttributes"] = new JsonArray(), ["text"] = title,
                ["type"] = Code(ids, new UsdmCode("C99905x2", UsdmConventions.CdiscCodeSystem, UsdmConventions.CdiscCodeSystemVersion, "Official Study Title")),
                ["instanceType"] = "StudyTitle",
            });
        var dictionaries = new JsonArray();
        if (dictionaryId is not null)
            dictionaries.Add(new JsonObject
            {
                ["id"] = dictionaryId, ["extensionAttributes"] = new JsonArray(), ["name"] = "IE_Dict", ["label"] = "Eligibility criteria parameters",
                ["description"] = $"The parameters of protocol {protocol.Name}", ["parameterMaps"] = maps, ["instanceType"] = "SyntaxTemplateDictionary",
            });
        var version = new JsonObject
        {
            ["id"] = "StudyVersion_1", ["extensionAttributes"] = new JsonArray(), ["versionIdentifier"] = protocol.Version ?? "1", ["rationale"] = rationale,
            ["studyIdentifiers"] = studyIdentifiers, ["titles"] = titles, ["organizations"] = organizations, ["studyDesigns"] = new JsonArray(design),
            ["eligibilityCriterionItems"] = items, ["dictionaries"] = dictionaries, ["instanceType"] = "StudyVersion",
        };
        var wrapper = new JsonObject
        {
            ["study"] = new JsonObject
            {
                ["id"] = null, ["extensionAttributes"] = new JsonArray(), ["name"] = study?.Name ?? protocol.Name, ["description"] = null, ["label"] = null,
                ["versions"] = new JsonArray(version), ["documentedBy"] = new JsonArray(), ["instanceType"] = "Study",
            },
            ["usdmVersion"] = "4.0.0",
            ["systemName"] = "ProtocolEngine",
            ["systemVersion"] = typeof(UsdmExporter).Assembly.GetName().Version?.ToString(3),
        };
        var invalid = UsdmSchema.Validate(wrapper);
        if (invalid.Count > 0)
            // What export writes is its own making: a schema failure is a bug, reported rather than written.
            return new UsdmExportResult(null, [.. invalid.Select(p => $"the exported study definition breaks the USDM API schema at {p} (a bug in ProtocolEngine)")], 0, 0, 0);
        return new UsdmExportResult(wrapper.ToJsonString(Indented) + "\n", [], criteria.Count, maps.Count, studyIdentifiers.Count);
    }

    private static JsonObject Code(IdCounter ids, UsdmCode code) => new()
    {
        ["id"] = ids.Next("Code"), ["extensionAttributes"] = new JsonArray(), ["code"] = code.Code, ["codeSystem"] = code.CodeSystem,
        ["codeSystemVersion"] = code.CodeSystemVersion, ["decode"] = code.Decode, ["instanceType"] = "Code",
    };

    // A criterion's text as one XHTML paragraph; {tag} of a parameter written back becomes <usdm:tag name="tag"/>.
    private static string Xhtml(string text, HashSet<string> tags) =>
        "<p>" + TagPlaceholder().Replace(WebUtility.HtmlEncode(text).Replace("&#39;", "'", StringComparison.Ordinal).Replace("&quot;", "\"", StringComparison.Ordinal),
            m => tags.Contains(m.Groups[1].Value) ? $"<usdm:tag name=\"{m.Groups[1].Value}\"/>" : m.Value) + "</p>";

    private static JsonValue? Literal(ExpressionSyntax? expression) => expression switch
    {
        LiteralSyntax { Kind: LiteralKind.String } s => JsonValue.Create(s.Value),
        LiteralSyntax { Kind: LiteralKind.Boolean } b => JsonValue.Create(b.Value == "true"),
        LiteralSyntax { Kind: LiteralKind.Integer or LiteralKind.Long or LiteralKind.Decimal } n
            when decimal.TryParse(n.Value.TrimEnd('L'), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
        UnaryExpressionSyntax { Operator: UnaryOperator.Negate, Operand: LiteralSyntax { Kind: LiteralKind.Integer or LiteralKind.Long or LiteralKind.Decimal } n }
            when decimal.TryParse(n.Value.TrimEnd('L'), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(-d),
        _ => null,
    };

    private static string Place(CompiledProtocol protocol, int offset)
    {
        var (line, column) = protocol.Source.GetLinePosition(offset);
        return $"{protocol.Source.Path}({line},{column})";
    }

    private sealed class IdCounter
    {
        private readonly Dictionary<string, int> _next = new(StringComparer.Ordinal);

        public string Next(string klass)
        {
            int n = _next.GetValueOrDefault(klass) + 1;
            _next[klass] = n;
            return $"{klass}_{n}";
        }
    }

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex TagPlaceholder();

    [GeneratedRegex(@"^activities\[\d+\]$")]
    private static partial Regex ActivityPath();
}
