namespace ProtocolEngine.Data.Synthetic;

/// <summary>
/// The fixed tables the generator draws from: sites and countries, medical history with age- and sex-dependent
/// prevalence, medications with ATC codes, laboratory tests (the pilot's codes, units and reference ranges),
/// vital signs, ECG and questionnaire scales, and adverse event terms with seriousness and fatality rates.
/// Terms are MedDRA-style (mixed case) for MH and AE, WHODrug-style upper case for CM.
/// </summary>
internal static class SynthCatalog
{
    public const string StudyId = "SYNTH01";

    // ---- Sites: (site, country), weighted by a Zipf-like enrolment rate ----
    public static readonly (string Site, string Country)[] Sites = BuildSites();
    public static readonly double[] SiteWeights = Cumulative(Enumerable.Range(1, Sites.Length).Select(i => 1.0 / Math.Pow(i, 0.6)).ToArray());

    private static (string, string)[] BuildSites()
    {
        var countries = new (string Country, int Sites)[] { ("USA", 24), ("CAN", 6), ("GBR", 6), ("DEU", 6), ("FRA", 5), ("ESP", 4), ("ITA", 3), ("JPN", 4), ("AUS", 2) };
        var list = new List<(string, string)>();
        int n = 101;
        // Interleave countries so the busiest sites are spread across them.
        var queue = countries.Select(c => (c.Country, Left: c.Sites)).ToList();
        while (queue.Any(q => q.Left > 0))
            for (int i = 0; i < queue.Count; i++)
                if (queue[i].Left > 0)
                {
                    list.Add(((n++).ToString(System.Globalization.CultureInfo.InvariantCulture), queue[i].Country));
                    queue[i] = (queue[i].Country, queue[i].Left - 1);
                }
        return [.. list];
    }

    // ---- Demographics ----
    public static readonly string[] Races = ["WHITE", "BLACK OR AFRICAN AMERICAN", "ASIAN", "AMERICAN INDIAN OR ALASKA NATIVE", "NATIVE HAWAIIAN OR OTHER PACIFIC ISLANDER", "MULTIPLE", "NOT REPORTED"];
    public static readonly double[] RaceWeightsUsa = Cumulative([0.70, 0.14, 0.07, 0.012, 0.003, 0.035, 0.04]);
    public static readonly double[] RaceWeightsEurope = Cumulative([0.90, 0.04, 0.04, 0.002, 0.001, 0.017, 0.0]);
    public static readonly double[] RaceWeightsJapan = Cumulative([0.01, 0.0, 0.985, 0.0, 0.0, 0.005, 0.0]);
    public static readonly string[] Ethnicities = ["HISPANIC OR LATINO", "NOT HISPANIC OR LATINO", "NOT REPORTED", "UNKNOWN"];
    public static readonly double[] EthnicWeightsUsa = Cumulative([0.17, 0.79, 0.025, 0.015]);
    public static readonly double[] EthnicWeightsOther = Cumulative([0.04, 0.93, 0.02, 0.01]);

    public static readonly (string Code, string Arm, int Dose)[] Arms = [("Pbo", "Placebo", 0), ("Xan_Lo", "Xanomeline Low Dose", 54), ("Xan_Hi", "Xanomeline High Dose", 81)];
    public const string ScreenFailCode = "Scrnfail";
    public const string ScreenFailArm = "Screen Failure";

    // ---- Visits: (VISITNUM, VISIT, planned study day) ----
    public static readonly (int Num, string Name, int Day)[] Visits = [(1, "SCREENING", -14), (2, "BASELINE", 1), (3, "WEEK 4", 29), (4, "WEEK 12", 85), (5, "WEEK 24", 169)];

    // ---- Medical history: MedDRA PT, SOC, verbatim, prevalence at 40 and at 80, sex factor (F, M) ----
    public sealed record Condition(string Decod, string BodySys, string Term, double At40, double At80, double Female, double Male, bool Chronic);

    public static readonly Condition[] Conditions =
    [
        new("Hypertension", "Vascular disorders", "HIGH BLOOD PRESSURE", 0.15, 0.62, 0.95, 1.05, true),
        new("Type 2 diabetes mellitus", "Metabolism and nutrition disorders", "TYPE 2 DIABETES", 0.07, 0.24, 0.9, 1.1, true),
        new("Hyperlipidaemia", "Metabolism and nutrition disorders", "HIGH CHOLESTEROL", 0.12, 0.45, 1.0, 1.0, true),
        new("Depression", "Psychiatric disorders", "DEPRESSION", 0.10, 0.12, 1.4, 0.6, true),
        new("Anxiety", "Psychiatric disorders", "ANXIETY", 0.09, 0.07, 1.4, 0.6, true),
        new("Insomnia", "Psychiatric disorders", "INSOMNIA", 0.08, 0.15, 1.2, 0.8, true),
        new("Myocardial infarction", "Cardiac disorders", "HEART ATTACK", 0.01, 0.09, 0.6, 1.4, false),
        new("Atrial fibrillation", "Cardiac disorders", "ATRIAL FIBRILLATION", 0.005, 0.10, 0.8, 1.2, true),
        new("Cardiac failure", "Cardiac disorders", "CONGESTIVE HEART FAILURE", 0.003, 0.06, 0.9, 1.1, true),
        new("Cerebrovascular accident", "Nervous system disorders", "STROKE", 0.003, 0.06, 0.9, 1.1, false),
        new("Syncope", "Nervous system disorders", "FAINTING", 0.02, 0.05, 1.1, 0.9, false),
        new("Migraine", "Nervous system disorders", "MIGRAINE", 0.10, 0.04, 1.6, 0.4, true),
        new("Dementia Alzheimer's type", "Nervous system disorders", "ALZHEIMER'S DISEASE", 0.002, 0.16, 1.2, 0.8, true),
        new("Chronic obstructive pulmonary disease", "Respiratory, thoracic and mediastinal disorders", "COPD", 0.02, 0.10, 0.9, 1.1, true),
        new("Asthma", "Respiratory, thoracic and mediastinal disorders", "ASTHMA", 0.08, 0.07, 1.2, 0.8, true),
        new("Osteoarthritis", "Musculoskeletal and connective tissue disorders", "ARTHRITIS", 0.05, 0.45, 1.2, 0.8, true),
        new("Gastrooesophageal reflux disease", "Gastrointestinal disorders", "ACID REFLUX", 0.12, 0.20, 1.0, 1.0, true),
        new("Hypothyroidism", "Endocrine disorders", "UNDERACTIVE THYROID", 0.04, 0.10, 1.7, 0.3, true),
        new("Chronic kidney disease", "Renal and urinary disorders", "CHRONIC KIDNEY DISEASE", 0.02, 0.18, 1.0, 1.0, true),
        new("Benign prostatic hyperplasia", "Reproductive system and breast disorders", "ENLARGED PROSTATE", 0.02, 0.25, 0.0, 2.0, true),
        new("Cataract", "Eye disorders", "CATARACT", 0.01, 0.40, 1.1, 0.9, false),
        new("Obesity", "Metabolism and nutrition disorders", "OBESITY", 0.22, 0.18, 1.0, 1.0, true),
        new("Postmenopausal", "Reproductive system and breast disorders", "POSTMENOPAUSAL", 0.0, 0.0, 0.0, 0.0, true),
    ];

    public static int ConditionIndex(string decod) => Array.FindIndex(Conditions, c => c.Decod == decod);

    // ---- Medications: decoded name, ATC code, ATC level-4 class, indication condition, dose, unit, frequency, route ----
    public sealed record Drug(string Decod, string Atc, string Class, string Indication, double Dose, string Unit, string Frequency, string Route);

    public static readonly Drug[] Drugs =
    [
        new("LISINOPRIL", "C09AA03", "ACE INHIBITORS, PLAIN", "Hypertension", 10, "mg", "QD", "ORAL"),
        new("AMLODIPINE", "C08CA01", "DIHYDROPYRIDINE DERIVATIVES", "Hypertension", 5, "mg", "QD", "ORAL"),
        new("HYDROCHLOROTHIAZIDE", "C03AA03", "THIAZIDES, PLAIN", "Hypertension", 25, "mg", "QD", "ORAL"),
        new("METOPROLOL", "C07AB02", "BETA BLOCKING AGENTS, SELECTIVE", "Hypertension", 50, "mg", "BID", "ORAL"),
        new("METFORMIN", "A10BA02", "BIGUANIDES", "Type 2 diabetes mellitus", 1000, "mg", "BID", "ORAL"),
        new("INSULIN GLARGINE", "A10AE04", "INSULINS AND ANALOGUES FOR INJECTION, LONG-ACTING", "Type 2 diabetes mellitus", 20, "U", "QD", "SUBCUTANEOUS"),
        new("SITAGLIPTIN", "A10BH01", "DIPEPTIDYL PEPTIDASE 4 (DPP-4) INHIBITORS", "Type 2 diabetes mellitus", 100, "mg", "QD", "ORAL"),
        new("EMPAGLIFLOZIN", "A10BK03", "SODIUM-GLUCOSE CO-TRANSPORTER 2 (SGLT2) INHIBITORS", "Type 2 diabetes mellitus", 10, "mg", "QD", "ORAL"),
        new("ATORVASTATIN", "C10AA05", "HMG COA REDUCTASE INHIBITORS", "Hyperlipidaemia", 20, "mg", "QD", "ORAL"),
        new("SIMVASTATIN", "C10AA01", "HMG COA REDUCTASE INHIBITORS", "Hyperlipidaemia", 40, "mg", "QD", "ORAL"),
        new("ROSUVASTATIN", "C10AA07", "HMG COA REDUCTASE INHIBITORS", "Hyperlipidaemia", 10, "mg", "QD", "ORAL"),
        new("SERTRALINE", "N06AB06", "SELECTIVE SEROTONIN REUPTAKE INHIBITORS", "Depression", 50, "mg", "QD", "ORAL"),
        new("ESCITALOPRAM", "N06AB10", "SELECTIVE SEROTONIN REUPTAKE INHIBITORS", "Depression", 10, "mg", "QD", "ORAL"),
        new("ALPRAZOLAM", "N05BA12", "BENZODIAZEPINE DERIVATIVES", "Anxiety", 0.5, "mg", "PRN", "ORAL"),
        new("ZOLPIDEM", "N05CF02", "BENZODIAZEPINE RELATED DRUGS", "Insomnia", 5, "mg", "QHS", "ORAL"),
        new("ACETYLSALICYLIC ACID", "B01AC06", "PLATELET AGGREGATION INHIBITORS EXCL. HEPARIN", "Myocardial infarction", 81, "mg", "QD", "ORAL"),
        new("CLOPIDOGREL", "B01AC04", "PLATELET AGGREGATION INHIBITORS EXCL. HEPARIN", "Myocardial infarction", 75, "mg", "QD", "ORAL"),
        new("APIXABAN", "B01AF02", "DIRECT FACTOR XA INHIBITORS", "Atrial fibrillation", 5, "mg", "BID", "ORAL"),
        new("WARFARIN", "B01AA03", "VITAMIN K ANTAGONISTS", "Atrial fibrillation", 5, "mg", "QD", "ORAL"),
        new("FUROSEMIDE", "C03CA01", "SULFONAMIDES, PLAIN", "Cardiac failure", 40, "mg", "QD", "ORAL"),
        new("SUMATRIPTAN", "N02CC01", "SELECTIVE SEROTONIN (5HT1) AGONISTS", "Migraine", 50, "mg", "PRN", "ORAL"),
        new("DONEPEZIL", "N06DA02", "ANTICHOLINESTERASES", "Dementia Alzheimer's type", 10, "mg", "QD", "ORAL"),
        new("RIVASTIGMINE", "N06DA03", "ANTICHOLINESTERASES", "Dementia Alzheimer's type", 9.5, "mg", "QD", "TRANSDERMAL"),
        new("GALANTAMINE", "N06DA04", "ANTICHOLINESTERASES", "Dementia Alzheimer's type", 16, "mg", "QD", "ORAL"),
        new("MEMANTINE", "N06DX01", "OTHER ANTI-DEMENTIA DRUGS", "Dementia Alzheimer's type", 10, "mg", "BID", "ORAL"),
        new("TIOTROPIUM BROMIDE", "R03BB04", "ANTICHOLINERGICS", "Chronic obstructive pulmonary disease", 18, "ug", "QD", "RESPIRATORY (INHALATION)"),
        new("SALBUTAMOL", "R03AC02", "SELECTIVE BETA-2-ADRENORECEPTOR AGONISTS", "Asthma", 100, "ug", "PRN", "RESPIRATORY (INHALATION)"),
        new("PARACETAMOL", "N02BE01", "ANILIDES", "Osteoarthritis", 500, "mg", "PRN", "ORAL"),
        new("IBUPROFEN", "M01AE01", "PROPIONIC ACID DERIVATIVES", "Osteoarthritis", 400, "mg", "PRN", "ORAL"),
        new("OMEPRAZOLE", "A02BC01", "PROTON PUMP INHIBITORS", "Gastrooesophageal reflux disease", 20, "mg", "QD", "ORAL"),
        new("LEVOTHYROXINE SODIUM", "H03AA01", "THYROID HORMONES", "Hypothyroidism", 75, "ug", "QD", "ORAL"),
        new("TAMSULOSIN", "G04CA02", "ALPHA-ADRENORECEPTOR ANTAGONISTS", "Benign prostatic hyperplasia", 0.4, "mg", "QD", "ORAL"),
        new("COLECALCIFEROL", "A11CC05", "VITAMIN D AND ANALOGUES", "Supplement", 1000, "IU", "QD", "ORAL"),
        new("CALCIUM CARBONATE", "A12AA04", "CALCIUM", "Supplement", 500, "mg", "QD", "ORAL"),
        new("MULTIVITAMINS, PLAIN", "A11BA", "MULTIVITAMINS, PLAIN", "Supplement", 1, "TABLET", "QD", "ORAL"),
    ];

    /// <summary>Drug indexes by indication (condition MHDECOD, or "Supplement").</summary>
    public static readonly Dictionary<string, int[]> DrugsFor = Drugs
        .Select((d, i) => (d.Indication, i))
        .GroupBy(x => x.Indication)
        .ToDictionary(g => g.Key, g => g.Select(x => x.i).ToArray());

    // ---- Laboratory tests: the pilot's codes and standard units; HbA1c in % (see docs/data.md) ----
    public sealed record LabTest(string Code, string Name, string Category, string Unit, double LowF, double HighF, double LowM, double HighM, int Decimals);

    public static readonly LabTest[] Labs =
    [
        new("ALT", "Alanine Aminotransferase", "CHEMISTRY", "U/L", 6, 32, 6, 35, 0),
        new("AST", "Aspartate Aminotransferase", "CHEMISTRY", "U/L", 9, 34, 11, 36, 0),
        new("ALP", "Alkaline Phosphatase", "CHEMISTRY", "U/L", 35, 115, 35, 115, 0),
        new("BILI", "Bilirubin", "CHEMISTRY", "umol/L", 3, 21, 3, 21, 1),
        new("CREAT", "Creatinine", "CHEMISTRY", "umol/L", 62, 124, 71, 141, 0),
        new("EGFR", "Glomerular Filtration Rate, Estimated", "CHEMISTRY", "mL/min/1.73m2", 60, 120, 60, 120, 0),
        new("GLUC", "Glucose", "CHEMISTRY", "mmol/L", 3.9, 7.8, 3.9, 7.8, 1),
        new("HBA1C", "Hemoglobin A1C", "CHEMISTRY", "%", 4.0, 5.6, 4.0, 5.6, 1),
        new("K", "Potassium", "CHEMISTRY", "mmol/L", 3.4, 5.4, 3.4, 5.4, 1),
        new("SODIUM", "Sodium", "CHEMISTRY", "mmol/L", 135, 145, 135, 145, 0),
        new("HGB", "Hemoglobin", "HEMATOLOGY", "mmol/L", 7.14, 9.81, 7.76, 10.55, 2),
        new("PLAT", "Platelet", "HEMATOLOGY", "GI/L", 130, 394, 130, 394, 0),
        new("WBC", "Leukocytes", "HEMATOLOGY", "GI/L", 3.8, 10.7, 3.8, 10.7, 2),
        new("NEUT", "Neutrophils", "HEMATOLOGY", "GI/L", 1.8, 7.7, 1.8, 7.7, 2),
    ];

    public static int LabIndex(string code) => Array.FindIndex(Labs, l => l.Code == code);

    /// <summary>Tests done at screening only (the pilot protocol's EXCL28 and EXCL29); ranges are not sex-specific.</summary>
    public static readonly LabTest[] ScreeningLabs =
    [
        new("FOLATE", "Folate", "CHEMISTRY", "nmol/L", 10.4, 42.4, 10.4, 42.4, 1),
        new("VITB12", "Vitamin B12", "CHEMISTRY", "pmol/L", 148, 664, 148, 664, 0),
        new("TSH", "Thyrotropin", "CHEMISTRY", "mIU/L", 0.32, 5.0, 0.32, 5.0, 2),
        new("RPR", "Rapid Plasma Reagin", "SEROLOGY", "", 0, 0, 0, 0, 0),
    ];

    // ---- Vital signs ----
    public sealed record VitalTest(string Code, string Name, string Unit, string? Position, int Decimals);

    public static readonly VitalTest[] Vitals =
    [
        new("SYSBP", "Systolic Blood Pressure", "mmHg", "SITTING", 0),
        new("DIABP", "Diastolic Blood Pressure", "mmHg", "SITTING", 0),
        new("PULSE", "Pulse Rate", "BEATS/MIN", "SITTING", 0),
        new("TEMP", "Temperature", "C", null, 1),
        new("WEIGHT", "Weight", "kg", null, 1),
        new("HEIGHT", "Height", "cm", null, 0),
    ];

    // ---- ECG tests (the pilot's codes plus QTcF) ----
    public static readonly (string Code, string Name, string? Unit)[] Ecg =
    [
        ("HR", "Heart Rate", "beats/min"), ("RR", "RR Duration", "ms"), ("QT", "QT Duration", "ms"),
        ("QTCF", "QTcF - Fridericia's Correction Formula", "ms"), ("ECGINT", "ECG Interpretation", null),
    ];

    // ---- Adverse events: MedDRA PT, SOC, weight on placebo and on active, P(serious), P(fatal | serious) ----
    public sealed record AdverseEvent(string Decod, string BodySys, string Term, double PlaceboWeight, double ActiveWeight, double Serious, double FatalIfSerious);

    public static readonly AdverseEvent[] AdverseEvents =
    [
        new("Application site pruritus", "General disorders and administration site conditions", "ITCHING AT PATCH SITE", 3, 14, 0, 0),
        new("Application site erythema", "General disorders and administration site conditions", "REDNESS AT PATCH SITE", 3, 12, 0, 0),
        new("Fatigue", "General disorders and administration site conditions", "TIREDNESS", 4, 5, 0, 0),
        new("Pruritus", "Skin and subcutaneous tissue disorders", "ITCHING", 3, 8, 0, 0),
        new("Erythema", "Skin and subcutaneous tissue disorders", "SKIN REDNESS", 3, 6, 0, 0),
        new("Headache", "Nervous system disorders", "HEADACHE", 6, 7, 0.005, 0),
        new("Dizziness", "Nervous system disorders", "DIZZY", 4, 8, 0.01, 0),
        new("Syncope", "Nervous system disorders", "FAINTED", 1, 3, 0.35, 0),
        new("Nausea", "Gastrointestinal disorders", "NAUSEA", 4, 7, 0.005, 0),
        new("Vomiting", "Gastrointestinal disorders", "VOMITING", 2, 4, 0.02, 0),
        new("Diarrhoea", "Gastrointestinal disorders", "DIARRHEA", 4, 5, 0.01, 0),
        new("Nasopharyngitis", "Infections and infestations", "COMMON COLD", 6, 6, 0, 0),
        new("Urinary tract infection", "Infections and infestations", "UTI", 4, 4, 0.04, 0),
        new("Pneumonia", "Infections and infestations", "PNEUMONIA", 1, 1.2, 0.6, 0.08),
        new("Insomnia", "Psychiatric disorders", "TROUBLE SLEEPING", 3, 4, 0, 0),
        new("Agitation", "Psychiatric disorders", "AGITATED", 2, 3, 0.02, 0),
        new("Confusional state", "Psychiatric disorders", "CONFUSION", 2, 3, 0.08, 0),
        new("Hypertension", "Vascular disorders", "ELEVATED BLOOD PRESSURE", 2, 2.5, 0.02, 0),
        new("Sinus bradycardia", "Cardiac disorders", "SLOW HEART RATE", 1, 3, 0.05, 0),
        new("Atrial fibrillation", "Cardiac disorders", "ATRIAL FIBRILLATION", 0.6, 1, 0.3, 0.02),
        new("Myocardial infarction", "Cardiac disorders", "HEART ATTACK", 0.3, 0.5, 0.95, 0.12),
        new("Fall", "Injury, poisoning and procedural complications", "FELL", 3, 4, 0.08, 0.01),
        new("Alanine aminotransferase increased", "Investigations", "ALT ELEVATED", 1, 2, 0.03, 0),
        new("Back pain", "Musculoskeletal and connective tissue disorders", "BACK PAIN", 3, 3, 0, 0),
        new("Arthralgia", "Musculoskeletal and connective tissue disorders", "JOINT PAIN", 2, 2, 0, 0),
        new("Cough", "Respiratory, thoracic and mediastinal disorders", "COUGH", 3, 3, 0, 0),
    ];

    public static readonly double[] AePlaceboWeights = Cumulative(AdverseEvents.Select(a => a.PlaceboWeight).ToArray());
    public static readonly double[] AeActiveWeights = Cumulative(AdverseEvents.Select(a => a.ActiveWeight).ToArray());

    public static readonly string[] Severities = ["MILD", "MODERATE", "SEVERE"];
    public static readonly double[] SeverityWeights = Cumulative([0.65, 0.31, 0.04]);
    public static readonly string[] Relations = ["NONE", "REMOTE", "POSSIBLE", "PROBABLE"];
    public static readonly double[] RelationWeightsPlacebo = Cumulative([0.45, 0.2, 0.25, 0.10]);
    public static readonly double[] RelationWeightsActive = Cumulative([0.22, 0.13, 0.30, 0.35]);
    public static readonly string[] Outcomes = ["RECOVERED/RESOLVED", "RECOVERING/RESOLVING", "NOT RECOVERED/NOT RESOLVED", "RECOVERED/RESOLVED WITH SEQUELAE", "UNKNOWN"];
    public static readonly double[] OutcomeWeights = Cumulative([0.55, 0.10, 0.30, 0.02, 0.03]);
    public static readonly string[] Actions = ["DOSE NOT CHANGED", "DRUG INTERRUPTED", "DRUG WITHDRAWN", "NOT APPLICABLE"];
    public static readonly double[] ActionWeights = Cumulative([0.85, 0.06, 0.04, 0.05]);

    // ---- Disposition reasons for randomized subjects who stop early ----
    public static readonly string[] EarlyStopReasons = ["ADVERSE EVENT", "WITHDRAWAL BY SUBJECT", "LOST TO FOLLOW-UP", "PHYSICIAN DECISION", "LACK OF EFFICACY", "PROTOCOL DEVIATION"];
    public static readonly double[] EarlyStopWeights = Cumulative([0.45, 0.25, 0.08, 0.08, 0.08, 0.06]);

    public static double[] Cumulative(double[] weights)
    {
        var c = new double[weights.Length];
        double sum = 0;
        for (int i = 0; i < weights.Length; i++) c[i] = sum += weights[i];
        return c;
    }
}
