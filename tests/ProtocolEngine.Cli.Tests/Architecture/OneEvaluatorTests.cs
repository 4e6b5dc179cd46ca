using System.Reflection;
using System.Reflection.Emit;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Evaluation;

namespace ProtocolEngine.Cli.Tests.Architecture;

/// <summary>
/// Criteria are evaluated in one place. Every method of every shipped assembly (the command line references them all)
/// is read as IL: only <see cref="EligibilityWorker"/> may read a criterion's compiled rule
/// (<c>ExecutableCriterion.Rule</c>), so no caller can run criteria without the missing-data policy and the recorded
/// determinations.
/// </summary>
public sealed class OneEvaluatorTests
{
    private static readonly MethodInfo RuleGetter =
        typeof(ExecutableCriterion).GetProperty("Rule", BindingFlags.Instance | BindingFlags.NonPublic)!.GetMethod!;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private static IEnumerable<Assembly> ShippedAssemblies() =>
        Directory.GetFiles(AppContext.BaseDirectory, "ProtocolEngine.*.dll")
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "protocol.dll"))
            .Where(p => !Path.GetFileName(p).Contains(".Tests", StringComparison.Ordinal))
            .Select(p => Assembly.LoadFrom(p));

    /// <summary>The methods (with their declaring types) that read the criterion's compiled rule.</summary>
    private static List<string> RuleReaders()
    {
        var readers = new List<string>();
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var assembly in ShippedAssemblies())
            foreach (var type in assembly.GetTypes())
                foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
                    if (Calls(method, RuleGetter)) readers.Add($"{type.FullName}.{method.Name}");
        return readers;
    }

    private static bool Calls(MethodBase method, MethodInfo target)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) return false;
        for (int i = 0; i < il.Length;)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            var op = OpCodesByValue[value];
            i += op.Size;
            if (op.OperandType == OperandType.InlineMethod)
            {
                int token = BitConverter.ToInt32(il, i);
                try
                {
                    var called = method.Module.ResolveMethod(token, method.DeclaringType?.GetGenericArguments(), method.IsGenericMethod ? method.GetGenericArguments() : null);
                    if (called == target) return true;
                }
                catch (ArgumentException)
                {
                    // A token of a generic context this scan does not reconstruct; it cannot be the (non-generic) getter.
                }
            }
            i += op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
        }
        return false;
    }

    [Fact]
    public void OnlyTheEligibilityWorker_RunsACriterionsCompiledRule()
    {
        var readers = RuleReaders();
        // The scan sees the one legitimate reader (so it can see others) ...
        Assert.Contains(readers, r => r.StartsWith(typeof(EligibilityWorker).FullName!, StringComparison.Ordinal));
        // ... and no other: screening, explain, demo, the workflow rule host and simulations all go through the evaluator.
        var others = readers.Where(r => !r.StartsWith(typeof(EligibilityWorker).FullName!, StringComparison.Ordinal)
            && !r.StartsWith(typeof(ExecutableCriterion).FullName!, StringComparison.Ordinal)).ToList();
        Assert.True(others.Count == 0, "Criteria evaluated outside the eligibility evaluator: " + string.Join(", ", others));
    }
}
