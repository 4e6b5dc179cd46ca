import { useState } from "react";
import { Link } from "react-router";
import { enc, get, post, qs } from "../../shared/api";
import { Loading, Problem, Section } from "../../shared/components";
import { dateTime } from "../../shared/format";
import { SignDialog } from "../../shared/SignDialog";
import type { DataQuery } from "../../shared/types";
import { useLoad } from "../../shared/useLoad";
import { useStudy } from "../../app/Layout";
import { workflowRoles } from "../../app/roles";
import { useSession } from "../../app/session";

interface Run { id: string; status: string; startedAt: string; finishedAt: string | null; summary: { checks: number; failedChecks: number; findings: number } | null }
interface Findings {
  run: string; by: string; total: number;
  groups: { key: string; label: string; severity: string | null; count: number; findings: { check: string; subject: string | null; dataset: string | null; record: string | null; message: string; values: { variable: string; value: string | null }[] }[] }[];
}

/** A query in words, for its buttons' names: its check, subject and record. */
function what(q: DataQuery): string {
  return `query ${q.check} of ${q.subject ?? "the study"}${q.dataset ? ` (${q.dataset}${q.recordKey ? " " + q.recordKey : ""})` : ""}`;
}

/** Validation findings by check and by subject, and the data queries to answer, close or check again. */
export function DataQuality() {
  const { study, roles, readOnly } = useStudy();
  const { me } = useSession();
  const canRun = !readOnly && (roles.includes("DataManager") || roles.includes("Admin"));
  const actsAs = workflowRoles(roles);
  const runs = useLoad(() => get<Run[]>(`/api/studies/${enc(study.id)}/validation-runs`), [study.id]);
  const run = runs.data?.find((r) => r.status === "completed");
  const [by, setBy] = useState<"check" | "subject">("check");
  const findings = useLoad(() => (run ? get<Findings>(`/api/studies/${enc(study.id)}/validation-runs/${enc(run.id)}/findings${qs({ by })}`) : Promise.resolve(null)), [study.id, run?.id, by]);
  const [closed, setClosed] = useState(false);
  const queries = useLoad(() => get<DataQuery[]>(`/api/studies/${enc(study.id)}/queries${qs({ includeClosed: closed })}`), [study.id, closed]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [answering, setAnswering] = useState<DataQuery | null>(null);
  const [closing, setClosing] = useState<DataQuery | null>(null);
  const [note, setNote] = useState("");

  async function act<T>(f: () => Promise<T>, done: (result: T) => string) {
    setBusy(true); setError(undefined); setNote("");
    try { setNote(done(await f())); queries.reload(); } catch (e) { setError(e); } finally { setBusy(false); }
  }

  return (
    <>
      <h1>Data quality</h1>
      <Problem error={error} />
      {note ? <p role="status">{note}</p> : null}
      <Section title="Validation">
        <Problem error={runs.error} />
        {run ? <p>Latest run {dateTime(run.finishedAt)}: {run.summary?.checks} checks, {run.summary?.failedChecks} with findings, {run.summary?.findings} findings.</p> : <p>No completed validation run yet.</p>}
        {canRun ? (
          <button type="button" disabled={busy} onClick={() => act(async () => { await post(`/api/studies/${enc(study.id)}/validation-runs?wait=true`, {}); runs.reload(); }, () => "Validation finished; the queries are reconciled.")}>Run the data checks</button>
        ) : null}
        {run ? (
          <>
            <div className="toolbar" role="group" aria-label="Group findings">
              <label><input type="radio" name="by" checked={by === "check"} onChange={() => setBy("check")} /> By check</label>
              <label><input type="radio" name="by" checked={by === "subject"} onChange={() => setBy("subject")} /> By subject</label>
            </div>
            <Problem error={findings.error} />
            {findings.loading ? <Loading what="the findings" /> : null}
            {findings.data ? (
              <table className="grid" aria-label={`Findings by ${by}`}>
                <thead><tr><th scope="col">{by === "check" ? "Check" : "Subject"}</th><th scope="col">Findings</th><th scope="col">Examples</th></tr></thead>
                <tbody>
                  {findings.data.groups.map((g) => (
                    <tr key={g.key}>
                      <th scope="row">{by === "subject" && g.key !== "" ? <Link to={`/s/${study.id}/subjects/${enc(g.key)}`}>{g.label}</Link> : g.label}{g.severity ? <div className="muted">{g.severity}</div> : null}</th>
                      <td>{g.count}</td>
                      <td><ul>{g.findings.slice(0, 3).map((f, i) => <li key={i}>{by === "check" ? f.subject ?? "(study)" : f.check}: {f.message}{f.values.length > 0 ? ` (${f.values.map((v) => `${v.variable}=${v.value ?? "null"}`).join(", ")})` : ""}</li>)}</ul></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </>
        ) : null}
      </Section>
      <Section title="Data queries">
        <label className="toolbar"><input type="checkbox" checked={closed} onChange={(e) => setClosed(e.target.checked)} /> Show closed queries too</label>
        <Problem error={queries.error} />
        {queries.data ? (
          <table className="grid" aria-label="Data queries">
            <thead><tr><th scope="col">Query</th><th scope="col">Subject</th><th scope="col">State</th><th scope="col">To</th><th scope="col">Opened</th><th scope="col">Actions</th></tr></thead>
            <tbody>
              {queries.data.map((q) => (
                <tr key={q.id} data-query={q.id}>
                  <td>{q.check}{q.dataset ? ` (${q.dataset}${q.recordKey ? " " + q.recordKey : ""})` : ""}<div>{q.message}</div></td>
                  <td>{q.subject ?? "—"}</td><td>{q.state}</td><td>{q.role}</td><td>{dateTime(q.openedAt)}</td>
                  <td>
                    {readOnly || q.state === "Closed" ? null : (
                      <div className="actions">
                        {q.taskId && (actsAs.has(q.role) || roles.includes("Admin")) ? <button type="button" aria-label={`Answer ${what(q)}`} onClick={() => setAnswering(q)}>Answer</button> : null}
                        {canRun ? <button type="button" className="secondary" aria-label={`Close ${what(q)}`} onClick={() => setClosing(q)}>Close</button> : null}
                        {canRun ? <button type="button" className="secondary" aria-label={`Re-check ${what(q)}`} disabled={busy} onClick={() => act(() => post<{ resolved: boolean; explanation: string }>(`/api/studies/${enc(study.id)}/queries/${enc(q.id)}/recheck`),
                          (r) => `Query ${q.check}${q.subject ? ` (${q.subject})` : ""} checked again: ${r.explanation}${r.resolved ? " It is closed." : " It stays open."}`)}>Re-check</button> : null}
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Section>
      {answering ? (
        <SignDialog title={`Answer the query ${answering.check}: ${answering.message}`} meanings={[]} signerName={me?.displayName ?? ""}
          decisions={[{ value: "corrected", label: "Corrected: the data were fixed" }, { value: "explained", label: "Explained: the value is right" }]}
          onClose={() => setAnswering(null)}
          onSign={async (i) => { await post(`/api/studies/${enc(study.id)}/queries/${enc(answering.id)}/answer`, { decision: i.decision, reason: i.reason }); setAnswering(null); setNote("Answered."); queries.reload(); }} />
      ) : null}
      {closing ? (
        <SignDialog title={`Close the query ${closing.check}`} meanings={[]} signerName={me?.displayName ?? ""} decisions={[{ value: "close", label: "Close" }]}
          onClose={() => setClosing(null)}
          onSign={async (i) => { await post(`/api/studies/${enc(study.id)}/queries/${enc(closing.id)}/close`, { reason: i.reason }); setClosing(null); setNote("Closed."); queries.reload(); }} />
      ) : null}
    </>
  );
}
