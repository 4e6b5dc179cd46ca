using ProtocolEngine.Language.DataModel;

namespace ProtocolEngine.Data.Loading;

/// <summary>How <see cref="StudyLoader"/> loads a study.</summary>
public sealed record StudyLoadOptions
{
    /// <summary>The model to start from; define.xml refines it. SDTMIG 3.4 by default.</summary>
    public SdtmModel Model { get; init; } = SdtmModel.Sdtmig34;

    /// <summary>Merge SUPP-- datasets onto their parents (QNAM becomes a variable of the parent). On by default.</summary>
    public bool MergeSupplementalQualifiers { get; init; } = true;

    /// <summary>Fail on a dataset that neither the model nor define.xml knows. Off by default: SDTM allows custom domains and ADaM datasets load too.</summary>
    public bool RequireKnownDomains { get; init; }

    /// <summary>
    /// Fail when the study has no list of subjects: no DM (or ADSL) dataset, or one with no records. On by default:
    /// everything that screens, checks or grades needs it. <c>protocol data inspect</c> turns it off to show what a
    /// folder holds; the loaded study then has a note instead.
    /// </summary>
    public bool RequireSubjects { get; init; } = true;

    /// <summary>Keep --DTC values that are not ISO 8601 (they read as unknown) instead of failing. Off by default.</summary>
    public bool AllowMalformedDates { get; init; }

    /// <summary>
    /// The date values derived while loading are computed at (DM.AGE of FHIR patients, in completed years): the
    /// screening date, so a candidate screened as of a past date has the age they had then. Today (UTC) when not given.
    /// </summary>
    public DateOnly? ReferenceDate { get; init; }

    /// <summary>The encoding the files were written in when it is not UTF-8 (see <see cref="Text.TextEncodings.Parse"/>); null for UTF-8.</summary>
    public System.Text.Encoding? Encoding { get; init; }

    /// <summary>How many files to read at once (the number of processors by default).</summary>
    public int MaxParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Told after each file is read: (files read, files to read, file just read).</summary>
    public IProgress<(int Done, int Total, string File)>? Progress { get; init; }
}
