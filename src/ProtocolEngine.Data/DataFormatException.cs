using System.Text;

namespace ProtocolEngine.Data;

/// <summary>
/// A data file could not be read: it is truncated, corrupt, of the wrong type, or holds a value that does not
/// fit its variable. The message names the file, the record (and byte offset for binary formats) and what was
/// expected, so a user can find and fix the problem.
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates an exception.</summary>
    /// <param name="file">The file being read.</param>
    /// <param name="problem">What is wrong, for example "the file ends inside the variable descriptors".</param>
    /// <param name="expected">What the reader expected instead, when that helps.</param>
    /// <param name="record">The 1-based record (row, or line for text formats), when known.</param>
    /// <param name="byteOffset">The byte offset in the file, for binary formats.</param>
    /// <param name="variable">The variable concerned, when known.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    /// <param name="column">The 1-based character column on line <paramref name="record"/>, for text read as lines (the message then says "line L, column C").</param>
    public DataFormatException(string file, string problem, string? expected = null, long? record = null,
        long? byteOffset = null, string? variable = null, Exception? inner = null, long? column = null)
        : base(Compose(file, problem, expected, record, byteOffset, variable, column), inner)
    {
        File = file;
        Problem = problem;
        Expected = expected;
        Record = record;
        ByteOffset = byteOffset;
        Variable = variable;
        Column = column;
    }

    /// <summary>The file being read.</summary>
    public string File { get; }

    /// <summary>What is wrong.</summary>
    public string Problem { get; }

    /// <summary>What the reader expected, when stated.</summary>
    public string? Expected { get; }

    /// <summary>The 1-based record (row or line), when known.</summary>
    public long? Record { get; }

    /// <summary>The byte offset in the file, for binary formats.</summary>
    public long? ByteOffset { get; }

    /// <summary>The variable concerned, when known.</summary>
    public string? Variable { get; }

    /// <summary>The 1-based character column on line <see cref="Record"/>, when the problem is in the text itself.</summary>
    public long? Column { get; }

    private static string Compose(string file, string problem, string? expected, long? record, long? byteOffset, string? variable, long? column)
    {
        var sb = new StringBuilder(file);
        if (record is long r && column is long c) sb.Append(", line ").Append(r).Append(", column ").Append(c);
        else if (record is long r2) sb.Append(", record ").Append(r2);
        if (byteOffset is long o) sb.Append(", byte offset ").Append(o);
        if (variable is not null) sb.Append(", variable ").Append(variable);
        sb.Append(": ").Append(problem);
        if (expected is not null) sb.Append(" (expected ").Append(expected).Append(')');
        return sb.ToString();
    }
}
