import { lazy, Suspense } from "react";
import { Link } from "react-router";
import { enc, get } from "../../shared/api";
import { Loading, Problem, Section } from "../../shared/components";
import { dateTime, duration } from "../../shared/format";
import type { ClockView } from "../../shared/types";
import { useLoad } from "../../shared/useLoad";
import { useStudy } from "../../app/Layout";
import { workflowRoles } from "../../app/roles";
import { TaskDecision } from "../TaskDecision";

const ClockTimeline = lazy(() => import("../../charts/Charts").then((m) => ({ default: m.ClockTimeline })));

interface Proposal { name: string; value: boolean | null; text: string }
interface AdverseEvent {
  instanceId: string; subject: string; site: string | null; key: string; record: Record<string, string>; state: string; status: string; startedAt: string;
  proposals: Proposal[]; clocks: ClockView[];
  openTasks: { id: string; name: string; title: string; dueAt: string | null; overdue: boolean; signatureMeaning: string | null; candidateRoles: string[]; status: string; assignee: string | null }[];
  escalations: { at: string; action: string; detail: string | null }[];
}
interface Queue { now: string; total: number; events: AdverseEvent[] }

/** An escalation's detail in words: a missed clock's JSON (clock, party, due) as a sentence, anything else as written. */
function describe(detail: string): string {
  try {
    const d = JSON.parse(detail) as { clock?: string; party?: string; dueAt?: string };
    if (d && typeof d === "object" && d.clock) return `clock ${d.clock}${d.party ? ` (to ${d.party})` : ""}${d.dueAt ? `, due ${dateTime(d.dueAt)}` : ""}`;
  } catch {
    // Not JSON: the words the engine journaled.
  }
  return detail;
}

function proposalText(v: boolean | null) {
  return v === null ? "unknown (a person decides)" : v ? "yes" : "no";
}

/** The adverse-event queue: what the engine proposes, the reporting clocks counting down, the tasks to review and sign, escalations and misses. */
export function AdverseEvents() {
  const { study, roles, readOnly } = useStudy();
  const actsAs = workflowRoles(roles);
  const queue = useLoad(() => get<Queue>(`/api/studies/${enc(study.id)}/adverse-events`), [study.id]);
  const q = queue.data;
  const now = q ? Date.parse(q.now) : Date.now();
  const clocks = (q?.events ?? []).flatMap((e) => e.clocks.map((c) => ({ ...c, ae: `${e.subject} AE ${e.record.AESEQ ?? e.key}` })));
  return (
    <>
      <h1>Adverse events</h1>
      <Problem error={queue.error} />
      {queue.loading && !q ? <Loading what="the adverse events" /> : null}
      {q ? (
        <>
          <p>{q.total} adverse event{q.total === 1 ? "" : "s"} in escalation; running clocks first, the nearest deadline first.</p>
          {q.events.map((e) => {
            const label = `${e.subject} AE ${e.record.AESEQ ?? ""} ${e.record.AEDECOD ?? e.record.AETERM ?? ""}`.trim();
            return (
              <section key={e.instanceId} className="card ae" aria-label={label}>
                <h2>{label}</h2>
                <p>Subject <Link to={`/s/${study.id}/subjects/${enc(e.subject)}`}>{e.subject}</Link>, site {e.site ?? "—"} · state <strong>{e.state}</strong> ({e.status}) · reported {dateTime(e.startedAt)}</p>
                <h3>The engine proposes</h3>
                <ul className="proposals">
                  {e.proposals.map((p) => <li key={p.name}><strong>{p.name}</strong>: {proposalText(p.value)} <span className="muted">— {p.text}</span></li>)}
                </ul>
                <h3>Reporting clocks</h3>
                <table className="grid" aria-label={`Clocks of ${label}`}>
                  <thead><tr><th scope="col">Clock</th><th scope="col">To</th><th scope="col">Due</th><th scope="col">Status</th><th scope="col">Time left</th></tr></thead>
                  <tbody>
                    {e.clocks.map((c) => (
                      <tr key={c.name} className={c.status === "missed" ? "overdue" : undefined}>
                        <td>{c.name}</td><td>{c.party}</td><td>{dateTime(c.dueAt)}</td>
                        <td>{c.status === "missed" ? <strong className="bad">missed</strong> : c.status}{c.metAt ? ` ${dateTime(c.metAt)}` : ""}</td>
                        <td>{c.status === "running" ? duration((Date.parse(c.dueAt) - now) / 1000) : "—"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {e.openTasks.length > 0 ? (
                  <>
                    <h3>To do</h3>
                    <ul>
                      {e.openTasks.map((t) => (
                        <li key={t.id}>
                          {t.title} ({t.candidateRoles.join(" or ")}){t.dueAt ? `, due ${dateTime(t.dueAt)}` : ""}{t.overdue ? <strong className="bad"> overdue</strong> : null}
                          {readOnly || !t.candidateRoles.some((r) => actsAs.has(r)) ? null : <> <TaskDecision studyId={study.id} taskId={t.id} label={`Review and sign ${t.name} for ${e.subject}`} onDone={queue.reload} /></>}
                        </li>
                      ))}
                    </ul>
                  </>
                ) : null}
                {e.escalations.length > 0 ? (
                  <>
                    <h3>Escalations and missed deadlines</h3>
                    <ul>{e.escalations.map((x, i) => <li key={i} className="bad">{dateTime(x.at)} — {x.action}{x.detail ? `: ${describe(x.detail)}` : ""}</li>)}</ul>
                  </>
                ) : null}
              </section>
            );
          })}
          {clocks.length > 0 ? (
            <Section title="Clock timelines">
              <Suspense fallback={<Loading what="the timeline" />}><ClockTimeline clocks={clocks} now={now} /></Suspense>
            </Section>
          ) : null}
        </>
      ) : null}
    </>
  );
}
