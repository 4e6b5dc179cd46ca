import { useState } from "react";
import { useParams } from "react-router";
import { enc, get, post } from "../../shared/api";
import { Hash, Loading, Outcome, Problem, Section, Signature } from "../../shared/components";
import { dateTime, value } from "../../shared/format";
import { SignDialog } from "../../shared/SignDialog";
import type { CriterionInfo, CriterionResult, ScreeningRun, SubjectPage } from "../../shared/types";
import { useLoad } from "../../shared/useLoad";
import { useStudy } from "../../app/Layout";
import { workflowRoles } from "../../app/roles";
import { useSession } from "../../app/session";
import { TaskDecision } from "../TaskDecision";

/** One subject: every criterion with its text, rule, outcome and the values it read; attestations and review gates, signed. */
export function Subject() {
  const { subjectId = "" } = useParams();
  const { study, roles, readOnly } = useStudy();
  const { me } = useSession();
  const page = useLoad(() => get<SubjectPage>(`/api/studies/${enc(study.id)}/subjects/${enc(subjectId)}`), [study.id, subjectId]);
  const runId = page.data?.screening?.run;
  const run = useLoad(() => (runId ? get<ScreeningRun>(`/api/studies/${enc(study.id)}/screening-runs/${enc(runId)}`) : Promise.resolve(null)), [study.id, runId]);
  const dates = useLoad(() => get<{ dates: Record<string, Record<string, string>> }>(`/api/studies/${enc(study.id)}/subjects/${enc(subjectId)}/record-dates`), [study.id, subjectId]);
  const [attesting, setAttesting] = useState<CriterionInfo | null>(null);
  const criteria = new Map((run.data?.summary?.criteria ?? []).map((c) => [c.id, c]));
  const canAttest = !readOnly && roles.includes("Investigator");
  const actsAs = workflowRoles(roles);
  const p = page.data;
  return (
    <>
      <h1>Subject {subjectId}</h1>
      <Problem error={page.error} />
      {page.loading && !p ? <Loading what="the subject" /> : null}
      {p ? (
        <>
          <p>Site {p.site ?? "—"}.{" "}
            {p.screening ? <>Screening as of {p.screening.asOf} ({p.screening.protocol}): <Outcome value={p.screening.result.status} /></> : "Not screened yet."}
          </p>
          {p.screening ? (
            <Section title="Criteria">
              {p.screening.result.reasons.length > 0 ? <ul>{p.screening.result.reasons.map((r) => <li key={r}>{r}</li>)}</ul> : null}
              <ol className="criteria">
                {p.screening.result.criteria.map((c) => (
                  <CriterionCard key={c.id} c={c} info={criteria.get(c.id)} dates={dates.data?.dates ?? {}} attestations={p.attestations.filter((a) => a.criterion === c.id)}
                    onAttest={canAttest && criteria.get(c.id)?.attestedBy ? () => setAttesting(criteria.get(c.id)!) : undefined} />
                ))}
              </ol>
            </Section>
          ) : null}
          <Section title="Workflows">
            {p.workflows.length === 0 ? <p>No workflow has started for this subject.</p> : null}
            {p.workflows.map((w) => (
              <article key={w.id} className="workflow" aria-label={`${w.workflow} ${w.key}`}>
                <h3>{w.workflow} <span className="muted">({w.key})</span></h3>
                <p>State: <strong data-testid={`state-${w.workflow}`}>{w.state}</strong> ({w.status}), started {dateTime(w.startedAt)}</p>
                <ul>
                  {w.tasks.map((t) => (
                    <li key={t.id}>
                      {t.title ?? t.name}: {t.status}{t.dueAt ? `, due ${dateTime(t.dueAt)}` : ""}
                      {t.decision ? <> — decided <strong>{t.decision}</strong>{t.reason ? ` (“${t.reason}”)` : ""}{t.completedBy ? ` by ${t.completedBy}` : ""}</> : null}
                      {t.signatures.map((s) => <div key={s.signatureHash}><Signature s={s} /></div>)}
                      {(t.status === "open" || t.status === "claimed") && !readOnly && t.candidateRoles.some((r) => actsAs.has(r)) ? (
                        <div><TaskDecision studyId={study.id} taskId={t.id} label={`Decide ${t.name}`} onDone={page.reload} /></div>
                      ) : null}
                    </li>
                  ))}
                </ul>
                {w.clocks.length > 0 ? (
                  <ul>{w.clocks.map((c) => <li key={c.name}>Clock {c.name} ({c.party}): {c.status}, due {dateTime(c.dueAt)}</li>)}</ul>
                ) : null}
              </article>
            ))}
          </Section>
          <Section title="History">
            <ol className="history">
              {p.history.map((h) => h.kind === "attestation" ? (
                <li key={h.id}>{dateTime(h.at)} — {h.criterion} attested <strong>{h.outcome}</strong> (“{h.reason}”) {h.signature ? <Signature s={h.signature} /> : null}</li>
              ) : (
                <li key={`${h.instance}-${h.seq}`}>{dateTime(h.at)} — {h.workflow}: {h.action} by {h.actor}{h.newValue ? ` → ${h.newValue}` : ""}{h.detail ? ` (${h.detail})` : ""}</li>
              ))}
            </ol>
          </Section>
        </>
      ) : null}
      {attesting ? (
        <SignDialog
          title={`Attest ${attesting.id} for subject ${subjectId}: ${attesting.text}`}
          decisions={[{ value: "met", label: "Met" }, { value: "notMet", label: "Not met" }]}
          meanings={["responsibility", "review", "approval"]}
          signerName={me?.displayName ?? ""}
          onClose={() => setAttesting(null)}
          onSign={async (i) => {
            await post(`/api/studies/${enc(study.id)}/subjects/${enc(subjectId)}/attestations`, {
              criterion: attesting.id, outcome: i.decision, reason: i.reason, signature: { meaning: i.meaning, password: i.password },
            });
            setAttesting(null);
            page.reload();
          }}
        />
      ) : null}
    </>
  );
}

function CriterionCard({ c, info, dates, attestations, onAttest }: {
  c: CriterionResult; info: CriterionInfo | undefined; dates: Record<string, Record<string, string>>; attestations: SubjectPage["attestations"]; onAttest?: () => void;
}) {
  const values = c.evidence.filter((e) => e.variable);
  const searches = c.evidence.filter((e) => e.searched !== undefined || e.domainMissing);
  return (
    <li className={`criterion outcome-${c.outcome.toLowerCase()}`} aria-labelledby={`crit-${c.id}`}>
      <h3 id={`crit-${c.id}`}>{c.id} <span className="muted">({c.kind})</span> <Outcome value={c.outcome} /></h3>
      <p className="protocol-text">{info?.text ?? "—"}</p>
      {info?.attestedBy ? <p>Attested by {info.attestedBy}: a person decides this criterion.</p> : <pre className="rule" aria-label={`Formal rule of ${c.id}`}>{info?.rule}</pre>}
      <p className="muted">Rule hash <Hash value={c.hash} /> · cause: {c.cause}</p>
      {c.reason ? <p>Why: {c.reason}</p> : null}
      {c.outcome === "Unknown" && c.missing && c.missing.length > 0 ? (
        <div className="missing"><strong>Missing:</strong><ul>{c.missing.map((m) => <li key={m}>{m}</li>)}</ul></div>
      ) : null}
      {c.error ? <p className="bad">Rule error {c.error.code}: {c.error.message}</p> : null}
      {values.length > 0 ? (
        <table className="grid values" aria-label={`Values ${c.id} read`}>
          <thead><tr><th scope="col">Domain</th><th scope="col">Sequence</th><th scope="col">Date</th><th scope="col">Variable</th><th scope="col">Value</th></tr></thead>
          <tbody>{values.map((e, i) => (
            <tr key={i}><td>{e.domain}</td><td>{e.seq ?? "—"}</td><td>{e.seq !== null && e.seq !== undefined ? dates[e.domain]?.[String(e.seq)] ?? "—" : "—"}</td><td>{e.variable}</td><td>{value(e.value)}</td></tr>
          ))}</tbody>
        </table>
      ) : null}
      {searches.length > 0 ? (
        <p className="muted">{searches.map((e) => e.domainMissing ? `${e.domain}: the study has no ${e.domain} domain` : `${e.domain}: ${e.searched} record(s) searched`).join("; ")}</p>
      ) : null}
      {attestations.map((a) => (
        <p key={a.id} className="attested">Attested <strong>{a.outcome}</strong> (“{a.reason}”). {a.signature ? <Signature s={a.signature} /> : null}</p>
      ))}
      {onAttest ? <button type="button" onClick={onAttest}>Attest {c.id}</button> : null}
    </li>
  );
}
