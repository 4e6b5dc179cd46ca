import { useState } from "react";
import { Link } from "react-router";
import { enc, get, qs } from "../../shared/api";
import { Loading, Problem, Section } from "../../shared/components";
import { dateTime } from "../../shared/format";
import type { Inbox as InboxPage, ScreeningRun } from "../../shared/types";
import { useLoad } from "../../shared/useLoad";
import { useStudy } from "../../app/Layout";
import { TaskDecision } from "../TaskDecision";

const pageSize = 50;

/** The tasks a person can act on, due first and overdue marked, one page at a time (the server pages: 10,000 tasks stay quick). */
export function Inbox() {
  const { study, roles, readOnly } = useStudy();
  const [offset, setOffset] = useState(0);
  const [view, setView] = useState<"mine" | "all">(readOnly ? "all" : "mine");
  const inbox = useLoad(() => get<InboxPage>(`/api/studies/${enc(study.id)}/tasks${qs({ view, offset, limit: pageSize })}`), [study.id, view, offset]);
  const total = inbox.data?.total ?? 0;
  return (
    <>
      <h1>Inbox</h1>
      <div className="toolbar" role="group" aria-label="Which tasks">
        <label>
          <input type="radio" name="view" checked={view === "mine"} onChange={() => { setView("mine"); setOffset(0); }} /> Tasks I can act on
        </label>
        <label>
          <input type="radio" name="view" checked={view === "all"} onChange={() => { setView("all"); setOffset(0); }} /> Every open task I may see
        </label>
      </div>
      <Problem error={inbox.error} />
      {inbox.loading && !inbox.data ? <Loading what="the inbox" /> : null}
      {inbox.data ? (
        <>
          <p role="status" aria-live="polite">{total} task{total === 1 ? "" : "s"}; showing {total === 0 ? 0 : offset + 1}–{Math.min(offset + pageSize, total)}, due first.</p>
          <table className="grid" aria-label="Tasks, due first">
            <thead>
              <tr><th scope="col">Due</th><th scope="col">Task</th><th scope="col">Subject</th><th scope="col">Site</th><th scope="col">Status</th><th scope="col">Action</th></tr>
            </thead>
            <tbody>
              {inbox.data.tasks.map((t) => (
                <tr key={t.id} className={t.overdue ? "overdue" : undefined}>
                  <td>{dateTime(t.dueAt)}{t.overdue ? <strong className="badge bad"> overdue</strong> : null}</td>
                  <td>{t.title}<div className="muted">{t.workflow} · {t.name}{t.signatureMeaning ? ` · signature: ${t.signatureMeaning}` : ""}</div></td>
                  <td><Link to={`/s/${study.id}/subjects/${enc(t.subject)}`}>{t.subject}</Link></td>
                  <td>{t.site ?? "—"}</td>
                  <td>{t.status}{t.assignee ? ` (${t.assignee})` : ""}</td>
                  <td>{readOnly || view === "all" ? null : <TaskDecision studyId={study.id} taskId={t.id} label={`Decide ${t.name} for ${t.subject}`} onDone={inbox.reload} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav aria-label="Inbox pages" className="pager">
            <button type="button" className="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - pageSize))}>Previous page</button>
            <button type="button" className="secondary" disabled={offset + pageSize >= total} onClick={() => setOffset(offset + pageSize)}>Next page</button>
          </nav>
        </>
      ) : null}
      {roles.includes("Investigator") || roles.includes("Admin") ? <NeedsReview studyId={study.id} /> : null}
    </>
  );
}

/** The subjects of the latest screening that need a person (an investigator sees those of their sites only). */
function NeedsReview({ studyId }: { studyId: string }) {
  const [offset, setOffset] = useState(0);
  const list = useLoad(async () => {
    const runs = await get<ScreeningRun[]>(`/api/studies/${enc(studyId)}/screening-runs`);
    const run = runs.find((r) => r.status === "completed");
    if (!run) return null;
    return get<{ total: number; subjects: { subject: string; site: string | null; status: string }[] }>(
      `/api/studies/${enc(studyId)}/screening-runs/${enc(run.id)}/subjects${qs({ status: "NeedsReview", offset, limit: pageSize })}`);
  }, [studyId, offset]);
  return (
    <Section title="Subjects that need review">
      <Problem error={list.error} />
      {list.data === null ? <p>No completed screening yet.</p> : null}
      {list.data ? (
        <>
          <p>{list.data.total} subject{list.data.total === 1 ? "" : "s"} the rules could not decide alone.</p>
          <table className="grid" aria-label="Subjects that need review">
            <thead><tr><th scope="col">Subject</th><th scope="col">Site</th><th scope="col">Screening</th></tr></thead>
            <tbody>
              {list.data.subjects.map((s) => (
                <tr key={s.subject}><td><Link to={`/s/${studyId}/subjects/${enc(s.subject)}`}>{s.subject}</Link></td><td>{s.site ?? "—"}</td><td>{s.status}</td></tr>
              ))}
            </tbody>
          </table>
          <nav aria-label="Subject pages" className="pager">
            <button type="button" className="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - pageSize))}>Previous subjects</button>
            <button type="button" className="secondary" disabled={offset + pageSize >= list.data.total} onClick={() => setOffset(offset + pageSize)}>Next subjects</button>
          </nav>
        </>
      ) : null}
    </Section>
  );
}
