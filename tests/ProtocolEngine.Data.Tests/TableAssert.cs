using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Tests;

/// <summary>Value-by-value comparison of datasets, with a message naming the first difference.</summary>
internal static class TableAssert
{
    /// <summary>Same name, columns (names, kinds) and values; optionally the same labels and empty-vs-null distinctions.</summary>
    /// <param name="significantDigits">Compare numbers to this many significant digits (a file written with 15 digits
    /// cannot hold all 17 of a double); null compares them exactly.</param>
    /// <param name="strictTextKinds">When false, text and ISO 8601 date columns compare as the same kind.</param>
    public static void Equal(DomainTable expected, DomainTable actual, bool compareLabels = true, bool compareEmptyStrings = false,
        bool compareMissingKinds = false, int? significantDigits = null, bool strictTextKinds = true)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.True(expected.RowCount == actual.RowCount, $"{expected.Name}: {expected.RowCount} rows expected, {actual.RowCount} found");
        Assert.Equal(expected.Columns.Select(c => c.Name), actual.Columns.Select(c => c.Name));
        if (compareLabels) Assert.Equal(expected.Label, actual.Label);
        for (int c = 0; c < expected.Columns.Count; c++)
        {
            var e = expected.Columns[c];
            var a = actual.Columns[c];
            var where = $"{expected.Name}.{e.Name}";
            if (compareLabels) Assert.True(e.Label == a.Label, $"{where}: label '{e.Label}' expected, '{a.Label}' found");
            bool sameKind = e.Kind == a.Kind || (!strictTextKinds && e is TextColumn && a is TextColumn);
            Assert.True(sameKind, $"{where}: {e.Kind} expected, {a.Kind} found");
            for (int r = 0; r < expected.RowCount; r++)
            {
                switch (e)
                {
                    case TextColumn et:
                        var at = (TextColumn)a;
                        Assert.True(et.GetString(r) == at.GetString(r), $"{where} row {r + 1}: '{et.GetString(r)}' expected, '{at.GetString(r)}' found");
                        if (compareEmptyStrings)
                            Assert.True(et.IsEmptyString(r) == at.IsEmptyString(r), $"{where} row {r + 1}: empty-string flag differs");
                        break;
                    case NumberColumn en:
                        var an = (NumberColumn)a;
                        double x = en.RawAt(r), y = an.RawAt(r);
                        bool same = x.Equals(y) || (significantDigits is int digits &&
                            x.ToString("G" + digits, System.Globalization.CultureInfo.InvariantCulture) == y.ToString("G" + digits, System.Globalization.CultureInfo.InvariantCulture));
                        Assert.True(same, $"{where} row {r + 1}: {x:R} expected, {y:R} found");
                        if (compareMissingKinds)
                            Assert.True(en.MissingKindAt(r) == an.MissingKindAt(r), $"{where} row {r + 1}: missing kind '{en.MissingKindAt(r)}' expected, '{an.MissingKindAt(r)}' found");
                        break;
                }
            }
        }
    }
}
