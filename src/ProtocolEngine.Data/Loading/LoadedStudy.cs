using ProtocolEngine.Data.Define;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Loading;

/// <summary>Where one dataset of a study came from.</summary>
/// <param name="Dataset">The dataset name.</param>
/// <param name="File">The file read.</param>
/// <param name="Format">Its format.</param>
/// <param name="Ignored">Other files in the folder holding the same dataset, which were not read.</param>
public sealed record DatasetSource(string Dataset, string File, DataFileFormat Format, IReadOnlyList<string> Ignored);

/// <summary>Something the loader did or noticed that a user should know (not an error).</summary>
/// <param name="Dataset">The dataset concerned, or null for the whole study.</param>
/// <param name="Message">What happened, in a sentence.</param>
public sealed record LoadNote(string? Dataset, string Message);

/// <summary>A study loaded all-or-nothing: the subject view rules read, the model that types it, and what happened on the way.</summary>
/// <param name="Data">The per-subject view of every dataset.</param>
/// <param name="Model">The SDTM model refined by define.xml and by merged supplemental qualifiers.</param>
/// <param name="Define">The study's define.xml, when the folder had one.</param>
/// <param name="Sources">Which file each dataset was read from, and which files were ignored.</param>
/// <param name="Notes">What the loader merged, chose or noticed.</param>
public sealed record LoadedStudy(StudyData Data, SdtmModel Model, DefineDocument? Define, IReadOnlyList<DatasetSource> Sources, IReadOnlyList<LoadNote> Notes);
