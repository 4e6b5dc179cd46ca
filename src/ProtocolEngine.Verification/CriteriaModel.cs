using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Verification.Lowering;
using ProtocolEngine.Verification.Solving;

namespace ProtocolEngine.Verification;

/// <summary>A protocol's criteria lowered for the solver: per data criterion, when it passes and when it fails.</summary>
internal sealed class CriteriaModel
{
    private CriteriaModel(CompiledProtocol protocol, SmtLowering lowering, List<LoweredCriterion> criteria)
    {
        Protocol = protocol;
        Lowering = lowering;
        Criteria = criteria;
    }

    public CompiledProtocol Protocol { get; }

    public SmtLowering Lowering { get; }

    public List<LoweredCriterion> Criteria { get; }

    public IEnumerable<BoundCriterion> Attested => Protocol.Criteria.Where(c => c.Rule is null);

    /// <summary>Lowers a protocol's criteria with the given record slots per domain.</summary>
    public static CriteriaModel Lower(CompiledProtocol protocol, string prefix, IReadOnlyDictionary<string, int> slots, int today, StringTable strings) =>
        Lower(protocol, prefix, new SmtLowering("p_", slots, today, strings));

    /// <summary>Lowers a protocol's criteria with a lowering another version already used (so what they share is shared).</summary>
    public static CriteriaModel Lower(CompiledProtocol protocol, string prefix, SmtLowering lowering)
    {
        var criteria = new List<LoweredCriterion>();
        foreach (var c in protocol.Criteria.Where(c => c.Rule is not null))
        {
            lowering.Owner = c.Id;
            lowering.CurrentSource = c.Source;
            var rule = lowering.LowerBoolean(c.Rule!);
            bool inclusion = c.Kind == CriterionKind.Inclusion;
            criteria.Add(new LoweredCriterion(c, inclusion ? rule.T : rule.F, inclusion ? rule.F : rule.T, $"{prefix}ok_{Sanitize(c.Id)}", $"{prefix}no_{Sanitize(c.Id)}"));
        }
        return new CriteriaModel(protocol, lowering, criteria);
    }

    private static string Sanitize(string id) => new(id.Select(ch => char.IsLetterOrDigit(ch) ? ch : '_').ToArray());

    /// <summary>The record slots a complete search needs per domain (one per query site), capped.</summary>
    public static Dictionary<string, int> SlotsNeeded(IEnumerable<CriteriaModel> models, int cap, out bool capped)
    {
        var slots = new Dictionary<string, int>(StringComparer.Ordinal);
        capped = false;
        foreach (var model in models)
            foreach (var (domain, sites) in model.Lowering.SitesPerDomain)
            {
                int n = Math.Max(1, sites);
                if (n > cap)
                {
                    capped = true;
                    n = cap;
                }
                slots[domain] = Math.Max(slots.GetValueOrDefault(domain), n);
            }
        return slots;
    }

    /// <summary>Sends the model to a session: declarations, facts, and an assumption literal per criterion (passes / does not pass).</summary>
    public void Send(Z3Session session, HashSet<string> sent)
    {
        foreach (var d in SmtLowering.Functions.Concat(Lowering.Declarations)) if (sent.Add(d)) session.Send(d);
        foreach (var c in Criteria)
        {
            session.Send($"(declare-const {c.Passes} Bool)");
            session.Send($"(declare-const {c.DoesNotPass} Bool)");
        }
        foreach (var a in Lowering.Axioms) if (sent.Add("assert " + a)) session.Send($"(assert {a})");
        foreach (var a in Lowering.FinishText()) if (sent.Add("assert " + a)) session.Send($"(assert {a})");
        foreach (var c in Criteria)
        {
            session.Send($"(assert (=> {c.Passes} {c.Pass}))");
            session.Send($"(assert (=> {c.DoesNotPass} (not {c.Pass})))");
        }
    }
}

/// <summary>A criterion lowered: the formula for "passes" (inclusion met, exclusion not met) and "fails" (decided the other way).</summary>
internal sealed record LoweredCriterion(BoundCriterion Criterion, string Pass, string Fail, string Passes, string DoesNotPass);
