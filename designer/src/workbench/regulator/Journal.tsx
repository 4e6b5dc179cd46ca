import { useState } from "react";
import { enc, get, qs } from "../../shared/api";
import { Hash, Loading, Problem, Section, Signature } from "../../shared/components";
import { dateTime } from "../../shared/format";
import type { JournalEntry, SignatureView } from "../../shared/types";
import { useLoad } from "../../shared/useLoad";
import { useStudy } from "../../app/Layout";

interface Verify { intact: boolean; instances: number; entries: number; problems: { instance: string; seq: number; kind: string; message: string }[]; audit: { entries: number; intact: boolean; problem: string | null } }
interface SignatureRow { kind: string; record: string; subject: string | null; what: string; signature: SignatureView }

/** The journal with its verification, and every signature of the study with the record it signs. */
export function Journal() {
  const { study } = useStudy();
  const verify = useLoad(() => get<Verify>(`/api/studies/${enc(study.id)}/journal/verify`), [study.id]);
  const signatures = useLoad(() => get<{ signatures: SignatureRow[] }>(`/api/studies/${enc(study.id)}/signatures`), [study.id]);
  const [since, setSince] = useState<number[]>([0]);
  const journal = useLoad(() => get<{ entries: JournalEntry[]; next: number | null }>(`/api/studies/${enc(study.id)}/journal${qs({ since: since[since.length - 1], limit: 100 })}`), [study.id, since]);
  const v = verify.data;
  return (
    <>
      <h1>Journal and signatures</h1>
      <Section title="Verification">
        <Problem error={verify.error} />
        {verify.loading ? <Loading what="the verification" /> : null}
        {v ? (
          <p role="status" className={v.intact ? "good" : "bad"}>
            {v.intact ? "Intact" : "Broken"}: {v.entries} journal entries of {v.instances} workflow instances checked (every hash, link and signature), and {v.audit.entries} entries of the server's audit chain{v.audit.intact ? "" : ` (${v.audit.problem})`}.
          </p>
        ) : null}
        {v && v.problems.length > 0 ? <ul>{v.problems.map((p) => <li key={`${p.instance}-${p.seq}`} className="bad">{p.instance} #{p.seq}: {p.kind} — {p.message}</li>)}</ul> : null}
      </Section>
      <Section title="Signatures">
        <Problem error={signatures.error} />
        {signatures.data ? (
          <table className="grid" aria-label="Every signature">
            <thead><tr><th scope="col">What was signed</th><th scope="col">Subject</th><th scope="col">Signature</th><th scope="col">Record hash</th></tr></thead>
            <tbody>
              {signatures.data.signatures.map((s) => (
                <tr key={s.signature.signatureHash}><td>{s.what}</td><td>{s.subject ?? "—"}</td><td><Signature s={s.signature} /></td><td><Hash value={s.signature.recordHash} /></td></tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Section>
      <Section title="Entries">
        <Problem error={journal.error} />
        {journal.data ? (
          <>
            <table className="grid" aria-label="Journal entries">
              <thead><tr><th scope="col">Time</th><th scope="col">Instance</th><th scope="col">Action</th><th scope="col">By</th><th scope="col">Change</th><th scope="col">Rule hashes</th><th scope="col">Hash</th></tr></thead>
              <tbody>
                {journal.data.entries.map((e) => (
                  <tr key={`${e.instance}-${e.seq}`}>
                    <td>{dateTime(e.at)}</td><td><code>{e.instance.slice(0, 8)}</code> #{e.seq}</td><td>{e.action}</td><td>{e.actor}</td>
                    <td>{e.oldValue ?? ""}{e.newValue ? ` → ${e.newValue}` : ""}{e.detail ? <div className="muted">{e.detail}</div> : null}</td>
                    <td>{(e.ruleHashes ?? "").split(",").filter(Boolean).map((h) => <Hash key={h} value={h} />)}</td><td><Hash value={e.hash} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav aria-label="Journal pages" className="pager">
              <button type="button" className="secondary" disabled={since.length <= 1} onClick={() => setSince(since.slice(0, -1))}>Earlier entries</button>
              <button type="button" className="secondary" disabled={journal.data.next === null} onClick={() => setSince([...since, journal.data!.next!])}>Later entries</button>
            </nav>
          </>
        ) : null}
      </Section>
    </>
  );
}
