using System.Globalization;
using System.Text;
using System.Xml;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Define;

/// <summary>
/// Writes a Define-XML 2.1 document describing datasets as they are written: names, labels, variable types
/// and lengths, and the file of each dataset. It is what makes a CSV export typed when read back.
/// Code lists, methods and value-level metadata are not produced.
/// </summary>
internal static class DefineXmlWriter
{
    private const string Odm = "http://www.cdisc.org/ns/odm/v1.3";
    private const string Def = "http://www.cdisc.org/ns/def/v2.1";
    private const string XLink = "http://www.w3.org/1999/xlink";

    /// <summary>A dataset to describe: name, label, file, and per variable (name, label, define data type, length).</summary>
    public sealed record DatasetDescription(string Name, string? Label, string File, IReadOnlyList<(string Name, string? Label, string DataType, int? Length)> Variables);

    /// <summary>Describes an in-memory dataset as written to <paramref name="file"/>.</summary>
    public static DatasetDescription Describe(DomainTable table, string file) =>
        new(table.Name, table.Label, file, [.. table.Columns.Select(c => (c.Name, c.Label, DataType(c),
            c is TextColumn t ? Math.Max(1, c.Metadata.Length ?? MaxLength(t)) : (int?)null))]);

    /// <summary>Describes a dataset written from column specifications.</summary>
    public static DatasetDescription Describe(string name, string? label, IReadOnlyList<Writing.ColumnSpec> columns, string file) =>
        new(name, label, file, [.. columns.Select(c => (c.Name, c.Metadata.Label,
            c.IsNumeric ? (c.Metadata.DataType == "integer" ? "integer" : "float")
                : c.Metadata.DataType is "date" or "datetime" || c.Name.EndsWith("DTC", StringComparison.Ordinal) ? "partialDatetime" : "text",
            c.IsNumeric ? (int?)null : c.Metadata.Length))]);

    /// <summary>Writes the document to a stream; <paramref name="fileOf"/> names each dataset's file.</summary>
    public static void Write(Stream stream, string studyName, IEnumerable<DomainTable> tables, Func<DomainTable, string> fileOf, DateTime? timestamp = null) =>
        Write(stream, studyName, tables.Select(t => Describe(t, fileOf(t))), timestamp);

    /// <summary>Writes the document describing <paramref name="datasets"/> to a stream.</summary>
    public static void Write(Stream stream, string studyName, IEnumerable<DatasetDescription> datasets, DateTime? timestamp = null)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) };
        using var x = XmlWriter.Create(stream, settings);
        var tableList = datasets.ToList();
        x.WriteStartDocument();
        x.WriteStartElement("ODM", Odm);
        x.WriteAttributeString("xmlns", "def", null, Def);
        x.WriteAttributeString("xmlns", "xlink", null, XLink);
        x.WriteAttributeString("ODMVersion", "1.3.2");
        x.WriteAttributeString("FileType", "Snapshot");
        x.WriteAttributeString("FileOID", "ProtocolEngine." + studyName);
        x.WriteAttributeString("CreationDateTime", (timestamp ?? DateTime.Now).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
        x.WriteAttributeString("Originator", "ProtocolEngine");
        x.WriteAttributeString("Context", Def, "Other");
        x.WriteStartElement("Study", Odm);
        x.WriteAttributeString("OID", studyName);
        x.WriteStartElement("GlobalVariables", Odm);
        x.WriteElementString("StudyName", Odm, studyName);
        x.WriteElementString("StudyDescription", Odm, studyName);
        x.WriteElementString("ProtocolName", Odm, studyName);
        x.WriteEndElement();
        x.WriteStartElement("MetaDataVersion", Odm);
        x.WriteAttributeString("OID", "MDV." + studyName);
        x.WriteAttributeString("Name", studyName + " data definitions");
        x.WriteAttributeString("DefineVersion", Def, "2.1.0");

        foreach (var t in tableList)
        {
            x.WriteStartElement("ItemGroupDef", Odm);
            x.WriteAttributeString("OID", "IG." + t.Name);
            x.WriteAttributeString("Name", t.Name);
            x.WriteAttributeString("SASDatasetName", t.Name.Length <= 8 ? t.Name : t.Name[..8]);
            bool subjects = t.Variables.Any(v => v.Name == "USUBJID");
            x.WriteAttributeString("Repeating", !subjects || t.Name == "DM" ? "No" : "Yes");
            x.WriteAttributeString("Purpose", "Tabulation");
            x.WriteAttributeString("Structure", Def, t.Name == "DM" ? "One record per subject" : "One record per observation");
            x.WriteAttributeString("ArchiveLocationID", Def, "LF." + t.Name);
            Description(x, t.Label);
            int order = 1;
            foreach (var c in t.Variables)
            {
                x.WriteStartElement("ItemRef", Odm);
                x.WriteAttributeString("ItemOID", $"IT.{t.Name}.{c.Name}");
                x.WriteAttributeString("OrderNumber", (order++).ToString(CultureInfo.InvariantCulture));
                x.WriteAttributeString("Mandatory", "No");
                x.WriteEndElement();
            }
            var file = t.File;
            x.WriteStartElement("leaf", Def);
            x.WriteAttributeString("ID", "LF." + t.Name);
            x.WriteAttributeString("href", XLink, file);
            x.WriteElementString("title", Def, file);
            x.WriteEndElement();
            x.WriteEndElement();
        }
        foreach (var t in tableList)
            foreach (var c in t.Variables)
            {
                x.WriteStartElement("ItemDef", Odm);
                x.WriteAttributeString("OID", $"IT.{t.Name}.{c.Name}");
                x.WriteAttributeString("Name", c.Name);
                x.WriteAttributeString("DataType", c.DataType);
                if (c.Length is int length) x.WriteAttributeString("Length", length.ToString(CultureInfo.InvariantCulture));
                Description(x, c.Label);
                x.WriteEndElement();
            }
        x.WriteEndElement();
        x.WriteEndElement();
        x.WriteEndElement();
        x.WriteEndDocument();
    }

    private static void Description(XmlWriter x, string? text)
    {
        if (text is null) return;
        x.WriteStartElement("Description", Odm);
        x.WriteStartElement("TranslatedText", Odm);
        x.WriteAttributeString("xml", "lang", null, "en");
        x.WriteString(text);
        x.WriteEndElement();
        x.WriteEndElement();
    }

    // A DateTime column may hold partial dates, which partialDatetime allows.
    private static string DataType(Column c) => c switch
    {
        NumberColumn n => IsIntegral(n) ? "integer" : "float",
        TextColumn { Kind: ColumnKind.DateTime } => "partialDatetime",
        _ => "text",
    };

    private static bool IsIntegral(NumberColumn n)
    {
        for (int r = 0; r < n.Count; r++)
            if (n.GetDouble(r) is double d && (d != Math.Floor(d) || Math.Abs(d) > 9e15)) return false;
        return true;
    }

    private static int MaxLength(TextColumn c) => c.Dictionary.Count == 0 ? 1 : c.Dictionary.Max(s => s.Length);
}
