import { lazy, Suspense } from "react";
import { get, enc } from "../../shared/api";
import { Loading, Problem, Section } from "../../shared/components";
import { dateTime } from "../../shared/format";
import type { ScreeningRun } from "../../shared/types";
import { useLoad } from "../../shared/useLoad";
import { useStudy } from "../../app/Layout";
import { roleLabel } from "../../app/roles";
import type { FairnessRow } from "../../charts/Charts";

const AttritionFunnel = lazy(() => import("../../charts/Charts").then((m) => ({ default: m.AttritionFunnel })));
const CriterionOutcomes = lazy(() => import("../../charts/Charts").then((m) => ({ default: m.CriterionOutcomes })));
const FairnessRatios = lazy(() => import("../../charts/Charts").then((m) => ({ default: m.FairnessRatios })));

/** The study's home for every role: the latest screening in numbers and pictures. */
export function Overview() {
  const { study, roles } = useStudy();
  // The list names the runs; the latest completed one is read whole (its summary: counts, attrition, fairness).
  const runs = useLoad(async () => {
    const list = await get<ScreeningRun[]>(`/api/studies/${enc(study.id)}/screening-runs`);
    const latest = list.find((r) => r.status === "completed");
    return { list, run: latest ? await get<ScreeningRun>(`/api/studies/${enc(study.id)}/screening-runs/${enc(latest.id)}`) : undefined };
  }, [study.id]);
  const run = runs.data?.run;
  const s = run?.summary;
  const fairness = (s?.fairness as { rows?: FairnessRow[] } | undefined)?.rows ?? [];
  return (
    <>
      <h1>{study.title}</h1>
      <p>You work here as {roles.map((r) => roleLabel[r] ?? r).join(", ")}. {study.subjects} subjects at {study.sites.length} sites.</p>
      <Problem error={runs.error} />
      {runs.loading ? <Loading what="the latest screening" /> : null}
      {runs.data && !run ? <p>No completed screening run yet.</p> : null}
      {s ? (
        <>
          <Section title="Latest screening">
            <p>Screened {dateTime(run!.finishedAt)} with {run!.protocol}, as of {s.asOf}.</p>
            <ul className="counts">
              <li><strong>{s.counts.eligible}</strong> eligible</li>
              <li><strong>{s.counts.ineligible}</strong> ineligible</li>
              <li><strong>{s.counts.needsReview}</strong> need review ({s.counts.awaitingAttestationOnly} wait only for an attestation)</li>
            </ul>
          </Section>
          <Suspense fallback={<Loading what="the charts" />}>
            <Section title="Attrition"><AttritionFunnel steps={s.attrition} screened={s.counts.subjects} /></Section>
            <Section title="Outcomes per criterion"><CriterionOutcomes counts={s.criteriaCounts} /></Section>
            {fairness.length > 0 ? <Section title="Fairness"><FairnessRatios rows={fairness} /></Section> : null}
          </Suspense>
        </>
      ) : null}
    </>
  );
}
