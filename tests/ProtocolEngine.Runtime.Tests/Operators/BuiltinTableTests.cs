using ProtocolEngine.Language.Binding;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Native;

namespace ProtocolEngine.Runtime.Tests.Operators;

public sealed class BuiltinTableTests
{
    [Fact]
    public void Every_builtin_signature_has_an_implementation_of_the_same_arity()
    {
        var problems = new List<string>();
        foreach (var overload in BuiltinCatalog.All)
        {
            var implementation = BuiltinTable.Find(overload.Key);
            if (implementation is null)
            {
                problems.Add($"{overload.Key}: no implementation");
                continue;
            }
            var parameters = implementation.Method.GetParameters().Where(p => p.ParameterType != typeof(EvaluationContext)).ToList();
            if (parameters.Count != overload.Parameters.Length) problems.Add($"{overload.Key}: implementation takes {parameters.Count} arguments");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_implementation_belongs_to_a_signature()
    {
        var keys = BuiltinCatalog.All.Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        var orphans = BuiltinTable.Keys.Where(k => !keys.Contains(k)).ToList();
        Assert.True(orphans.Count == 0, "Implementations without a signature: " + string.Join(", ", orphans));
    }
}
