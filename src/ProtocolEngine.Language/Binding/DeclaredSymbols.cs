namespace ProtocolEngine.Language.Binding;

/// <summary>
/// The names a protocol or library file declares, by kind, as the binder left them: what a compiled protocol answers
/// about its own file and what a library makes available to the files that import it.
/// </summary>
public abstract class DeclaredSymbols
{
    private protected DeclaredSymbols(Binder binder, bool declaredRolesOnly)
    {
        Defines = binder.Defines;
        Functions = binder.Functions;
        Tables = binder.Tables;
        CodeLists = binder.CodeLists;
        Parameters = binder.Parameters;
        Roles = declaredRolesOnly ? binder.Roles.Where(r => r.Value.Declaration is not null).ToDictionary() : binder.Roles;
    }

    private protected DeclaredSymbols(DeclaredSymbols other)
    {
        Defines = other.Defines;
        Functions = other.Functions;
        Tables = other.Tables;
        CodeLists = other.CodeLists;
        Parameters = other.Parameters;
        Roles = other.Roles;
    }

    /// <summary>Named definitions.</summary>
    public IReadOnlyDictionary<string, DefineSymbol> Defines { get; }

    /// <summary>Functions, by name (one overload per name).</summary>
    public IReadOnlyDictionary<string, FunctionSymbol> Functions { get; }

    /// <summary>Decision tables.</summary>
    public IReadOnlyDictionary<string, TableSymbol> Tables { get; }

    /// <summary>Code lists.</summary>
    public IReadOnlyDictionary<string, CodeListSymbol> CodeLists { get; }

    /// <summary>Parameters (of a library: with the importer's overrides applied).</summary>
    public IReadOnlyDictionary<string, ParameterSymbol> Parameters { get; }

    /// <summary>Roles: a protocol's standard and declared ones; those a library declares.</summary>
    public IReadOnlyDictionary<string, RoleSymbol> Roles { get; }
}
