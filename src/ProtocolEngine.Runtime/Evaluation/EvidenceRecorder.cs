using System.Globalization;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Runtime.Evaluation;

/// <summary>What a piece of evidence says.</summary>
public enum EvidenceKind
{
    /// <summary>A value read from a record.</summary>
    Value,
    /// <summary>A domain was searched; <see cref="EvidenceItem.Value"/> holds how many of the subject's records it had.</summary>
    Searched,
    /// <summary>A domain the rule reads is not in the study data.</summary>
    DomainMissing,
}

/// <summary>One fact a rule read: a variable of a record (domain, subject, sequence number, variable, value), or a search or missing domain.</summary>
/// <param name="Kind">What the item says.</param>
/// <param name="Domain">The domain (dataset) name.</param>
/// <param name="SubjectId">The record's USUBJID.</param>
/// <param name="Sequence">The record's --SEQ, when it has one.</param>
/// <param name="Variable">The variable read.</param>
/// <param name="Value">The value read (null when missing).</param>
/// <param name="Row">The row in the study's table (for linking back to the data).</param>
public sealed record EvidenceItem(EvidenceKind Kind, string Domain, string? SubjectId, double? Sequence, string? Variable, object? Value, int Row = -1);

/// <summary>
/// Collects the evidence of one rule. Reads made while a query filters its records are held per record and
/// kept only for the records the filter lets through, so evidence names the records that decided the
/// outcome rather than every record looked at; each search is summarised by its record count.
/// </summary>
/// <remarks>
/// Items are held as <see cref="EvidenceEntry"/> references (a read site, a row, a number), not objects: a value read
/// from a column of the loaded study is read again from the column when the item is materialised (the study does not
/// change), so recording a read allocates nothing and evidence kept for a million subjects holds no references for the
/// collector to trace. <see cref="Items"/> and the screening results materialise <see cref="EvidenceItem"/>s on demand,
/// with the same content and order as when each was built at the read.
/// </remarks>
public sealed class EvidenceRecorder
{
    // The recorder before compact entries, kept as it was for the differential tests (StudyData.WithObjectEvidence).
    private readonly List<EvidenceItem>? _legacyItems;
    private readonly HashSet<(string Domain, int Row, string? Variable, EvidenceKind Kind)>? _legacySeen;

    private EvidenceEntry[] _entries = new EvidenceEntry[16];
    private int _count;
    private readonly List<object?> _values = [];
    private bool _valuesAdded;
    // The facts held for the one-item-per-fact rule. While the recorder holds few entries and has dropped none, the facts
    // held are exactly its entries' keys, found by a scan of the entries (no set to clear or to touch per subject); past
    // SmallSet entries, or once an item is dropped past the capacity (its fact stays held without an entry), the set
    // holds them.
    private StampedKeySet? _seen;
    private bool _hashed;
    private const int SmallSet = 32;
    private readonly SiteCache _cache;
    private int[] _rowStarts = new int[4];
    private int _rowDepth;

    /// <summary>Creates a recorder with its own read sites.</summary>
    public EvidenceRecorder()
        : this(new EvidenceSites(), legacy: false)
    {
    }

    internal EvidenceRecorder(EvidenceSites sites, bool legacy, EvidenceRecorder? sharing = null)
    {
        Sites = sites;
        _cache = sharing is not null && ReferenceEquals(sharing.Sites, sites) ? sharing._cache : new SiteCache();
        if (legacy)
        {
            _legacyItems = [];
            _legacySeen = [];
        }
    }

    /// <summary>The read sites the entries refer to (shared with the screening results that keep them).</summary>
    internal EvidenceSites Sites { get; }

    /// <summary>True for the recorder of objects built at each read (the path before compact entries, for comparison).</summary>
    internal bool IsLegacy => _legacyItems is not null;

    /// <summary>The evidence so far, in the order it was read (materialised at each call).</summary>
    public IReadOnlyList<EvidenceItem> Items => _legacyItems ?? Sites.Materialise(_entries.AsSpan(0, _count), _values);

    /// <summary>The entries so far, in the order they were read; a generic or copied item's value is in <see cref="Values"/>.</summary>
    internal ReadOnlySpan<EvidenceEntry> Entries => _entries.AsSpan(0, _count);

    /// <summary>The values of the entries that carry one (see <see cref="EvidenceEntry.Extra"/>).</summary>
    internal List<object?> Values => _values;

    /// <summary>True when an entry may carry a value (<see cref="Values"/> is not empty), told without reading the list.</summary>
    internal bool HasValues => _valuesAdded;

    /// <summary>The most items one rule keeps (a query over thousands of records keeps the first ones and a count).</summary>
    public int Capacity { get; init; } = 200;

    /// <summary>How many items were dropped past <see cref="Capacity"/>.</summary>
    public int Dropped { get; private set; }

    /// <summary>Clears the recorder for the next rule.</summary>
    public void Reset()
    {
        if (_legacyItems is not null)
        {
            _legacyItems.Clear();
            _legacySeen!.Clear();
        }
        _count = 0;
        if (_valuesAdded)
        {
            _values.Clear();
            _valuesAdded = false;
        }
        if (_hashed)
        {
            _seen!.Clear();
            _hashed = false;
        }
        _rowDepth = 0;
        Dropped = 0;
    }

    /// <summary>Records a value read from a record.</summary>
    public void Read(DomainTable table, int row, string variable, object? value)
    {
        if (_legacyItems is not null)
        {
            if (!_legacySeen!.Add((table.Name, row, variable, EvidenceKind.Value))) return;
            var record = new DomainRecord(table, row);
            LegacyAdd(new EvidenceItem(EvidenceKind.Value, table.Name, record.SubjectId, record.Sequence, variable, value, row));
            return;
        }
        int site = Sites.Site(table, null, variable, ReadKind.Given);
        ulong key = Key(site, row);
        if (Held(key)) return;
        AddWithValue(site, row, value, key);
    }

    /// <summary>
    /// Records a value read from <paramref name="column"/> (null: the table lacks the variable, so the value is missing)
    /// as <paramref name="kind"/> reads it: the value is read again from the column when the item is materialised.
    /// </summary>
    /// <param name="slot">The protocol's column slot the read is compiled for, to find its read site without a lookup.</param>
    /// <param name="table">The record's table.</param>
    /// <param name="column">The column read, or null when the table lacks the variable.</param>
    /// <param name="row">The record's row.</param>
    /// <param name="variable">The variable as the rule names it.</param>
    /// <param name="kind">How the value is read from the column.</param>
    internal void ReadColumn(int slot, DomainTable table, Column? column, int row, string variable, ReadKind kind)
    {
        if (_legacyItems is not null)
        {
            Read(table, row, variable, EvidenceSites.ValueOf(column, row, kind));
            return;
        }
        int site = SlotSite(slot, table, column, variable, kind);
        ulong key = Key(site, row);
        if (Held(key)) return;
        Add(new EvidenceEntry(site, row, 0), key);
    }

    /// <summary>
    /// The read site <see cref="ReadColumn"/> resolves for these arguments, for a caller making the same read into many
    /// recorders over the same <see cref="Sites"/> (<see cref="ReadAt"/>): resolved once instead of at every read.
    /// </summary>
    internal int ColumnSite(int slot, DomainTable table, Column? column, string variable, ReadKind kind) => SlotSite(slot, table, column, variable, kind);

    /// <summary>The site <see cref="Searched"/> resolves for <paramref name="domain"/>, for <see cref="SearchedAt"/>.</summary>
    internal int SearchedSite(string domain) => DomainSite(domain, EvidenceKind.Searched, _cache.SearchedSites);

    /// <summary><see cref="ReadColumn"/> with its site resolved (<see cref="ColumnSite"/>, of these sites); not for the recorder of objects.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal void ReadAt(int site, int row)
    {
        ulong key = Key(site, row);
        if (Held(key)) return;
        Add(new EvidenceEntry(site, row, 0), key);
    }

    /// <summary><see cref="Searched"/> with its site resolved (<see cref="SearchedSite"/>, of these sites); not for the recorder of objects.</summary>
    internal void SearchedAt(int site, int records)
    {
        ulong key = Key(site, -1);
        if (Held(key)) return;
        Add(new EvidenceEntry(site, -1, records), key);
    }

    /// <summary>The identity of a piece of evidence for the one-item-per-fact rule (<see cref="EvidenceSites.Key"/>).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private ulong Key(int site, int row)
    {
        var keys = _cache.SiteKeys;
        if ((uint)site < (uint)keys.Length && keys[site] != 0) return ((ulong)(uint)(keys[site] - 1) << 32) | (uint)row;
        return KeySlow(site, row);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private ulong KeySlow(int site, int row)
    {
        ulong key = Sites.Key(site, row);
        if (site >= _cache.SiteKeys.Length) Array.Resize(ref _cache.SiteKeys, Math.Max(site + 1, _cache.SiteKeys.Length * 2));
        _cache.SiteKeys[site] = (int)(key >> 32) + 1;
        return key;
    }

    /// <summary>
    /// True when the fact <paramref name="key"/> is held already (the read adds nothing); otherwise the caller keeps or
    /// drops its entry, and the fact is held from then on (see <see cref="Add"/> and <see cref="Drop"/>).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private bool Held(ulong key)
    {
        if (_hashed) return !_seen!.Add(key);
        // Every entry's site has its key cached (Key was asked before the entry was added).
        int row = (int)(uint)key, siteKey = (int)(key >> 32) + 1;
        var entries = _entries;
        var keys = _cache.SiteKeys;
        for (int i = 0; i < _count && i < entries.Length; i++)
            if (entries[i].Row == row && (uint)entries[i].Site < (uint)keys.Length && keys[entries[i].Site] == siteKey) return true;
        return false;
    }

    /// <summary>From now until the next reset, the facts held are kept in the set: those of the entries, then each new one.</summary>
    private void HashFacts()
    {
        var seen = _seen ??= new StampedKeySet();
        for (int i = 0; i < _count; i++) seen.Add(Key(_entries[i].Site, _entries[i].Row));
        _hashed = true;
    }

    /// <summary>An item past the capacity: dropped, its fact still held (a later read of it adds nothing either).</summary>
    private void Drop(ulong key)
    {
        Dropped++;
        if (_hashed) return;
        HashFacts();
        _seen!.Add(key);
    }

    private int SlotSite(int slot, DomainTable table, Column? column, string variable, ReadKind kind)
    {
        int at = slot * EvidenceSites.ReadKinds + (int)kind;
        var slotSites = _cache.SlotSites;
        if ((uint)slot < 65_536 && at < slotSites.Length && slotSites[at] > 0)
        {
            int cached = slotSites[at] - 1;
            if (Sites.Is(cached, table, column, variable)) return cached;
        }
        int site = Sites.Site(table, column, variable, kind);
        if ((uint)slot < 65_536)
        {
            if (at >= slotSites.Length) Array.Resize(ref _cache.SlotSites, Math.Max(at + 1, slotSites.Length * 2));
            _cache.SlotSites[at] = site + 1;
        }
        return site;
    }

    /// <summary>Records that a domain was searched and how many records the subject had in it.</summary>
    public void Searched(string domain, int records)
    {
        if (_legacyItems is not null)
        {
            if (!_legacySeen!.Add((domain, -1, null, EvidenceKind.Searched))) return;
            LegacyAdd(new EvidenceItem(EvidenceKind.Searched, domain, null, null, null, records));
            return;
        }
        int site = DomainSite(domain, EvidenceKind.Searched, _cache.SearchedSites);
        ulong key = Key(site, -1);
        if (Held(key)) return;
        Add(new EvidenceEntry(site, -1, records), key);
    }

    /// <summary>Records that the study lacks a domain the rule reads.</summary>
    public void MissingDomain(string domain)
    {
        if (_legacyItems is not null)
        {
            if (!_legacySeen!.Add((domain, -1, null, EvidenceKind.DomainMissing))) return;
            LegacyAdd(new EvidenceItem(EvidenceKind.DomainMissing, domain, null, null, null, null));
            return;
        }
        int site = DomainSite(domain, EvidenceKind.DomainMissing, _cache.MissingSites);
        ulong key = Key(site, -1);
        if (Held(key)) return;
        Add(new EvidenceEntry(site, -1, 0), key);
    }

    private int DomainSite(string domain, EvidenceKind kind, Dictionary<string, int> sites)
    {
        // Compiled rules pass the domain name as a constant: the same string object every time, found without hashing.
        var recent = _cache.RecentDomains;
        for (int i = 0; i < recent.Length; i++)
            if (ReferenceEquals(recent[i].Domain, domain) && recent[i].Kind == kind) return recent[i].Site;
        if (!sites.TryGetValue(domain, out int site)) sites[domain] = site = Sites.DomainSite(domain, kind);
        if (recent.Length < 16) _cache.RecentDomains = [.. recent, (domain, kind, site)];
        return site;
    }

    private void LegacyAdd(EvidenceItem item)
    {
        if (_legacyItems!.Count >= Capacity)
        {
            Dropped++;
            return;
        }
        _legacyItems.Add(item);
    }

    /// <summary>Keeps an entry whose fact <paramref name="key"/> was not held (<see cref="Held"/>), or drops it past the capacity.</summary>
    private void Add(EvidenceEntry entry, ulong key)
    {
        if (_count >= Capacity)
        {
            Drop(key);
            return;
        }
        if (!_hashed && _count >= SmallSet)
        {
            HashFacts();
            _seen!.Add(key);
        }
        if (_count == _entries.Length) Array.Resize(ref _entries, _count * 2);
        _entries[_count++] = entry;
    }

    private void AddWithValue(int site, int row, object? value, ulong key)
    {
        if (_count >= Capacity)
        {
            Drop(key);
            return;
        }
        _values.Add(value);
        _valuesAdded = true;
        Add(new EvidenceEntry(site, row, _values.Count - 1), key);
    }

    /// <summary>Starts holding the reads of one record a query examines.</summary>
    public void BeginRow()
    {
        if (_rowDepth == _rowStarts.Length) Array.Resize(ref _rowStarts, _rowDepth * 2);
        _rowStarts[_rowDepth++] = _legacyItems?.Count ?? _count;
    }

    /// <summary>Keeps the held reads: the record passed the query's filters.</summary>
    public void CommitRow()
    {
        if (_rowDepth > 0) _rowDepth--;
    }

    /// <summary>Drops the held reads: the record did not pass.</summary>
    public void DiscardRow()
    {
        if (_rowDepth == 0) return;
        int start = _rowStarts[--_rowDepth];
        if (_legacyItems is not null)
        {
            for (int i = start; i < _legacyItems.Count; i++)
            {
                var item = _legacyItems[i];
                _legacySeen!.Remove((item.Domain, item.Row, item.Variable, item.Kind));
            }
            _legacyItems.RemoveRange(start, _legacyItems.Count - start);
            return;
        }
        // Without the set, the facts held are the entries kept: dropping the entries lets go of their facts.
        if (_hashed)
        {
            for (int i = start; i < _count; i++)
            {
                var entry = _entries[i];
                _seen!.Remove(Key(entry.Site, entry.Row));
            }
        }
        // Values of dropped entries stay in the list unreferenced until the next reset: only generic reads carry one.
        if (start < _count) _count = start;
    }

    /// <summary>A position to collect items since (used to remember a definition's evidence).</summary>
    public int Mark() => _legacyItems?.Count ?? _count;

    /// <summary>The items recorded since a mark.</summary>
    public List<EvidenceItem> Since(int mark) =>
        _legacyItems is not null ? _legacyItems.Skip(mark).ToList() : Sites.Materialise(_entries.AsSpan(Math.Min(mark, _count), Math.Max(0, _count - mark)), _values);

    /// <summary>Adds items recorded earlier (a cached definition's evidence).</summary>
    public void Replay(List<EvidenceItem> items)
    {
        if (_legacyItems is not null)
        {
            foreach (var item in items)
                if (_legacySeen!.Add((item.Domain, item.Row, item.Variable, item.Kind))) LegacyAdd(item);
            return;
        }
        foreach (var item in items)
        {
            int site = Sites.ItemSite(item);
            ulong key = Key(site, item.Row);
            if (Held(key)) continue;
            AddWithValue(site, item.Row, item, key);
        }
    }

    /// <summary>Adds entries recorded earlier by this recorder (a cached definition's evidence), with their values from <paramref name="values"/>.</summary>
    internal void ReplayEntries(ReadOnlySpan<EvidenceEntry> entries, List<object?> values)
    {
        foreach (var entry in entries)
        {
            ulong key = Key(entry.Site, entry.Row);
            if (Held(key)) continue;
            if (Sites.CarriesValue(entry.Site)) AddWithValue(entry.Site, entry.Row, values[entry.Extra], key);
            else Add(entry, key);
        }
    }

    /// <summary>
    /// What a recorder learns about the read sites as it goes (each site's key, the site of each column slot's read, the
    /// sites of domains searched or missing): the same for every recorder over the same sites, so the recorders of one
    /// worker (one per subject of a batch) share one, used by that worker's thread alone. Kept apart, 256 copies of it
    /// would be read in turn for every read of a batch, each from memory rather than the cache.
    /// </summary>
    private sealed class SiteCache
    {
        // The key of each read site (EvidenceSites.Key's upper half) + 1, 0 until first asked: kept here rather than read
        // from the shared sites each time.
        public int[] SiteKeys = new int[64];
        public int[] SlotSites = [];
        public readonly Dictionary<string, int> SearchedSites = new(StringComparer.Ordinal);
        public readonly Dictionary<string, int> MissingSites = new(StringComparer.Ordinal);
        public (string Domain, EvidenceKind Kind, int Site)[] RecentDomains = [];
    }
}

/// <summary>How a read's value is obtained from its column (so it can be read again when the evidence is materialised).</summary>
internal enum ReadKind : byte
{
    /// <summary>The value was given with the read (kept with the entry).</summary>
    Given,
    /// <summary>Text as <c>RecordAccess.String</c> reads it (a number as its round-trip digits).</summary>
    String,
    /// <summary>A Decimal as <c>RecordAccess.Decimal</c> reads it.</summary>
    Decimal,
    /// <summary>A whole number as <c>RecordAccess.Integer</c> reads it.</summary>
    Integer,
    /// <summary>A DateTime as <c>RecordAccess.DateTime</c> reads it.</summary>
    DateTime,
    /// <summary>A search's record count (the entry's number), or a missing domain.</summary>
    Domain,
    /// <summary>An <see cref="EvidenceItem"/> replayed as it was (kept with the entry).</summary>
    Item,
}

/// <summary>
/// One piece of evidence as a reference: a read site (table, column, variable, how the value is read; or a domain searched
/// or missing), the row read, and a number (a search's record count, or where a given value is kept).
/// </summary>
internal readonly record struct EvidenceEntry(int Site, int Row, int Extra);

/// <summary>
/// The read sites of a run's evidence: what a compact <see cref="EvidenceEntry"/> refers to. Shared by the recorders of
/// a screening's workers and the results that keep their entries; a handful of sites per protocol, so one lock.
/// </summary>
internal sealed class EvidenceSites
{
    internal const int ReadKinds = 7;

    private readonly record struct SiteInfo(DomainTable? Table, Column? Column, string Domain, string? Variable, ReadKind Read, EvidenceKind Kind, int Key);

    private readonly object _lock = new();
    private SiteInfo[] _sites = new SiteInfo[16];
    private int _count;
    private readonly Dictionary<(DomainTable?, Column?, string, string?, ReadKind, EvidenceKind), int> _byRead = [];
    private readonly Dictionary<(string Domain, string? Variable, EvidenceKind Kind), int> _keys = [];

    // Sites are only appended, under the lock; the array is replaced (never changed in place) when it grows.
    private ref readonly SiteInfo Info(int site) => ref Volatile.Read(ref _sites)[site];

    /// <summary>The site of a read of <paramref name="variable"/> of <paramref name="table"/> through <paramref name="column"/>.</summary>
    public int Site(DomainTable table, Column? column, string variable, ReadKind read) =>
        Register(table, column, table.Name, variable, read, EvidenceKind.Value);

    /// <summary>The site of a domain searched or missing.</summary>
    public int DomainSite(string domain, EvidenceKind kind) => Register(null, null, domain, null, ReadKind.Domain, kind);

    /// <summary>The site of an item replayed as it was (its value is the item).</summary>
    public int ItemSite(EvidenceItem item) => Register(null, null, item.Domain, item.Variable, ReadKind.Item, item.Kind);

    private int Register(DomainTable? table, Column? column, string domain, string? variable, ReadKind read, EvidenceKind kind)
    {
        lock (_lock)
        {
            if (_byRead.TryGetValue((table, column, domain, variable, read, kind), out int site)) return site;
            // Two reads are the same evidence when the old recorder's key (domain name, row, variable, kind) is the same:
            // the key number stands for that triple, whatever the table object, column or way of reading.
            if (!_keys.TryGetValue((domain, variable, kind), out int key)) _keys[(domain, variable, kind)] = key = _keys.Count;
            var sites = _sites;
            if (_count == sites.Length) Array.Resize(ref sites, sites.Length * 2);
            sites[_count] = new SiteInfo(table, column, domain, variable, read, kind, key);
            Volatile.Write(ref _sites, sites);
            _byRead[(table, column, domain, variable, read, kind)] = site = _count++;
            return site;
        }
    }

    /// <summary>True when <paramref name="site"/> reads <paramref name="variable"/> of <paramref name="table"/> through <paramref name="column"/>.</summary>
    public bool Is(int site, DomainTable table, Column? column, string variable)
    {
        ref readonly var info = ref Info(site);
        return ReferenceEquals(info.Table, table) && ReferenceEquals(info.Column, column) && (ReferenceEquals(info.Variable, variable) || info.Variable == variable);
    }

    /// <summary>The identity of a piece of evidence for the one-item-per-fact rule: the site's key and the row.</summary>
    public ulong Key(int site, int row) => ((ulong)(uint)Info(site).Key << 32) | (uint)row;

    /// <summary>True when the entries of <paramref name="site"/> keep their value beside them (<see cref="EvidenceEntry.Extra"/>).</summary>
    public bool CarriesValue(int site) => Info(site).Read is ReadKind.Given or ReadKind.Item;

    /// <summary>The items the entries stand for, in order, as the recorder of objects built them at each read.</summary>
    public List<EvidenceItem> Materialise(ReadOnlySpan<EvidenceEntry> entries, IReadOnlyList<object?> values)
    {
        var items = new List<EvidenceItem>(entries.Length);
        foreach (var entry in entries) items.Add(Materialise(entry, values));
        return items;
    }

    /// <summary>The item one entry stands for.</summary>
    public EvidenceItem Materialise(EvidenceEntry entry, IReadOnlyList<object?> values)
    {
        ref readonly var info = ref Info(entry.Site);
        switch (info.Read)
        {
            case ReadKind.Item:
                return (EvidenceItem)values[entry.Extra]!;
            case ReadKind.Domain:
                return info.Kind == EvidenceKind.Searched
                    ? new EvidenceItem(EvidenceKind.Searched, info.Domain, null, null, null, entry.Extra)
                    : new EvidenceItem(EvidenceKind.DomainMissing, info.Domain, null, null, null, null);
            default:
                var record = new DomainRecord(info.Table!, entry.Row);
                var value = info.Read == ReadKind.Given ? values[entry.Extra] : ValueOf(info.Column, entry.Row, info.Read);
                return new EvidenceItem(EvidenceKind.Value, info.Domain, record.SubjectId, record.Sequence, info.Variable, value, entry.Row);
        }
    }

    /// <summary>A row's value as the <c>RecordAccess</c> read of that kind gives it (boxed as the evidence holds it).</summary>
    internal static object? ValueOf(Column? column, int row, ReadKind read)
    {
        switch (read)
        {
            case ReadKind.String:
                return column switch
                {
                    TextColumn t => t.GetString(row),
                    NumberColumn n => n.GetDouble(row) is double d ? d.ToString("R", CultureInfo.InvariantCulture) : null,
                    _ => null,
                };
            case ReadKind.Decimal:
                return column switch
                {
                    NumberColumn n => n.GetDecimal(row),
                    TextColumn t => decimal.TryParse(t.GetString(row), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
                    _ => null,
                };
            case ReadKind.Integer:
                double? raw = column switch
                {
                    NumberColumn n => n.GetDouble(row),
                    TextColumn t => double.TryParse(t.GetString(row), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
                    _ => null,
                };
                return raw is double v && v == Math.Floor(v) && v >= int.MinValue && v <= int.MaxValue ? (int)v : null;
            case ReadKind.DateTime:
                return (column as TextColumn)?.GetDateTime(row);
            default:
                throw new InvalidOperationException($"A {read} read has no column value.");
        }
    }
}
