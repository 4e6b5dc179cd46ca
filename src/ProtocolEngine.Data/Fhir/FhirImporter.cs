using System.Globalization;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Fhir;

/// <summary>
/// Maps HL7 FHIR R4 bundles (transaction, batch, collection, searchset; one file or a folder of them) onto the
/// SDTM datasets rules read, so eligibility criteria written for trial data run on EHR candidates: Patient to DM,
/// Condition to MH, Observation to LB (laboratory, by LOINC through the shipped table) or VS (vital signs),
/// MedicationStatement and MedicationRequest to CM, AdverseEvent to AE, Procedure to PR. References resolve by
/// urn:uuid fullUrl and by Type/id. Whatever cannot be mapped is listed in the result's issues, never dropped silently.
/// </summary>
internal static class FhirImporter
{
    private static readonly string[] _dmColumns = ["STUDYID", "DOMAIN", "USUBJID", "SUBJID", "RFICDTC", "DTHDTC", "DTHFL", "SITEID", "BRTHDTC", "AGE", "AGEU", "SEX", "RACE", "ETHNIC", "COUNTRY"];
    private static readonly string[] _mhColumns = ["STUDYID", "DOMAIN", "USUBJID", "MHSEQ", "MHTERM", "MHDECOD", "MHCAT", "MHBODSYS", "MHSTDTC", "MHENDTC", "MHENRTPT"];
    private static readonly string[] _lbColumns = ["STUDYID", "DOMAIN", "USUBJID", "LBSEQ", "LBTESTCD", "LBTEST", "LBCAT", "LBORRES", "LBORRESU", "LBORNRLO", "LBORNRHI", "LBSTRESC", "LBSTRESN", "LBSTRESU", "LBSTNRLO", "LBSTNRHI", "LBNRIND", "LBSTAT", "LBLOINC", "LBDTC"];
    private static readonly string[] _vsColumns = ["STUDYID", "DOMAIN", "USUBJID", "VSSEQ", "VSTESTCD", "VSTEST", "VSORRES", "VSORRESU", "VSSTRESC", "VSSTRESN", "VSSTRESU", "VSSTAT", "VSDTC"];
    private static readonly string[] _cmColumns = ["STUDYID", "DOMAIN", "USUBJID", "CMSEQ", "CMTRT", "CMDECOD", "CMCAT", "CMINDC", "CMCLAS", "CMCLASCD", "CMDOSE", "CMDOSU", "CMROUTE", "CMSTDTC", "CMENDTC", "CMENRTPT"];
    private static readonly string[] _aeColumns = ["STUDYID", "DOMAIN", "USUBJID", "AESEQ", "AETERM", "AEDECOD", "AESEV", "AESER", "AEREL", "AEOUT", "AESDTH", "AESTDTC"];
    private static readonly string[] _prColumns = ["STUDYID", "DOMAIN", "USUBJID", "PRSEQ", "PRTRT", "PRDECOD", "PRLOC", "PRSTDTC", "PRENDTC", "PROCCUR"];
    private static readonly HashSet<string> _supportTypes = ["Organization", "Practitioner", "PractitionerRole", "Location", "Medication", "Encounter", "Provenance", "OperationOutcome"];

    /// <summary>Maps a bundle file, or every .json file of a folder, onto SDTM.</summary>
    /// <exception cref="DataFormatException">A file is not a FHIR R4 bundle.</exception>
    public static FhirImportResult Import(string path, FhirImportOptions? options = null)
    {
        var files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*.json").Order(StringComparer.Ordinal).ToList()
            : File.Exists(path) ? [path] : throw new FileNotFoundException($"No such file or folder: {path}", path);
        if (files.Count == 0) throw new DataFormatException(path, "the folder holds no .json file", "FHIR R4 bundles as .json files");
        return Import(files.Select(f => (f, File.ReadAllText(f))), options);
    }

    /// <summary>Maps bundles given as (source name, JSON text) onto SDTM.</summary>
    /// <exception cref="DataFormatException">A text is not a FHIR R4 bundle.</exception>
    public static FhirImportResult Import(IEnumerable<(string Source, string Json)> bundles, FhirImportOptions? options = null)
    {
        options ??= new FhirImportOptions();
        var state = new State(options);
        foreach (var (source, json) in bundles) state.AddBundle(source, Parse(source, json, state.Issues));
        return state.Map();
    }

    private static Bundle Parse(string source, string json, List<FhirIssue> issues)
    {
        try
        {
            return AsBundle(source, new FhirJsonDeserializer().Deserialize<Resource>(json));
        }
        catch (DeserializationFailedException ex) when (ex.PartialResult is Resource partial && ModelInfo.IsKnownResource(partial.TypeName))
        {
            // Unknown or malformed elements: keep what parsed and report the rest.
            foreach (var e in ex.Exceptions) issues.Add(new(source, "Bundle", $"parsed with a problem: {e.Message}"));
            return AsBundle(source, partial);
        }
        catch (Exception ex) when (ex is DeserializationFailedException or FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            throw new DataFormatException(source, $"not a FHIR R4 bundle: {ex.Message}", "a JSON FHIR R4 Bundle (transaction, batch, collection or searchset)", inner: ex);
        }
    }

    // A file holding a single resource reads as a one-entry collection.
    private static Bundle AsBundle(string source, Resource resource)
    {
        if (!ModelInfo.IsKnownResource(resource.TypeName))
            throw new DataFormatException(source, $"'{resource.TypeName}' is not a FHIR R4 resource type", "a FHIR R4 Bundle (transaction, batch, collection or searchset)");
        return resource as Bundle ?? new Bundle { Type = Bundle.BundleType.Collection, Entry = [new Bundle.EntryComponent { Resource = resource }] };
    }

    private sealed class State(FhirImportOptions options)
    {
        private readonly List<(string Source, string Key, Resource Resource)> _resources = [];
        private readonly Dictionary<string, Resource> _byKey = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _unmapped = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _patientIds = new(StringComparer.Ordinal);
        private readonly StringPool _pool = new();
        public List<FhirIssue> Issues { get; } = [];

        public void AddBundle(string source, Bundle bundle)
        {
            if (bundle.Type is not (Bundle.BundleType.Transaction or Bundle.BundleType.Batch or Bundle.BundleType.Collection or Bundle.BundleType.Searchset))
                Issues.Add(new(source, "Bundle", $"bundle type {bundle.Type} read like a collection"));
            foreach (var entry in bundle.Entry)
            {
                if (entry.Resource is not { } resource) continue;
                if (entry.Search?.Mode == Bundle.SearchEntryMode.Outcome || resource is OperationOutcome) continue;
                var typeId = resource.Id is { } id ? $"{resource.TypeName}/{id}" : null;
                var key = typeId ?? entry.FullUrl ?? $"{resource.TypeName}#{_resources.Count}";
                if ((typeId is not null && _byKey.ContainsKey(typeId)) || (entry.FullUrl is not null && _byKey.ContainsKey(entry.FullUrl)))
                {
                    Issues.Add(new(source, key, "appears again; the first copy was kept"));
                    continue;
                }
                if (typeId is not null) _byKey[typeId] = resource;
                if (entry.FullUrl is not null)
                {
                    _byKey[entry.FullUrl] = resource;
                    // An absolute URL also resolves by its trailing Type/id.
                    if (typeId is null && TrailingTypeId(entry.FullUrl) is { } trailing) _byKey.TryAdd(trailing, resource);
                }
                _resources.Add((source, key, resource));
            }
        }

        private static string? TrailingTypeId(string url)
        {
            var parts = url.Split('/', StringSplitOptions.RemoveEmptyEntries);
            int h = Array.IndexOf(parts, "_history");
            if (h > 0) parts = parts[..h];
            return parts.Length >= 2 ? parts[^2] + "/" + parts[^1] : null;
        }

        private Resource? Resolve(ResourceReference? reference)
        {
            var r = reference?.Reference;
            if (string.IsNullOrEmpty(r)) return null;
            if (_byKey.TryGetValue(r, out var found)) return found;
            return TrailingTypeId(r) is { } typeId && _byKey.TryGetValue(typeId, out found) ? found : null;
        }

        public FhirImportResult Map()
        {
            var model = SdtmModel.Sdtmig34;
            var dm = new TableBuilder("DM", model, _pool, _dmColumns);
            var mh = new TableBuilder("MH", model, _pool, _mhColumns);
            var lb = new TableBuilder("LB", model, _pool, _lbColumns);
            var vs = new TableBuilder("VS", model, _pool, _vsColumns);
            var cm = new TableBuilder("CM", model, _pool, _cmColumns);
            var ae = new TableBuilder("AE", model, _pool, _aeColumns);
            var pr = new TableBuilder("PR", model, _pool, _prColumns);
            var seq = new Dictionary<(string, string), int>();
            int Next(string domain, string subject) => seq[(domain, subject)] = seq.GetValueOrDefault((domain, subject)) + 1;

            foreach (var (source, key, resource) in _resources.Where(r => r.Resource is Patient))
                MapPatient(dm, (Patient)resource, key);

            foreach (var (source, key, resource) in _resources)
            {
                switch (resource)
                {
                    case Patient:
                        break;
                    case Condition c:
                        if (Subject(source, key, c.Subject) is { } s1) MapCondition(mh, source, key, c, s1, Next("MH", s1));
                        break;
                    case Observation o:
                        if (Subject(source, key, o.Subject) is { } s2) MapObservation(lb, vs, source, key, o, s2, Next);
                        break;
                    case MedicationStatement ms:
                        if (Subject(source, key, ms.Subject) is { } s3)
                            MapMedication(cm, source, key, s3, Next("CM", s3), ms.Medication, "MEDICATION STATEMENT", ms.Effective, ms.Status?.ToString(),
                                ms.Dosage.FirstOrDefault(), ms.ReasonCode.FirstOrDefault()?.Text ?? Display(ms.ReasonCode.FirstOrDefault()), ms.Status == MedicationStatement.MedicationStatusCodes.EnteredInError);
                        break;
                    case MedicationRequest mr:
                        if (Subject(source, key, mr.Subject) is { } s4)
                            MapMedication(cm, source, key, s4, Next("CM", s4), mr.Medication, "MEDICATION REQUEST", mr.AuthoredOnElement, mr.Status?.ToString(),
                                mr.DosageInstruction.FirstOrDefault(), mr.ReasonCode.FirstOrDefault()?.Text ?? Display(mr.ReasonCode.FirstOrDefault()), mr.Status == MedicationRequest.MedicationrequestStatus.EnteredInError);
                        break;
                    case AdverseEvent a:
                        if (Subject(source, key, a.Subject) is { } s5) MapAdverseEvent(ae, source, key, a, s5, Next("AE", s5));
                        break;
                    case Procedure p:
                        if (Subject(source, key, p.Subject) is { } s6) MapProcedure(pr, source, key, p, s6, Next("PR", s6));
                        break;
                    default:
                        if (!_supportTypes.Contains(resource.TypeName))
                        {
                            _unmapped[resource.TypeName] = _unmapped.GetValueOrDefault(resource.TypeName) + 1;
                            Issues.Add(new(source, key, $"{resource.TypeName} has no SDTM mapping here; not mapped"));
                        }
                        break;
                }
            }

            var tables = new List<DomainTable>
            {
                dm.Build("Demographics"), mh.Build("Medical History"), lb.Build("Laboratory Test Results"), vs.Build("Vital Signs"),
                cm.Build("Concomitant/Prior Medications"), ae.Build("Adverse Events"), pr.Build("Procedures"),
            };
            var builder = new StudyDataBuilder { Source = "FHIR" };
            foreach (var t in tables) builder.Add(t);
            var data = builder.Build();
            return new FhirImportResult(tables, data, tables.ToDictionary(t => t.Name, t => t.RowCount), _unmapped, Issues);
        }

        private string? Subject(string source, string key, ResourceReference? reference)
        {
            var patient = Resolve(reference) as Patient;
            if (patient is not null && _patientIds.TryGetValue(PatientKey(patient), out var usubjid)) return usubjid;
            var type = key.Split('/', '#')[0];
            _unmapped[type] = _unmapped.GetValueOrDefault(type) + 1;
            Issues.Add(new(source, key, reference?.Reference is { } r ? $"its subject '{r}' does not resolve to a Patient in the bundles; not mapped" : "it has no subject; not mapped"));
            return null;
        }

        private string PatientKey(Patient p) => p.Id ?? _resources.First(r => ReferenceEquals(r.Resource, p)).Key;

        private void MapPatient(TableBuilder dm, Patient p, string key)
        {
            var usubjid = p.Id ?? key.Replace("urn:uuid:", "", StringComparison.Ordinal);
            _patientIds[PatientKey(p)] = usubjid;
            dm.Set("STUDYID", options.StudyId);
            dm.Set("DOMAIN", "DM");
            dm.Set("USUBJID", usubjid);
            dm.Set("SUBJID", p.Identifier.FirstOrDefault()?.Value ?? usubjid);
            dm.Set("SEX", p.Gender switch
            {
                AdministrativeGender.Male => "M",
                AdministrativeGender.Female => "F",
                AdministrativeGender.Other => "UNDIFFERENTIATED",
                _ => "U",
            });
            var birth = p.BirthDate;
            dm.Set("BRTHDTC", birth);
            var reference = options.ReferenceDate ?? DateOnly.FromDateTime(DateTime.UtcNow);
            if (birth is { Length: 10 } && DateOnly.TryParseExact(birth, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var born))
            {
                int age = reference.Year - born.Year - (reference < born.AddYears(reference.Year - born.Year) ? 1 : 0);
                dm.Set("AGE", age);
                dm.Set("AGEU", "YEARS");
            }
            switch (p.Deceased)
            {
                case FhirBoolean { Value: true }:
                    dm.Set("DTHFL", "Y");
                    break;
                case FhirDateTime dt:
                    dm.Set("DTHFL", "Y");
                    dm.Set("DTHDTC", dt.Value);
                    break;
            }
            dm.Set("RACE", Race(p));
            dm.Set("ETHNIC", Ethnicity(p));
            dm.Set("COUNTRY", Country(p.Address.FirstOrDefault()?.Country));
            dm.EndRow();
        }

        private static string? Race(Patient p)
        {
            var ext = p.Extension.FirstOrDefault(e => e.Url == "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race");
            if (ext is null) return null;
            var codes = ext.Extension.Where(e => e.Url == "ombCategory").Select(e => (e.Value as Coding)?.Code).OfType<string>().Distinct().ToList();
            if (codes.Count > 1) return "MULTIPLE";
            return codes.FirstOrDefault() switch
            {
                "2106-3" => "WHITE",
                "2054-5" => "BLACK OR AFRICAN AMERICAN",
                "2028-9" => "ASIAN",
                "1002-5" => "AMERICAN INDIAN OR ALASKA NATIVE",
                "2076-8" => "NATIVE HAWAIIAN OR OTHER PACIFIC ISLANDER",
                "UNK" or "ASKU" => "UNKNOWN",
                _ => null,
            };
        }

        private static string? Ethnicity(Patient p)
        {
            var ext = p.Extension.FirstOrDefault(e => e.Url == "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity");
            var code = ext?.Extension.Where(e => e.Url == "ombCategory").Select(e => (e.Value as Coding)?.Code).FirstOrDefault();
            return code switch { "2135-2" => "HISPANIC OR LATINO", "2186-5" => "NOT HISPANIC OR LATINO", "UNK" or "ASKU" => "UNKNOWN", _ => null };
        }

        private static string? Country(string? country) => country?.Trim().ToUpperInvariant() switch
        {
            null or "" => null,
            "US" or "USA" or "UNITED STATES" => "USA",
            "CA" or "CAN" or "CANADA" => "CAN",
            "GB" or "GBR" or "UK" or "UNITED KINGDOM" => "GBR",
            "DE" or "DEU" or "GERMANY" => "DEU",
            "FR" or "FRA" or "FRANCE" => "FRA",
            "ES" or "ESP" or "SPAIN" => "ESP",
            "IT" or "ITA" or "ITALY" => "ITA",
            "JP" or "JPN" or "JAPAN" => "JPN",
            "AU" or "AUS" or "AUSTRALIA" => "AUS",
            "NL" or "NLD" or "NETHERLANDS" => "NLD",
            var c when c.Length == 3 => c,
            _ => null,
        };

        private void MapCondition(TableBuilder mh, string source, string key, Condition c, string subject, int seq)
        {
            var verification = c.VerificationStatus?.Coding.FirstOrDefault()?.Code;
            if (verification is "refuted" or "entered-in-error")
            {
                Issues.Add(new(source, key, $"verification status {verification}; not mapped"));
                return;
            }
            (string Term, string Soc)? mapped = null;
            foreach (var coding in c.Code?.Coding ?? [])
                if ((mapped = ConditionMap.Find(coding.System, coding.Code)) is not null) break;
            var term = c.Code?.Text ?? Display(c.Code);
            if (term is null && mapped is null)
            {
                Issues.Add(new(source, key, "the condition has no code text, display or known code; not mapped"));
                return;
            }
            mh.Set("STUDYID", options.StudyId);
            mh.Set("DOMAIN", "MH");
            mh.Set("USUBJID", subject);
            mh.Set("MHSEQ", seq);
            mh.Set("MHTERM", term ?? mapped!.Value.Term);
            mh.Set("MHDECOD", mapped?.Term ?? Display(c.Code) ?? term);
            mh.Set("MHBODSYS", mapped?.Soc);
            if (mapped is null) Issues.Add(new(source, key, $"'{term}' has no SNOMED CT or ICD-10 code in the shipped condition table; MHDECOD is the code's display text"));
            mh.Set("MHCAT", c.Category.FirstOrDefault()?.Coding.FirstOrDefault()?.Code switch
            {
                "problem-list-item" => "PROBLEM LIST",
                "encounter-diagnosis" => "ENCOUNTER DIAGNOSIS",
                _ => "GENERAL MEDICAL HISTORY",
            });
            mh.Set("MHSTDTC", DateOf(c.Onset, source, key, "onset"));
            mh.Set("MHENDTC", DateOf(c.Abatement, source, key, "abatement"));
            var clinical = c.ClinicalStatus?.Coding.FirstOrDefault()?.Code;
            if (clinical is "active" or "recurrence" or "relapse") mh.Set("MHENRTPT", "ONGOING");
            mh.EndRow();
        }

        private string? DateOf(DataType? value, string source, string key, string what)
        {
            switch (value)
            {
                case null: return null;
                case FhirDateTime dt: return dt.Value;
                case Date d: return d.Value;
                case Instant i: return i.Value?.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
                case Period p: return p.Start;
                default:
                    Issues.Add(new(source, key, $"the {what} is a {value.TypeName}, which has no ISO 8601 date; left missing"));
                    return null;
            }
        }

        private void MapObservation(TableBuilder lb, TableBuilder vs, string source, string key, Observation o, string subject, Func<string, string, int> next)
        {
            if (o.Status is ObservationStatus.EnteredInError or ObservationStatus.Cancelled)
            {
                Issues.Add(new(source, key, $"status {o.Status}; not mapped"));
                return;
            }
            var date = DateOf(o.Effective, source, key, "effective time") ?? o.Issued?.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
            var loinc = o.Code?.Coding.FirstOrDefault(c => c.System == "http://loinc.org")?.Code;
            // A blood pressure panel carries systolic and diastolic as components.
            if (o.Component.Count > 0 && (loinc is "85354-9" or "55284-4" || o.Value is null))
            {
                int mappedComponents = 0;
                foreach (var component in o.Component)
                {
                    var code = component.Code?.Coding.FirstOrDefault(c => c.System == "http://loinc.org")?.Code;
                    if (code is not null && LoincMap.Shipped.Find(code) is { } entry)
                    {
                        AddFinding(entry.Domain == "VS" ? vs : lb, entry, source, key, subject, next, component.Value, [], [], date, code);
                        mappedComponents++;
                    }
                    else Issues.Add(new(source, key, $"component LOINC {code ?? "(none)"} is not in the LOINC table; not mapped"));
                }
                if (mappedComponents == 0) Count(o);
                return;
            }
            if (loinc is null || LoincMap.Shipped.Find(loinc) is not { } test)
            {
                Count(o);
                var category = string.Join(",", o.Category.SelectMany(c => c.Coding).Select(c => c.Code));
                Issues.Add(new(source, key, loinc is null
                    ? $"the observation ({Display(o.Code) ?? "no code"}) has no LOINC code; not mapped"
                    : $"LOINC {loinc} ({Display(o.Code) ?? "?"}, category {category}) is not in the LOINC table; not mapped"));
                return;
            }
            AddFinding(test.Domain == "VS" ? vs : lb, test, source, key, subject, next, o.Value, o.ReferenceRange, o.Interpretation, date, loinc);
        }

        private void Count(Resource r) => _unmapped[r.TypeName] = _unmapped.GetValueOrDefault(r.TypeName) + 1;

        private void AddFinding(TableBuilder t, LoincMap.Entry test, string source, string key, string subject, Func<string, string, int> next,
            DataType? value, List<Observation.ReferenceRangeComponent> ranges, List<CodeableConcept> interpretation, string? date, string loinc)
        {
            bool lbDomain = test.Domain == "LB";
            string p = test.Domain;
            t.Set("STUDYID", options.StudyId);
            t.Set("DOMAIN", p);
            t.Set("USUBJID", subject);
            t.Set(p + "SEQ", next(p, subject));
            t.Set(p + "TESTCD", test.TestCode);
            t.Set(p + "TEST", test.Test);
            if (lbDomain)
            {
                t.Set("LBCAT", test.Category);
                t.Set("LBLOINC", loinc);
            }
            t.Set(p + "DTC", date);
            switch (value)
            {
                case Quantity q when q.Value is decimal v:
                    var unit = q.Code ?? q.Unit;
                    var orig = (q.Comparator is { } cmp ? Comparator(cmp) : "") + v.ToString(CultureInfo.InvariantCulture);
                    t.Set(p + "ORRES", orig);
                    t.Set(p + "ORRESU", q.Unit ?? q.Code);
                    // Decimal all the way from the FHIR value to the stored number: no rounding, so a result keeps every
                    // digit it was reported with (a double then holds it to about 16 significant digits).
                    decimal? std = Convert(v, unit, test, out var problem);
                    if (problem is not null) Issues.Add(new(source, key, $"{test.TestCode}: {problem}; the standard result is left missing"));
                    t.Set(p + "STRESU", test.StandardUnit);
                    if (std is decimal s)
                    {
                        t.Set(p + "STRESC", (q.Comparator is { } c2 ? Comparator(c2) : "") + Text(s));
                        // A result given as "<0.2" is not a number a rule may compare: only STRESC keeps it.
                        if (q.Comparator is null) t.Set(p + "STRESN", (double)s);
                    }
                    if (lbDomain)
                    {
                        var range = ranges.FirstOrDefault();
                        if (range?.Low?.Value is decimal lo)
                        {
                            t.Set("LBORNRLO", lo.ToString(CultureInfo.InvariantCulture));
                            if (Convert(lo, range.Low.Code ?? range.Low.Unit ?? unit, test, out _) is decimal slo) t.Set("LBSTNRLO", (double)slo);
                        }
                        if (range?.High?.Value is decimal hi)
                        {
                            t.Set("LBORNRHI", hi.ToString(CultureInfo.InvariantCulture));
                            if (Convert(hi, range.High.Code ?? range.High.Unit ?? unit, test, out _) is decimal shi) t.Set("LBSTNRHI", (double)shi);
                        }
                        t.Set("LBNRIND", Interpretation(interpretation));
                    }
                    break;
                case CodeableConcept cc:
                    var coded = cc.Text ?? Display(cc);
                    t.Set(p + "ORRES", coded);
                    t.Set(p + "STRESC", coded);
                    if (lbDomain) t.Set("LBNRIND", Interpretation(interpretation));
                    break;
                case FhirString fs:
                    t.Set(p + "ORRES", fs.Value);
                    t.Set(p + "STRESC", fs.Value);
                    break;
                case null:
                    t.Set(p + "STAT", "NOT DONE");
                    break;
                default:
                    t.Set(p + "STAT", "NOT DONE");
                    Issues.Add(new(source, key, $"{test.TestCode}: a {value.TypeName} value has no SDTM result form; recorded as not done"));
                    break;
            }
            t.EndRow();
        }

        private static string Comparator(Quantity.QuantityComparator c) => c switch
        {
            Quantity.QuantityComparator.LessThan => "<",
            Quantity.QuantityComparator.LessOrEqual => "<=",
            Quantity.QuantityComparator.GreaterThan => ">",
            _ => ">=",
        };

        private static string? Interpretation(List<CodeableConcept> interpretation) =>
            interpretation.SelectMany(i => i.Coding).Select(c => c.Code).FirstOrDefault() switch
            {
                "H" or "HH" or "HU" => "HIGH",
                "L" or "LL" or "LU" => "LOW",
                "N" => "NORMAL",
                "A" or "AA" => "ABNORMAL",
                _ => null,
            };

        /// <summary>Converts a value to the test's standard unit: unchanged, by the table, or by UCUM (in decimal, exactly).</summary>
        private static decimal? Convert(decimal value, string? unit, LoincMap.Entry test, out string? problem)
        {
            problem = null;
            if (unit is null) { problem = "the quantity has no unit"; return null; }
            if (string.Equals(unit, test.StandardUnit, StringComparison.Ordinal) || string.Equals(unit, test.StandardUcum, StringComparison.Ordinal)) return value;
            if (test.Conversions.TryGetValue(unit, out var conversion)) return value * conversion.Factor + conversion.Offset;
            if (global::Fhir.Metrics.MetricServiceExtensions.TryConvertTo(global::Fhir.Metrics.FhirMetricService.Instance.Value,
                    (value, unit, "http://unitsofmeasure.org"), test.StandardUcum, out var converted) && converted is { } c)
                return c.Item1;
            problem = $"'{unit}' cannot be converted to {test.StandardUnit}";
            return null;
        }

        /// <summary>A decimal as text without the trailing zeros its scale carries (6.85185179016600 is 6.851851790166).</summary>
        private static string Text(decimal value) => (value / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

        private void MapMedication(TableBuilder cm, string source, string key, string subject, int seq, DataType? medication, string category,
            DataType? effective, string? status, Dosage? dosage, string? indication, bool enteredInError)
        {
            if (enteredInError)
            {
                Issues.Add(new(source, key, "status entered-in-error; not mapped"));
                return;
            }
            var concept = medication switch
            {
                CodeableConcept cc => cc,
                ResourceReference r => (Resolve(r) as Medication)?.Code,
                _ => null,
            };
            var name = concept?.Text ?? Display(concept);
            if (name is null)
            {
                Issues.Add(new(source, key, "the medication has no name or resolvable Medication; not mapped"));
                return;
            }
            var atc = concept?.Coding.FirstOrDefault(c => c.System is "http://www.whocc.no/atc" or "urn:oid:2.16.840.1.113883.6.73");
            var decod = (Display(concept) ?? name).ToUpperInvariant();
            var known = DrugMap.Find(decod);
            if (known is not null) decod = known.Decod;
            cm.Set("STUDYID", options.StudyId);
            cm.Set("DOMAIN", "CM");
            cm.Set("USUBJID", subject);
            cm.Set("CMSEQ", seq);
            cm.Set("CMTRT", name);
            cm.Set("CMDECOD", decod);
            cm.Set("CMCAT", category);
            cm.Set("CMINDC", indication);
            cm.Set("CMCLASCD", atc?.Code ?? known?.Atc);
            cm.Set("CMCLAS", known?.Class ?? atc?.Display?.ToUpperInvariant());
            if (atc is null && known is null) Issues.Add(new(source, key, $"'{name}' has no ATC code and is not in the shipped drug list; CMCLASCD is missing"));
            if (dosage?.DoseAndRate.FirstOrDefault()?.Dose is Quantity dose && dose.Value is decimal dv)
            {
                cm.Set("CMDOSE", (double)dv);
                cm.Set("CMDOSU", dose.Unit ?? dose.Code);
            }
            cm.Set("CMROUTE", (dosage?.Route?.Text ?? Display(dosage?.Route))?.ToUpperInvariant());
            switch (effective)
            {
                case Period p:
                    cm.Set("CMSTDTC", p.Start);
                    cm.Set("CMENDTC", p.End);
                    if (p.End is null) cm.Set("CMENRTPT", "ONGOING");
                    break;
                case FhirDateTime dt:
                    cm.Set("CMSTDTC", dt.Value);
                    break;
            }
            if (effective is not Period && status is "Active" or "Intended" or "OnHold") cm.Set("CMENRTPT", "ONGOING");
            cm.EndRow();
        }

        private void MapAdverseEvent(TableBuilder ae, string source, string key, AdverseEvent a, string subject, int seq)
        {
            if (a.Actuality == AdverseEvent.AdverseEventActuality.Potential)
            {
                Issues.Add(new(source, key, "a potential adverse event (near miss); not mapped"));
                return;
            }
            var term = a.Event?.Text ?? Display(a.Event);
            if (term is null)
            {
                Issues.Add(new(source, key, "the adverse event has no event code or text; not mapped"));
                return;
            }
            ae.Set("STUDYID", options.StudyId);
            ae.Set("DOMAIN", "AE");
            ae.Set("USUBJID", subject);
            ae.Set("AESEQ", seq);
            ae.Set("AETERM", term);
            ae.Set("AEDECOD", Display(a.Event) ?? term);
            ae.Set("AESEV", a.Severity?.Coding.FirstOrDefault()?.Code switch { "mild" => "MILD", "moderate" => "MODERATE", "severe" => "SEVERE", _ => null });
            ae.Set("AESER", a.Seriousness?.Coding.FirstOrDefault()?.Code switch { "serious" => "Y", "non-serious" => "N", _ => null });
            var outcome = a.Outcome?.Coding.FirstOrDefault()?.Code;
            ae.Set("AEOUT", outcome switch
            {
                "resolved" => "RECOVERED/RESOLVED",
                "recovering" => "RECOVERING/RESOLVING",
                "ongoing" => "NOT RECOVERED/NOT RESOLVED",
                "resolvedWithSequelae" => "RECOVERED/RESOLVED WITH SEQUELAE",
                "fatal" => "FATAL",
                "unknown" => "UNKNOWN",
                _ => null,
            });
            if (outcome == "fatal") ae.Set("AESDTH", "Y");
            var causality = a.SuspectEntity.SelectMany(s => s.Causality).Select(c => c.Assessment?.Text ?? Display(c.Assessment)).FirstOrDefault(x => x is not null);
            ae.Set("AEREL", causality?.ToUpperInvariant());
            ae.Set("AESTDTC", a.Date ?? a.Detected);
            ae.EndRow();
        }

        private void MapProcedure(TableBuilder pr, string source, string key, Procedure p, string subject, int seq)
        {
            if (p.Status == EventStatus.EnteredInError)
            {
                Issues.Add(new(source, key, "status entered-in-error; not mapped"));
                return;
            }
            var term = p.Code?.Text ?? Display(p.Code);
            if (term is null)
            {
                Issues.Add(new(source, key, "the procedure has no code or text; not mapped"));
                return;
            }
            pr.Set("STUDYID", options.StudyId);
            pr.Set("DOMAIN", "PR");
            pr.Set("USUBJID", subject);
            pr.Set("PRSEQ", seq);
            pr.Set("PRTRT", term);
            pr.Set("PRDECOD", Display(p.Code) ?? term);
            pr.Set("PRLOC", (p.BodySite.FirstOrDefault()?.Text ?? Display(p.BodySite.FirstOrDefault()))?.ToUpperInvariant());
            switch (p.Performed)
            {
                case Period period:
                    pr.Set("PRSTDTC", period.Start);
                    pr.Set("PRENDTC", period.End);
                    break;
                default:
                    pr.Set("PRSTDTC", DateOf(p.Performed, source, key, "performed time"));
                    break;
            }
            pr.Set("PROCCUR", p.Status == EventStatus.NotDone ? "N" : "Y");
            pr.EndRow();
        }

        private static string? Display(CodeableConcept? concept) => concept?.Coding.Select(c => c.Display).FirstOrDefault(d => !string.IsNullOrEmpty(d));
    }
}
