using System.Globalization;
using static ProtocolEngine.Data.Synthetic.SynthCatalog;
using static ProtocolEngine.Data.Synthetic.SynthSchemas;

namespace ProtocolEngine.Data.Synthetic;

/// <summary>
/// Generates one subject's records in every dataset, from the subject's own random stream. The model (see
/// docs/data.md): demographics by site and country; conditions whose prevalence rises with age and differs
/// by sex; medications for treated conditions; 20% screen failures, the rest randomized 1:1:1; visits with
/// windows, missed visits and dropout; labs driven by conditions (diabetes, kidney disease, liver), with
/// visit-to-visit variation, abnormal tails and a small share not done; AEs by arm with seriousness, grade,
/// outcome and rare deaths; and a few deliberate data-quality slips for checks to find.
/// </summary>
internal sealed class SubjectGenerator
{
    private static readonly DateOnly _enrolmentStart = new(2021, 1, 4);
    private const int EnrolmentDays = 4 * 365;
    private static readonly double _dropoutRate = -Math.Log(0.82) / 168;
    private static readonly int _dementia = ConditionIndex("Dementia Alzheimer's type");
    private static readonly int _diabetes = ConditionIndex("Type 2 diabetes mellitus");
    private static readonly int _ckd = ConditionIndex("Chronic kidney disease");
    private static readonly int _hypertension = ConditionIndex("Hypertension");
    private static readonly int _stroke = ConditionIndex("Cerebrovascular accident");
    private static readonly int _obesity = ConditionIndex("Obesity");
    private static readonly int _af = ConditionIndex("Atrial fibrillation");
    private static readonly int _postmenopausal = ConditionIndex("Postmenopausal");
    private static readonly int _neut = LabIndex("NEUT");
    private static readonly string[] _drugVerbatim = [.. Drugs.Select(d => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(d.Decod.ToLowerInvariant()) + " " + d.Dose.ToString(CultureInfo.InvariantCulture) + " " + d.Unit)];
    private static readonly Dataset[] _ds = All;

    private readonly RowBatch[] _batches;
    private readonly SynthText _text = new();
    private readonly ulong _seed;

    // Per-subject working state, reused.
    private readonly bool[] _has = new bool[Conditions.Length];
    private readonly DateOnly[] _onset = new DateOnly[Conditions.Length];
    private readonly DateOnly?[] _visitDate = new DateOnly?[Visits.Length];
    private readonly double[] _labBase = new double[Labs.Length];

    public SubjectGenerator(RowBatch[] batches, ulong seed)
    {
        _batches = batches;
        _seed = seed;
    }

    public void Generate(long index)
    {
        var rng = new SynthRandom(_seed, (ulong)index);
        var (site, country) = Sites[rng.Pick(SiteWeights)];
        var usubjid = $"{StudyId}-{site}-{index + 1:D7}";
        var subjid = (index + 1).ToString("D7", CultureInfo.InvariantCulture);
        bool female = rng.Chance(0.52);
        int age = (int)Math.Clamp(Math.Round(rng.Normal(62, 13)), 18, 95);
        var screening = _enrolmentStart.AddDays(rng.Next(EnrolmentDays));
        var birth = screening.AddYears(-age).AddDays(-rng.Next(365) - 1);

        // Conditions.
        for (int c = 0; c < Conditions.Length; c++)
        {
            var cond = Conditions[c];
            double p;
            if (c == _postmenopausal) p = !female ? 0 : age >= 52 ? 0.92 : age >= 45 ? 0.35 : 0.02;
            else
            {
                double t = (age - 40) / 40.0;
                p = t >= 0 ? cond.At40 + (cond.At80 - cond.At40) * t : cond.At40 * Math.Max(0.3, 1 + t);
                p *= female ? cond.Female : cond.Male;
            }
            _has[c] = rng.Chance(Math.Clamp(p, 0, 0.97));
            if (!_has[c]) continue;
            int maxYears = Math.Max(1, Math.Min(age - 18, 30));
            _onset[c] = c == _postmenopausal
                ? birth.AddYears(Math.Min(age, rng.Between(45, 55)))
                : screening.AddDays(-(int)(rng.NextDouble() * maxYears * 365) - 30);
            if (_onset[c] < birth) _onset[c] = birth.AddYears(18);
        }

        // Arm and visits.
        bool screenFail = rng.Chance(0.20);
        int arm = screenFail ? -1 : rng.Next(3);
        DateOnly? baseline = null, lastDose = null, end;
        string disposition = screenFail ? "SCREEN FAILURE" : "COMPLETED";
        DateOnly? death = null;
        Array.Clear(_visitDate);
        _visitDate[0] = screening;
        if (screenFail)
        {
            end = screening.AddDays(rng.Between(1, 14));
        }
        else
        {
            baseline = screening.AddDays(rng.Between(7, 21));
            double dropoutDay = -Math.Log(1 - rng.NextDouble()) / _dropoutRate;
            int lastDay = 168;
            if (dropoutDay < 168)
            {
                lastDay = (int)dropoutDay;
                disposition = EarlyStopReasons[rng.Pick(EarlyStopWeights)];
            }
            // Adverse events can end participation (death) before the planned end.
            GenerateAdverseEvents(ref rng, usubjid, arm, baseline.Value, baseline.Value.AddDays(lastDay), baseline, ref death);
            if (death is { } d && d < baseline.Value.AddDays(lastDay))
            {
                lastDay = d.DayNumber - baseline.Value.DayNumber;
                disposition = "DEATH";
            }
            lastDose = baseline.Value.AddDays(Math.Max(0, lastDay));
            for (int v = 1; v < Visits.Length; v++)
            {
                int planned = Visits[v].Day - 1;
                if (planned > lastDay) break;
                if (v > 1 && rng.Chance(0.04)) continue; // missed visit
                _visitDate[v] = baseline.Value.AddDays(v == 1 ? 0 : planned + rng.Between(-3, 3));
            }
            end = death ?? LastVisit();
        }
        if (screenFail) GenerateAdverseEvents(ref rng, usubjid, -1, screening, end!.Value, null, ref death);

        WriteDemographics(ref rng, usubjid, subjid, site, country, female, age, birth, screening, baseline, lastDose, end!.Value, death, arm);
        WriteVisits(usubjid, baseline);
        WriteDisposition(usubjid, screening, baseline, end.Value, disposition);
        WriteMedicalHistory(ref rng, usubjid);
        WriteMedications(ref rng, usubjid, screening);
        if (!screenFail) WriteExposure(usubjid, arm, baseline!.Value, lastDose!.Value);
        WriteLabs(ref rng, usubjid, female, age, arm, baseline);
        // Screening-only labs draw from their own stream, so adding them left every other value of a seed unchanged.
        var screeningRng = new SynthRandom(_seed ^ 0x5C2EE1AB5UL, (ulong)index);
        WriteScreeningLabs(ref screeningRng, usubjid, baseline);
        WriteVitals(ref rng, usubjid, female, age, baseline);
        WriteEcg(ref rng, usubjid, baseline);
        WriteQuestionnaires(ref rng, usubjid, arm, baseline);
    }

    private DateOnly LastVisit()
    {
        for (int v = Visits.Length - 1; v >= 0; v--)
            if (_visitDate[v] is { } d) return d;
        return _visitDate[0]!.Value;
    }

    private static double StudyDay(DateOnly date, DateOnly? reference) =>
        reference is not { } r ? double.NaN : date >= r ? date.DayNumber - r.DayNumber + 1 : date.DayNumber - r.DayNumber;

    private string PartialDate(ref SynthRandom rng, DateOnly date, double monthShare, double yearShare)
    {
        double u = rng.NextDouble();
        return u < yearShare ? SynthText.Year(date) : u < yearShare + monthShare ? SynthText.YearMonth(date) : SynthText.Date(date);
    }

    private void WriteDemographics(ref SynthRandom rng, string usubjid, string subjid, string site, string country, bool female, int age,
        DateOnly birth, DateOnly screening, DateOnly? baseline, DateOnly? lastDose, DateOnly end, DateOnly? death, int arm)
    {
        var b = _batches[DM];
        var s = _ds[DM];
        int r = b.NewRow();
        Common(b, s, r, "DM", usubjid);
        b.Text(r, 3, subjid);
        if (baseline is { } bl)
        {
            b.Text(r, 4, SynthText.Date(bl));
            b.Text(r, 5, SynthText.Date(end));
            b.Text(r, 6, SynthText.Date(bl));
            b.Text(r, 7, SynthText.Date(lastDose!.Value));
        }
        b.Text(r, 8, SynthText.Date(screening));
        b.Text(r, 9, SynthText.Date(end));
        if (death is { } d)
        {
            b.Text(r, 10, SynthText.Date(d));
            b.Text(r, 11, "Y");
        }
        b.Text(r, 12, site);
        // Birth dates are often partial (privacy) and sometimes missing; AGE is occasionally missing while BRTHDTC is present.
        double u = rng.NextDouble();
        if (u >= 0.02) b.Text(r, 13, u < 0.05 ? SynthText.Year(birth) : u < 0.15 ? SynthText.YearMonth(birth) : SynthText.Date(birth));
        if (!rng.Chance(0.01)) b.Number(r, 14, age);
        b.Text(r, 15, "YEARS");
        b.Text(r, 16, female ? "F" : "M");
        var raceWeights = country == "USA" || country == "CAN" ? RaceWeightsUsa : country == "JPN" ? RaceWeightsJapan : RaceWeightsEurope;
        if (!rng.Chance(0.015)) b.Text(r, 17, Races[rng.Pick(raceWeights)]);
        if (!rng.Chance(0.01)) b.Text(r, 18, Ethnicities[rng.Pick(country == "USA" ? EthnicWeightsUsa : EthnicWeightsOther)]);
        var (code, name) = arm < 0 ? (ScreenFailCode, ScreenFailArm) : (Arms[arm].Code, Arms[arm].Arm);
        b.Text(r, 19, code);
        b.Text(r, 20, name);
        b.Text(r, 21, code);
        b.Text(r, 22, name);
        b.Text(r, 23, country);
        b.Text(r, 24, SynthText.Date(screening));
        b.Number(r, 25, StudyDay(screening, baseline));
    }

    private static void Common(RowBatch b, Dataset s, int row, string domain, string usubjid)
    {
        b.Text(row, 0, StudyId);
        b.Text(row, 1, domain);
        b.Text(row, 2, usubjid);
    }

    private void WriteVisits(string usubjid, DateOnly? baseline)
    {
        var b = _batches[SV];
        for (int v = 0; v < Visits.Length; v++)
        {
            if (_visitDate[v] is not { } d) continue;
            int r = b.NewRow();
            Common(b, _ds[SV], r, "SV", usubjid);
            b.Number(r, 3, Visits[v].Num);
            b.Text(r, 4, Visits[v].Name);
            b.Number(r, 5, Visits[v].Day);
            b.Text(r, 6, SynthText.Date(d));
            b.Text(r, 7, SynthText.Date(d));
            b.Number(r, 8, StudyDay(d, baseline));
        }
    }

    private void WriteDisposition(string usubjid, DateOnly screening, DateOnly? baseline, DateOnly end, string disposition)
    {
        var b = _batches[DS];
        int seq = 0;
        void Add(string term, string decod, string cat, DateOnly date)
        {
            int r = b.NewRow();
            Common(b, _ds[DS], r, "DS", usubjid);
            b.Number(r, 3, ++seq);
            b.Text(r, 4, term);
            b.Text(r, 5, decod);
            b.Text(r, 6, cat);
            b.Text(r, 7, SynthText.Date(date));
            b.Number(r, 8, StudyDay(date, baseline));
        }
        Add("INFORMED CONSENT OBTAINED", "INFORMED CONSENT OBTAINED", "PROTOCOL MILESTONE", screening);
        if (baseline is { } bl) Add("RANDOMIZED", "RANDOMIZED", "PROTOCOL MILESTONE", bl);
        Add(disposition, disposition, "DISPOSITION EVENT", end);
    }

    private void WriteMedicalHistory(ref SynthRandom rng, string usubjid)
    {
        var b = _batches[MH];
        int seq = 0;
        for (int c = 0; c < Conditions.Length; c++)
        {
            if (!_has[c]) continue;
            var cond = Conditions[c];
            int r = b.NewRow();
            Common(b, _ds[MH], r, "MH", usubjid);
            b.Number(r, 3, ++seq);
            b.Text(r, 4, cond.Term);
            b.Text(r, 5, cond.Decod);
            b.Text(r, 6, "GENERAL MEDICAL HISTORY");
            b.Text(r, 7, cond.BodySys);
            b.Text(r, 8, PartialDate(ref rng, _onset[c], 0.35, 0.25));
            if (cond.Chronic) b.Text(r, 9, "ONGOING");
        }
    }

    private void WriteMedications(ref SynthRandom rng, string usubjid, DateOnly screening)
    {
        var b = _batches[CM];
        int seq = 0;
        for (int c = 0; c < Conditions.Length; c++)
        {
            if (!_has[c] || !DrugsFor.TryGetValue(Conditions[c].Decod, out var drugs)) continue;
            if (!rng.Chance(c == _dementia ? 0.65 : 0.7)) continue;
            int count = drugs.Length > 1 && rng.Chance(c == _hypertension ? 0.4 : 0.2) ? 2 : 1;
            int first = rng.Next(drugs.Length);
            for (int k = 0; k < count; k++)
                AddMedication(ref rng, b, usubjid, drugs[(first + k) % drugs.Length], _onset[c], screening, c == _dementia, ref seq);
        }
        if (rng.Chance(0.3))
        {
            var supplements = DrugsFor["Supplement"];
            AddMedication(ref rng, b, usubjid, supplements[rng.Next(supplements.Length)], screening.AddYears(-5), screening, false, ref seq);
        }
    }

    private void AddMedication(ref SynthRandom rng, RowBatch b, string usubjid, int drugIndex, DateOnly onset, DateOnly screening, bool dementiaDrug, ref int seq)
    {
        var drug = Drugs[drugIndex];
        var earliest = onset > screening.AddYears(-10) ? onset : screening.AddYears(-10);
        int span = Math.Max(1, screening.DayNumber - 7 - earliest.DayNumber);
        var start = earliest.AddDays(rng.Next(span));
        DateOnly? stop = null;
        // Some anti-dementia treatments stop shortly before screening, which washout criteria look for.
        if (dementiaDrug && rng.Chance(0.35)) stop = screening.AddDays(-rng.Between(1, 90));
        else if (rng.Chance(0.2)) stop = start.AddDays(rng.Next(Math.Max(1, screening.DayNumber - 1 - start.DayNumber)));
        if (stop is { } s && s < start) stop = start;
        int r = b.NewRow();
        Common(b, _ds[CM], r, "CM", usubjid);
        b.Number(r, 3, ++seq);
        b.Text(r, 4, _drugVerbatim[drugIndex]);
        b.Text(r, 5, drug.Decod);
        b.Text(r, 6, drug.Indication);
        b.Text(r, 7, drug.Class);
        b.Text(r, 8, drug.Atc);
        b.Number(r, 9, drug.Dose);
        b.Text(r, 10, drug.Unit);
        b.Text(r, 11, drug.Frequency);
        b.Text(r, 12, drug.Route);
        b.Text(r, 13, PartialDate(ref rng, start, 0.2, 0.1));
        if (stop is { } end) b.Text(r, 14, SynthText.Date(end));
        else b.Text(r, 15, "ONGOING");
    }

    private void WriteExposure(string usubjid, int arm, DateOnly baseline, DateOnly lastDose)
    {
        var b = _batches[EX];
        int seq = 0;
        void Add(double dose, DateOnly from, DateOnly to)
        {
            int r = b.NewRow();
            Common(b, _ds[EX], r, "EX", usubjid);
            b.Number(r, 3, ++seq);
            b.Text(r, 4, arm == 0 ? "PLACEBO" : "XANOMELINE");
            b.Number(r, 5, dose);
            b.Text(r, 6, "mg");
            b.Text(r, 7, "PATCH");
            b.Text(r, 8, "QD");
            b.Text(r, 9, "TRANSDERMAL");
            b.Text(r, 10, SynthText.Date(from));
            b.Text(r, 11, SynthText.Date(to));
            b.Number(r, 12, StudyDay(from, baseline));
            b.Number(r, 13, StudyDay(to, baseline));
        }
        // The high dose is reached after two weeks at the low dose.
        if (arm == 2 && lastDose.DayNumber - baseline.DayNumber > 14)
        {
            Add(54, baseline, baseline.AddDays(13));
            Add(81, baseline.AddDays(14), lastDose);
        }
        else Add(Arms[arm].Dose, baseline, lastDose);
    }

    private void GenerateAdverseEvents(ref SynthRandom rng, string usubjid, int arm, DateOnly from, DateOnly to, DateOnly? baseline, ref DateOnly? death)
    {
        var b = _batches[AE];
        int days = Math.Max(1, to.DayNumber - from.DayNumber);
        double rate = arm switch { -1 => 0.08, 0 => 1.6, 1 => 2.8, _ => 3.2 } * (arm < 0 ? 1 : days / 168.0);
        int count = rng.Poisson(rate);
        var weights = arm <= 0 ? AePlaceboWeights : AeActiveWeights;
        int seq = 0;
        // Draw the start days first and process them in time order, so nothing starts after a fatal event.
        Span<int> startDays = count <= 64 ? stackalloc int[count] : new int[count];
        for (int k = 0; k < count; k++) startDays[k] = rng.Next(days);
        startDays.Sort();
        for (int k = 0; k < count; k++)
        {
            var start = from.AddDays(startDays[k]);
            if (death is { } dead && start > dead) break;
            var ae = AdverseEvents[rng.Pick(weights)];
            bool serious = rng.Chance(ae.Serious);
            bool fatal = serious && rng.Chance(ae.FatalIfSerious);
            int sev = serious ? (rng.Chance(0.5) ? 2 : 1) : rng.Pick(SeverityWeights);
            if (fatal) sev = 2;
            string grade = fatal ? "5" : sev == 0 ? "1" : sev == 1 ? "2" : rng.Chance(0.8) ? "3" : "4";
            string outcome = fatal ? "FATAL" : Outcomes[rng.Pick(OutcomeWeights)];
            DateOnly? end = outcome is "NOT RECOVERED/NOT RESOLVED" or "UNKNOWN" ? null : start.AddDays((int)rng.LogNormal(7, 0.8));
            if (fatal)
            {
                var d = start.AddDays(rng.Between(0, 5));
                end = d;
                death = death is { } prior && prior < d ? prior : d;
            }

            int r = b.NewRow();
            Common(b, _ds[AE], r, "AE", usubjid);
            b.Number(r, 3, ++seq);
            b.Text(r, 4, ae.Term);
            b.Text(r, 5, ae.Decod);
            b.Text(r, 6, ae.BodySys);
            b.Text(r, 7, Severities[sev]);
            if (!rng.Chance(0.005)) b.Text(r, 8, serious ? "Y" : "N");
            b.Text(r, 9, arm < 0 ? "NOT APPLICABLE" : serious && arm > 0 && rng.Chance(0.2) ? "DRUG WITHDRAWN" : Actions[rng.Pick(ActionWeights)]);
            if (!rng.Chance(0.015)) b.Text(r, 10, Relations[rng.Pick(arm <= 0 ? RelationWeightsPlacebo : RelationWeightsActive)]);
            b.Text(r, 11, outcome);
            // Seriousness criteria; a few non-serious events carry an inconsistent hospitalisation flag for checks to find.
            bool hosp = serious ? rng.Chance(0.75) : rng.Chance(0.004);
            bool life = serious && rng.Chance(0.12);
            bool disab = serious && rng.Chance(0.04);
            bool mie = serious && rng.Chance(0.15);
            if (serious && !hosp && !life && !disab && !mie && !fatal) hosp = true;
            SetFlag(ref rng, b, r, 12, false);
            SetFlag(ref rng, b, r, 13, disab);
            SetFlag(ref rng, b, r, 14, fatal);
            SetFlag(ref rng, b, r, 15, hosp);
            SetFlag(ref rng, b, r, 16, life);
            SetFlag(ref rng, b, r, 17, mie);
            b.Text(r, 18, grade);
            b.Text(r, 19, rng.Chance(0.03) ? SynthText.YearMonth(start) : SynthText.Date(start));
            if (end is { } e) b.Text(r, 20, SynthText.Date(e));
            b.Number(r, 21, StudyDay(start, baseline));
            if (end is { } e2) b.Number(r, 22, StudyDay(e2, baseline));
        }
    }

    private static void SetFlag(ref SynthRandom rng, RowBatch b, int row, int column, bool value)
    {
        if (!rng.Chance(0.01)) b.Text(row, column, value ? "Y" : "N");
    }

    private void WriteLabs(ref SynthRandom rng, string usubjid, bool female, int age, int arm, DateOnly? baseline)
    {
        bool diabetic = _has[_diabetes], ckd = _has[_ckd];
        double liver = rng.Chance(0.03) ? rng.LogNormal(3, 0.5) : 1;
        _labBase[LabIndex("ALT")] = rng.LogNormal(female ? 17 : 23, 0.3) * liver;
        _labBase[LabIndex("AST")] = rng.LogNormal(female ? 20 : 24, 0.25) * Math.Pow(liver, 0.7);
        _labBase[LabIndex("ALP")] = rng.LogNormal(75, 0.28);
        _labBase[LabIndex("BILI")] = rng.LogNormal(9, 0.4) * (rng.Chance(0.03) ? 2.5 : 1);
        _labBase[LabIndex("CREAT")] = rng.LogNormal(female ? 68 : 85, 0.15) * (ckd ? rng.LogNormal(1.8, 0.25) : 1) * (1 + 0.004 * Math.Max(0, age - 50));
        _labBase[LabIndex("GLUC")] = diabetic ? rng.LogNormal(8.5, 0.25) : rng.LogNormal(5.2, 0.1);
        _labBase[LabIndex("HBA1C")] = diabetic ? Math.Clamp(rng.Normal(7.6, 1.2), 5.5, 14) : Math.Clamp(rng.Normal(5.4, 0.35), 4.0, 6.4);
        _labBase[LabIndex("K")] = rng.Normal(4.3, 0.35) + (ckd ? 0.3 : 0);
        _labBase[LabIndex("SODIUM")] = rng.Normal(140, 2.3);
        _labBase[LabIndex("HGB")] = (female ? rng.Normal(8.3, 0.55) : rng.Normal(9.2, 0.6)) - (ckd ? 0.6 : 0);
        _labBase[LabIndex("PLAT")] = rng.LogNormal(245, 0.22);
        _labBase[LabIndex("NEUT")] = rng.LogNormal(3.9, 0.3);
        double neutShare = Math.Clamp(rng.Normal(0.6, 0.05), 0.4, 0.8);

        var b = _batches[LB];
        int seq = 0;
        int[] labVisits = [0, 2, 3, 4];
        foreach (int v in labVisits)
        {
            if (_visitDate[v] is not { } date) continue;
            var dtc = SynthText.Date(date) + "T" + rng.Between(7, 11).ToString("D2", CultureInfo.InvariantCulture) + ":" + (rng.Next(12) * 5).ToString("D2", CultureInfo.InvariantCulture);
            bool onTreatment = v > 0 && arm > 0;
            double creatinine = double.NaN;
            double neutrophils = _labBase[_neut] * rng.LogNormal(1, Cv("NEUT"));
            for (int t = 0; t < Labs.Length; t++)
            {
                var lab = Labs[t];
                double value = lab.Code switch
                {
                    "EGFR" => Egfr(creatinine, age, female),
                    "WBC" => neutrophils / neutShare,
                    "NEUT" => neutrophils,
                    _ => _labBase[t] * rng.LogNormal(1, Cv(lab.Code)),
                };
                if (lab.Code == "ALT" && onTreatment) value *= arm == 2 ? 1.15 : 1.05;
                if (lab.Code == "ALT" && onTreatment && v >= 3 && rng.Chance(0.01)) value *= 5;
                if (lab.Code == "CREAT") creatinine = value;
                double scale = Math.Pow(10, lab.Decimals);
                value = Math.Round(value * scale) / scale;
                double lo = female ? lab.LowF : lab.LowM, hi = female ? lab.HighF : lab.HighM;

                int r = b.NewRow();
                Common(b, _ds[LB], r, "LB", usubjid);
                b.Number(r, 3, ++seq);
                b.Text(r, 4, lab.Code);
                b.Text(r, 5, lab.Name);
                b.Text(r, 6, lab.Category);
                if (rng.Chance(0.015) || double.IsNaN(value))
                {
                    b.Text(r, 15, "NOT DONE");
                }
                else
                {
                    NumericResult(b, r, value, lab.Decimals, lab.Unit);
                    LabRange(b, r, value, lo, hi);
                }
                if (v == 0) b.Text(r, 16, "Y");
                b.Number(r, 17, Visits[v].Num);
                b.Text(r, 18, Visits[v].Name);
                b.Text(r, 19, dtc);
                b.Number(r, 20, StudyDay(date, baseline));
            }
        }
    }

    /// <summary>
    /// Tests the pilot's protocol reads at screening only (EXCL28, EXCL29): folate, vitamin B12 and TSH against
    /// their reference ranges (below range: folate about 4%, B12 about 3%; TSH outside about 1%) and the RPR syphilis
    /// screen (0.5% reactive).
    /// </summary>
    private void WriteScreeningLabs(ref SynthRandom rng, string usubjid, DateOnly? baseline)
    {
        if (_visitDate[0] is not { } date) return;
        var b = _batches[LB];
        int seq = 100;
        var dtc = SynthText.Date(date);
        foreach (var lab in ScreeningLabs)
        {
            int r = b.NewRow();
            Common(b, _ds[LB], r, "LB", usubjid);
            b.Number(r, 3, ++seq);
            b.Text(r, 4, lab.Code);
            b.Text(r, 5, lab.Name);
            b.Text(r, 6, lab.Category);
            if (rng.Chance(0.015))
            {
                b.Text(r, 15, "NOT DONE");
            }
            else if (lab.Code == "RPR")
            {
                var result = rng.Chance(0.005) ? "REACTIVE" : "NON-REACTIVE";
                b.Text(r, 7, result);
                b.Text(r, 9, result);
                b.Text(r, 14, result == "REACTIVE" ? "ABNORMAL" : "NORMAL");
            }
            else
            {
                double center = Math.Sqrt(lab.LowF * lab.HighF);
                double spread = lab.Code == "TSH" ? 0.55 : 0.4;
                double value = Math.Round(rng.LogNormal(center, spread) * Math.Pow(10, lab.Decimals)) / Math.Pow(10, lab.Decimals);
                NumericResult(b, r, value, lab.Decimals, lab.Unit);
                LabRange(b, r, value, lab.LowF, lab.HighF);
            }
            b.Text(r, 16, "Y");
            b.Number(r, 17, Visits[0].Num);
            b.Text(r, 18, Visits[0].Name);
            b.Text(r, 19, dtc);
            b.Number(r, 20, StudyDay(date, baseline));
        }
    }

    private static double Cv(string code) => code switch
    {
        "ALT" or "AST" => 0.15,
        "BILI" => 0.2,
        "GLUC" => 0.12,
        "HBA1C" => 0.04,
        "CREAT" => 0.07,
        "SODIUM" => 0.012,
        "K" => 0.05,
        "HGB" => 0.04,
        _ => 0.08,
    };

    // CKD-EPI 2021 (race-free), creatinine in umol/L.
    private static double Egfr(double creatinineUmol, int age, bool female)
    {
        if (double.IsNaN(creatinineUmol)) return double.NaN;
        double scr = creatinineUmol / 88.4, k = female ? 0.7 : 0.9, a = female ? -0.241 : -0.302;
        return 142 * Math.Pow(Math.Min(scr / k, 1), a) * Math.Pow(Math.Max(scr / k, 1), -1.2) * Math.Pow(0.9938, age) * (female ? 1.012 : 1);
    }

    private void WriteVitals(ref SynthRandom rng, string usubjid, bool female, int age, DateOnly? baseline)
    {
        bool htn = _has[_hypertension], obese = _has[_obesity];
        double sbp = rng.Normal(122 + 0.4 * (age - 50) + (htn ? 14 : 0), 11);
        double dbp = rng.Normal(76 + (htn ? 6 : 0), 8);
        double pulse = rng.Normal(72, 9);
        double height = female ? rng.Normal(162, 7) : rng.Normal(176, 7);
        double weight = (female ? rng.Normal(70, 13) : rng.Normal(84, 14)) + (obese ? 25 : 0);
        var b = _batches[VS];
        int seq = 0;
        int baselineVisit = baseline is null ? 0 : 1;
        for (int v = 0; v < Visits.Length; v++)
        {
            if (_visitDate[v] is not { } date) continue;
            for (int t = 0; t < Vitals.Length; t++)
            {
                var test = Vitals[t];
                if (test.Code == "HEIGHT" && v != 0) continue;
                double value = test.Code switch
                {
                    "SYSBP" => sbp + rng.Normal(0, 7),
                    "DIABP" => dbp + rng.Normal(0, 5),
                    "PULSE" => pulse + rng.Normal(0, 6),
                    "TEMP" => rng.Normal(36.6, 0.25),
                    "WEIGHT" => weight * (1 + rng.Normal(0, 0.01)),
                    _ => height,
                };
                double scale = Math.Pow(10, test.Decimals);
                value = Math.Round(value * scale) / scale;
                int r = b.NewRow();
                Common(b, _ds[VS], r, "VS", usubjid);
                b.Number(r, 3, ++seq);
                b.Text(r, 4, test.Code);
                b.Text(r, 5, test.Name);
                b.Text(r, 6, test.Position);
                if (rng.Chance(0.01)) b.Text(r, 12, "NOT DONE");
                else NumericResult(b, r, value, test.Decimals, test.Unit);
                if (v == baselineVisit) b.Text(r, 13, "Y");
                b.Number(r, 14, Visits[v].Num);
                b.Text(r, 15, Visits[v].Name);
                b.Text(r, 16, SynthText.Date(date));
                b.Number(r, 17, StudyDay(date, baseline));
            }
        }
    }

    private void WriteEcg(ref SynthRandom rng, string usubjid, DateOnly? baseline)
    {
        var b = _batches[EG];
        int seq = 0;
        double hrBase = rng.Normal(70, 10), qtBase = rng.Normal(395, 22);
        foreach (int v in new[] { 0, 4 })
        {
            if (_visitDate[v] is not { } date) continue;
            double hr = Math.Round(Math.Clamp(hrBase + rng.Normal(0, 5), 38, 150));
            double rr = Math.Round(60000 / hr);
            double qt = Math.Round(qtBase - 0.3 * (hr - 70) + rng.Normal(0, 8));
            double qtcf = Math.Round(qt / Math.Cbrt(rr / 1000));
            bool abnormal = qtcf > 470 || _has[_af] || rng.Chance(0.1);
            var values = new (double Value, string? Text)[] { (hr, null), (rr, null), (qt, null), (qtcf, null), (double.NaN, abnormal ? "ABNORMAL" : "NORMAL") };
            for (int t = 0; t < Ecg.Length; t++)
            {
                var (code, name, unit) = Ecg[t];
                int r = b.NewRow();
                Common(b, _ds[EG], r, "EG", usubjid);
                b.Number(r, 3, ++seq);
                b.Text(r, 4, code);
                b.Text(r, 5, name);
                var text = values[t].Text ?? _text.Number(values[t].Value, 0);
                b.Text(r, 6, text);
                b.Text(r, 7, unit);
                b.Text(r, 8, text);
                b.Number(r, 9, values[t].Value);
                b.Text(r, 10, unit);
                if (v == 0) b.Text(r, 11, "Y");
                b.Number(r, 12, Visits[v].Num);
                b.Text(r, 13, Visits[v].Name);
                b.Text(r, 14, SynthText.Date(date));
                b.Number(r, 15, StudyDay(date, baseline));
            }
        }
    }

    private void WriteQuestionnaires(ref SynthRandom rng, string usubjid, int arm, DateOnly? baseline)
    {
        var b = _batches[QS];
        int seq = 0;
        bool dementia = _has[_dementia];
        double mmse = dementia ? rng.Normal(19, 4) : rng.Normal(28, 1.3);
        void Add(string code, string name, string cat, double value, int v, DateOnly date)
        {
            int r = b.NewRow();
            Common(b, _ds[QS], r, "QS", usubjid);
            b.Number(r, 3, ++seq);
            b.Text(r, 4, code);
            b.Text(r, 5, name);
            b.Text(r, 6, cat);
            var text = _text.Number(value, 0);
            b.Text(r, 7, text);
            b.Text(r, 8, text);
            b.Number(r, 9, value);
            if (v == 0) b.Text(r, 10, "Y");
            b.Number(r, 11, Visits[v].Num);
            b.Text(r, 12, Visits[v].Name);
            b.Text(r, 13, SynthText.Date(date));
            b.Number(r, 14, StudyDay(date, baseline));
        }
        if (_visitDate[0] is { } screening)
        {
            Add("MMSETOT", "MMSE Total Score", "MINI-MENTAL STATE EXAMINATION", Math.Clamp(Math.Round(mmse), 0, 30), 0, screening);
            double hachinski = Math.Clamp(rng.Poisson(1.2) + (_has[_stroke] ? 4 : 0), 0, 18);
            Add("HACHTOT", "Modified Hachinski Total Score", "MODIFIED HACHINSKI ISCHEMIC SCALE", hachinski, 0, screening);
        }
        if (_visitDate[4] is { } week24)
        {
            double change = dementia ? (arm == 0 ? -1.6 : arm == 1 ? -1.1 : -0.9) : 0;
            Add("MMSETOT", "MMSE Total Score", "MINI-MENTAL STATE EXAMINATION", Math.Clamp(Math.Round(mmse + change + rng.Normal(0, 1.5)), 0, 30), 4, week24);
        }
    }

    // LB and VS lay out a numeric result alike: --ORRES, --ORRESU, --STRESC, --STRESN, --STRESU in columns 7 to 11.
    private void NumericResult(RowBatch b, int r, double value, int decimals, string unit)
    {
        var text = _text.Number(value, decimals);
        b.Text(r, 7, text);
        b.Text(r, 8, unit);
        b.Text(r, 9, text);
        b.Number(r, 10, value);
        b.Text(r, 11, unit);
    }

    // LB's reference range and normal-range indicator: LBSTNRLO, LBSTNRHI, LBNRIND.
    private static void LabRange(RowBatch b, int r, double value, double lo, double hi)
    {
        b.Number(r, 12, lo);
        b.Number(r, 13, hi);
        b.Text(r, 14, value < lo ? "LOW" : value > hi ? "HIGH" : "NORMAL");
    }
}
