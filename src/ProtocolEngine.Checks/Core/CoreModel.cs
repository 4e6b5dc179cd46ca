namespace ProtocolEngine.Checks.Core;

/// <summary>
/// What the runner knows of the SDTM model itself (which CORE reads from the CDISC Library): the variables of the
/// Timing role, shared by the general observation classes. The model's per-class variable lists and orders are not
/// known here, so rules needing them (get_model_column_order and the like) are reported as not evaluable.
/// </summary>
internal static class CoreModel
{
    // SDTM v2.0, Timing Variables for All Classes (with the reproductive-phase variables and --PDUR, planned duration).
    private static readonly string[] _timing =
    [
        "VISITNUM", "VISIT", "VISITDY", "TAETORD", "EPOCH", "RPHASE", "RPPLDY", "RPPLSTDY", "RPPLENDY", "--DTC", "--STDTC",
        "--ENDTC", "--DY", "--STDY", "--ENDY", "--NOMDY", "--NOMLBL", "--RPDY", "--RPSTDY", "--RPENDY", "--DUR", "--PDUR", "--TPT",
        "--TPTNUM", "--ELTM", "--TPTREF", "--RFTDTC", "--STRF", "--ENRF", "--EVLINT", "--EVINTX", "--STRTPT", "--STTPT",
        "--ENRTPT", "--ENTPT", "MIDS", "RELMIDS", "MIDSDTC", "--STINT", "--ENINT", "--DETECT",
    ];

    /// <summary>The model's variables of a role (Timing), named as the dataset names them; null for a role not known here.</summary>
    public static IReadOnlyList<string>? VariablesOfRole(string role, CoreDataset dataset) =>
        string.Equals(role, "Timing", StringComparison.OrdinalIgnoreCase) ? [.. _timing.Select(dataset.Resolve)] : null;
}
