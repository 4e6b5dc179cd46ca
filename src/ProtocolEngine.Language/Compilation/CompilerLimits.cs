namespace ProtocolEngine.Language.Compilation;

/// <summary>
/// The sizes the compiler accepts. Beyond them it reports a diagnostic instead of running out of memory, time or
/// stack: each limit keeps the work bounded and linear in the size of the text. The defaults are far above any
/// protocol written by hand (the largest shipped file has about 28,000 characters, nesting below 10 and 31
/// criteria); docs/language.md lists them.
/// </summary>
public sealed record CompilerLimits
{
    /// <summary>The defaults.</summary>
    public static CompilerLimits Default { get; } = new();

    /// <summary>
    /// The most characters one protocol or library file may have (8 MiB by default). Compiling costs about a
    /// second and 150 MB of memory per MiB of text, so this also bounds a compilation's memory.
    /// </summary>
    public int MaxSourceLength { get; init; } = 8 * 1024 * 1024;

    /// <summary>
    /// How deep expressions may nest (200 by default): parentheses, calls, prefix operators, member accesses and
    /// selectors inside one another each add a level, while a chain of infix operators (<c>a or b or c</c>,
    /// <c>x + y - z</c>) stays on one level however long it is. Type specifiers (<c>List&lt;List&lt;...&gt;&gt;</c>) and
    /// transition guards count the same way.
    /// </summary>
    public int MaxNestingDepth { get; init; } = 200;

    /// <summary>The most criteria a protocol may declare (1,000 by default; screening keeps an outcome per subject and criterion).</summary>
    public int MaxCriteria { get; init; } = 1_000;

    /// <summary>
    /// How long a chain of definitions and functions may be, each using the next (200 by default): evaluating the
    /// first evaluates the whole chain, one call inside another.
    /// </summary>
    public int MaxDefinitionDepth { get; init; } = 200;
}
