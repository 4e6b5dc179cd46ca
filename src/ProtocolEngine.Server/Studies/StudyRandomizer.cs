using NodaTime;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Storage.Server;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Safety.Randomization;

namespace ProtocolEngine.Server.Studies;

/// <summary>
/// The protocol's randomisation shared by every server process: each allocation is made under a database lock from the
/// study's allocations so far (replayed into the protocol's permuted-block randomiser) and stored before the lock is
/// released, so two processes never hand out the same place in a block. A subject allocated before gets the same arm.
/// </summary>
internal sealed class StudyRandomizer(ServerStore store, string studyId, CompiledProtocol protocol, StudyData data, byte[] seed, IClock clock) : ISubjectRandomizer
{
    public RandomizationResult Randomize(WorkflowSubject subject)
    {
        if (protocol.Randomization is null)
            throw new InvalidOperationException($"Protocol {protocol.Name} declares no randomisation, but a workflow asked to randomise {subject.SubjectId}.");
        RandomizationResult? result = null;
        // The rule host's interface is synchronous; the allocation is one short transaction on the server's database.
        store.AllocateAsync(studyId, subject.SubjectId, previous =>
        {
            var randomizer = new ProtocolRandomizer(protocol, data, seed, clock);
            randomizer.Restore(previous.Select(a => new Allocation(a.SubjectId, a.Stratum, a.Arm)));
            // A subject allocated before is found among the replayed allocations and gets the same arm.
            result = randomizer.Randomize(subject);
            return (ProtocolRandomizer.StratumFromMethod(result.Method) ?? "", result.Arm);
        }, clock.GetCurrentInstant()).GetAwaiter().GetResult();
        return result!;
    }
}
