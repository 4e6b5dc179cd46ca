import { useEffect, useState } from "react";
import { Link } from "react-router";
import { enc, get, qs } from "../../shared/api";
import { Hash, Loading, Outcome, Problem, Section } from "../../shared/components";
import { useLoad } from "../../shared/useLoad";
import { useStudy } from "../../app/Layout";

interface Version { id: string; number: number; version: string; title: string; contentHash: string }
interface Side { text: string; rule: string; hash: string; decisionHash: string }
interface Diff {
  from: { id: string; version: string; contentHash: string }; to: { id: string; version: string; contentHash: string };
  changed: number;
  criteria: { id: string; change: string; titleChanged: boolean; ruleChanged: boolean; kindChanged: boolean; attestationChanged: boolean; phaseChanged: boolean; canAlterOutcome: boolean; before: Side | null; after: Side | null }[];
}
interface Impact {
  diff: Diff;
  impact: { asOf: string; screened: number; changed: number; subjects: { subject: string; site: string | null; before: string; after: string; criteria: { id: string; before: string | null; after: string | null }[] }[] };
}

/** One side of a changed criterion: its text, its rule, its rule hash (its identity) and its decision hash (what the outcome depends on). */
function Version({ side }: { side: Side }) {
  return (
    <>
      <div>{side.text}</div>
      <pre className="rule">{side.rule || "(attested)"}</pre>
      <div className="muted">rule hash <Hash value={side.hash} /> · decision hash <Hash value={side.decisionHash} /></div>
    </>
  );
}

/** Two published versions compared criterion by criterion, and the subjects of this study whose eligibility changes between them. */
export function Amendments() {
  const { study } = useStudy();
  const name = study.protocol.name ?? "";
  const versions = useLoad(() => get<Version[]>(`/api/protocols/${enc(name)}/versions`), [name]);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  useEffect(() => {
    const v = versions.data;
    if (v && v.length > 0 && !from) {
      const sorted = [...v].sort((a, b) => a.number - b.number);
      setFrom(sorted[0].id);
      setTo(sorted[sorted.length - 1].id);
    }
  }, [versions.data, from]);
  const impact = useLoad(() => (from && to ? get<Impact>(`/api/studies/${enc(study.id)}/amendment-impact${qs({ from, to })}`) : Promise.resolve(null)), [study.id, from, to]);
  const d = impact.data;
  return (
    <>
      <h1>Amendment diff</h1>
      <Problem error={versions.error} />
      {versions.data ? (
        <form className="toolbar" onSubmit={(e) => e.preventDefault()} aria-label="Versions to compare">
          <label>From <select value={from} onChange={(e) => setFrom(e.target.value)}>{versions.data.map((v) => <option key={v.id} value={v.id}>{v.id} (version {v.version})</option>)}</select></label>
          <label>To <select value={to} onChange={(e) => setTo(e.target.value)}>{versions.data.map((v) => <option key={v.id} value={v.id}>{v.id} (version {v.version})</option>)}</select></label>
        </form>
      ) : null}
      <Problem error={impact.error} />
      {impact.loading ? <Loading what="the comparison (both versions screen the study)" /> : null}
      {d ? (
        <>
          <p>{d.diff.from.id} (version {d.diff.from.version}, <Hash value={d.diff.from.contentHash} />) → {d.diff.to.id} (version {d.diff.to.version}, <Hash value={d.diff.to.contentHash} />): {d.diff.changed} criteria differ.</p>
          <Section title="Changed criteria">
            <table className="grid" aria-label="Changed criteria">
              <thead><tr><th scope="col">Criterion</th><th scope="col">Change</th><th scope="col">Before</th><th scope="col">After</th><th scope="col">Can alter an outcome</th></tr></thead>
              <tbody>
                {d.diff.criteria.filter((c) => c.change !== "unchanged").map((c) => (
                  <tr key={c.id}>
                    <th scope="row">{c.id}</th>
                    <td>{c.change}{c.change === "changed" ? <div className="muted">{[c.titleChanged && "text", c.ruleChanged && "rule", c.kindChanged && "kind", c.attestationChanged && "attestation", c.phaseChanged && "phase"].filter(Boolean).join(", ")} changed</div> : null}</td>
                    <td>{c.before ? <Version side={c.before} /> : "—"}</td>
                    <td>{c.after ? <Version side={c.after} /> : "—"}</td>
                    <td>{c.canAlterOutcome ? <strong>yes</strong> : "no"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Section>
          <Section title={`Subjects whose eligibility changes (${study.id})`}>
            <p>Both versions screened the study's {d.impact.screened} subjects as of {d.impact.asOf}: {d.impact.changed} change status.</p>
            <table className="grid" aria-label="Subjects whose eligibility changes">
              <thead><tr><th scope="col">Subject</th><th scope="col">Site</th><th scope="col">Before</th><th scope="col">After</th><th scope="col">Criteria that decide the change</th></tr></thead>
              <tbody>
                {d.impact.subjects.map((s) => (
                  <tr key={s.subject}>
                    <th scope="row"><Link to={`/s/${study.id}/subjects/${enc(s.subject)}`}>{s.subject}</Link></th>
                    <td>{s.site ?? "—"}</td>
                    <td><Outcome value={s.before} /></td>
                    <td><Outcome value={s.after} /></td>
                    <td>{s.criteria.map((c) => `${c.id}: ${c.before ?? "—"} → ${c.after ?? "—"}`).join("; ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Section>
        </>
      ) : null}
    </>
  );
}
