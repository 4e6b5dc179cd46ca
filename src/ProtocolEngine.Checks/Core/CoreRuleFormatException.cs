namespace ProtocolEngine.Checks.Core;

/// <summary>A CORE rule file or test case that cannot be read, naming the file and what is wrong.</summary>
public sealed class CoreRuleFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CoreRuleFormatException(string source, string problem) : base($"{source}: {problem}")
    {
        Source = source;
    }

    /// <summary>The file.</summary>
    public new string Source { get; }
}
