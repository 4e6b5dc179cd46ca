using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace ProtocolEngine.Data.Define;

/// <summary>
/// Reads a define.xml (CDISC Define-XML 1.0, 2.0 or 2.1; ODM 1.2 or 1.3). Elements are matched by local name,
/// so the namespace versions do not matter. Value-level metadata is not needed for binding and is skipped.
/// </summary>
internal static class DefineXmlReader
{
    /// <summary>Reads a define.xml file.</summary>
    /// <exception cref="DataFormatException">The file is not well-formed XML or not a define.xml.</exception>
    public static DefineDocument Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads a define.xml from a stream; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="DataFormatException">The content is not well-formed XML or not a define.xml.</exception>
    public static DefineDocument Read(Stream stream, string source)
    {
        XDocument doc;
        try
        {
            // DTDs are never needed and would allow entity expansion attacks.
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            doc = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            throw new DataFormatException(source, $"not well-formed XML: {ex.Message}", "a Define-XML document", record: ex.LineNumber, inner: ex);
        }

        var root = doc.Root;
        if (root is null || root.Name.LocalName != "ODM")
            throw new DataFormatException(source, $"the root element is <{root?.Name.LocalName}>", "an ODM root element (define.xml)");
        var mdv = Descendants(root, "MetaDataVersion").FirstOrDefault()
            ?? throw new DataFormatException(source, "there is no MetaDataVersion element", "Study/MetaDataVersion");

        var studyName = Descendants(root, "StudyName").FirstOrDefault()?.Value.Trim();
        var version = Attr(mdv, "DefineVersion") ?? DefineNamespaceVersion(root);

        var items = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var item in Children(mdv, "ItemDef"))
            if (Attr(item, "OID") is { } oid) items.TryAdd(oid, item);

        var codeLists = new Dictionary<string, DefineCodeList>(StringComparer.Ordinal);
        foreach (var cl in Children(mdv, "CodeList"))
        {
            var oid = Attr(cl, "OID");
            if (oid is null) continue;
            var listItems = cl.Elements()
                .Where(e => e.Name.LocalName is "CodeListItem" or "EnumeratedItem")
                .Select(e => new DefineCodeListItem(Attr(e, "CodedValue") ?? "", Text(Child(e, "Decode"))))
                .ToList();
            var external = Child(cl, "ExternalCodeList");
            codeLists[oid] = new DefineCodeList(oid, Attr(cl, "Name") ?? oid, Attr(cl, "DataType") ?? "text", listItems,
                external is null ? null : Attr(external, "Dictionary"))
            {
                NciCode = Children(cl, "Alias").FirstOrDefault(a => Attr(a, "Context") == "nci:ExtCodeID") is { } alias ? Attr(alias, "Name") : null,
            };
        }

        var datasets = new List<DefineDataset>();
        foreach (var group in Children(mdv, "ItemGroupDef"))
        {
            var name = Attr(group, "Name") ?? Attr(group, "SASDatasetName") ?? Attr(group, "Domain");
            if (string.IsNullOrWhiteSpace(name))
                throw new DataFormatException(source, "an ItemGroupDef has no Name", "a dataset name", record: Line(group));
            var refs = Children(group, "ItemRef")
                .Select((r, i) => (Ref: r, Order: int.TryParse(Attr(r, "OrderNumber"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int o) ? o : i + 1))
                .OrderBy(x => x.Order)
                .ToList();
            var variables = new List<DefineVariable>(refs.Count);
            foreach (var (r, _) in refs)
            {
                var itemOid = Attr(r, "ItemOID");
                if (itemOid is null || !items.TryGetValue(itemOid, out var def))
                    throw new DataFormatException(source, $"dataset {name} refers to item '{itemOid}', which is not defined",
                        "an ItemDef for every ItemRef", record: Line(r));
                var varName = Attr(def, "Name") ?? Attr(def, "SASFieldName")
                    ?? throw new DataFormatException(source, $"item {itemOid} has no Name", "a variable name", record: Line(def));
                variables.Add(new DefineVariable(varName, Attr(def, "Label") ?? Text(Child(def, "Description")),
                    Attr(def, "DataType") ?? "text", Int(Attr(def, "Length")), Int(Attr(def, "SignificantDigits")),
                    string.Equals(Attr(r, "Mandatory"), "Yes", StringComparison.OrdinalIgnoreCase),
                    Child(def, "CodeListRef") is { } clr ? Attr(clr, "CodeListOID") : null)
                {
                    // Define 1.0 writes Origin as an attribute, 2.x as a def:Origin element with a Type.
                    Origin = Attr(def, "Origin") ?? (Child(def, "Origin") is { } origin ? Attr(origin, "Type") : null),
                });
            }
            var cls = Attr(group, "Class") ?? (Child(group, "Class") is { } c ? Attr(c, "Name") : null);
            datasets.Add(new DefineDataset(name.Trim().ToUpperInvariant(), Attr(group, "Label") ?? Text(Child(group, "Description")),
                cls, Attr(group, "Structure"), variables));
        }
        return new DefineDocument(source, studyName, version, datasets, codeLists);
    }

    private static IEnumerable<XElement> Descendants(XElement e, string localName) => e.Descendants().Where(x => x.Name.LocalName == localName);
    private static IEnumerable<XElement> Children(XElement e, string localName) => e.Elements().Where(x => x.Name.LocalName == localName);
    private static XElement? Child(XElement e, string localName) => e.Elements().FirstOrDefault(x => x.Name.LocalName == localName);

    // Attributes are matched by local name too: Define 1.0 writes def:Label, 2.x plain Name, both are wanted.
    private static string? Attr(XElement e, string localName) => e.Attributes().FirstOrDefault(a => a.Name.LocalName == localName)?.Value;

    private static string? Text(XElement? e)
    {
        if (e is null) return null;
        var translated = e.Elements().FirstOrDefault(x => x.Name.LocalName == "TranslatedText");
        var text = (translated ?? e).Value.Trim();
        return text.Length == 0 ? null : text;
    }

    private static int? Int(string? s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null;

    private static long? Line(XElement e) => e is IXmlLineInfo li && li.HasLineInfo() ? li.LineNumber : null;

    private static string? DefineNamespaceVersion(XElement root)
    {
        var ns = root.Attributes().Where(a => a.IsNamespaceDeclaration).Select(a => a.Value)
            .FirstOrDefault(v => v.StartsWith("http://www.cdisc.org/ns/def/", StringComparison.Ordinal));
        return ns?["http://www.cdisc.org/ns/def/v".Length..];
    }
}
