using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.LanguageService.Analysis;

/// <summary>What a name in protocol text stands for.</summary>
/// <param name="Key">
/// Who it is across compilations and files: two occurrences with the same key name the same thing (a definition is keyed
/// by its file, its declaration's position and its name, so every file that imports it agrees).
/// </param>
public abstract record Target(string Key)
{
    /// <summary>The name as written.</summary>
    public abstract string Name { get; }
}

/// <summary>A declared symbol: a definition, function, table, parameter, code list, visit, role or a local.</summary>
/// <param name="Symbol">The symbol.</param>
internal sealed record SymbolTarget(Symbol Symbol) : Target(KeyOf(Symbol))
{
    /// <inheritdoc />
    public override string Name => Symbol.Name;

    /// <summary>The key of a symbol: where it is declared (a standard role, declared nowhere, by its name).</summary>
    public static string KeyOf(Symbol symbol) => symbol.Declaration is null || symbol.Source is null
        ? "builtin:" + symbol.GetType().Name + ":" + symbol.Name
        : "symbol:" + symbol.Source.Path + "@" + symbol.Declaration.Span.Start + ":" + symbol.Name;
}

/// <summary>A domain of the data model.</summary>
/// <param name="Domain">The domain.</param>
internal sealed record DomainTarget(DomainSchema Domain) : Target("domain:" + Domain.Name)
{
    /// <inheritdoc />
    public override string Name => Domain.Name;
}

/// <summary>A variable of a domain.</summary>
/// <param name="Domain">The domain.</param>
/// <param name="Variable">The variable.</param>
internal sealed record VariableTarget(DomainSchema Domain, VariableSchema Variable) : Target("variable:" + Domain.Name + "." + Variable.Name)
{
    /// <inheritdoc />
    public override string Name => Variable.Name;
}

/// <summary>An imported library.</summary>
/// <param name="LibraryName">Its qualified name.</param>
/// <param name="Library">Its exports, when it was found.</param>
internal sealed record LibraryTarget(string LibraryName, LibraryExports? Library) : Target("library:" + LibraryName)
{
    /// <inheritdoc />
    public override string Name => LibraryName;
}

/// <summary>A state of a workflow.</summary>
/// <param name="Path">The file of the workflow.</param>
/// <param name="Workflow">The workflow name.</param>
/// <param name="State">The state name.</param>
/// <param name="Declaration">Where the state's name is declared, when it is.</param>
internal sealed record StateTarget(string Path, string Workflow, string State, TextSpan? Declaration) : Target("state:" + Path + ":" + Workflow + "." + State)
{
    /// <inheritdoc />
    public override string Name => State;
}

/// <summary>A task or gate of a workflow.</summary>
/// <param name="Path">The file of the workflow.</param>
/// <param name="Workflow">The workflow name.</param>
/// <param name="Task">The task name.</param>
/// <param name="Declaration">Where the task's name is declared, when it is.</param>
/// <param name="Title">The task's description, when given.</param>
internal sealed record TaskTarget(string Path, string Workflow, string Task, TextSpan? Declaration, string? Title) : Target("task:" + Path + ":" + Workflow + "." + Task)
{
    /// <inheritdoc />
    public override string Name => Task;
}

/// <summary>A rule with an identity of its own (a criterion, check, safety rule or workflow), named where it is declared.</summary>
/// <param name="RuleName">The rule's name as written.</param>
/// <param name="Identity">Its rule id and hash.</param>
/// <param name="Title">Its title.</param>
internal sealed record RuleTarget(string RuleName, RuleIdentity Identity, string? Title) : Target("rule:" + Identity.Id)
{
    /// <inheritdoc />
    public override string Name => RuleName;
}

/// <summary>A criteria phase.</summary>
/// <param name="Phase">The phase name.</param>
internal sealed record PhaseTarget(string Phase) : Target("phase:" + Phase)
{
    /// <inheritdoc />
    public override string Name => Phase;
}

/// <summary>A built-in function.</summary>
/// <param name="Function">The function name.</param>
internal sealed record BuiltinTarget(string Function) : Target("builtin-function:" + Function)
{
    /// <inheritdoc />
    public override string Name => Function;
}

/// <summary>A name in a file and what it stands for.</summary>
/// <param name="Source">The file.</param>
/// <param name="Span">Where the name is.</param>
/// <param name="Target">What it stands for.</param>
/// <param name="IsDeclaration">True where the thing is declared, false where it is used.</param>
public sealed record Occurrence(SourceText Source, TextSpan Span, Target Target, bool IsDeclaration);
