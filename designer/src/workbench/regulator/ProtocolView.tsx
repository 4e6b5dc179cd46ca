import { enc, get } from "../../shared/api";
import { Hash, Loading, Problem, Section, Signature } from "../../shared/components";
import { dateTime } from "../../shared/format";
import type { SignatureView } from "../../shared/types";
import { useLoad } from "../../shared/useLoad";
import { useStudy } from "../../app/Layout";

interface Rendered {
  protocol: { id: string; name: string; number: number; version: string; title: string; contentHash: string; author: string; publishedAt: string; signature: SignatureView | null };
  phase: string | null; amends: string | null; sponsor: string | null; indication: string | null; citations: string[];
  libraries: { name: string; alias: string | null }[];
  criteria: { number: number; id: string; kind: string; text: string; rule: string | null; attestedBy: string | null; phase: string | null; citations: string[]; hash: string }[];
  parameters: { name: string; text: string }[];
  arms: { name: string; title: string; ratio: number }[];
  visits: { name: string; number: number; text: string }[];
  safetyRules: { id: string; title: string; classification: string | null; text: string; hash: string }[];
}

/** The study's protocol version rendered for reading: numbered criteria with the formal rule beside, citations, parameters, hashes. */
export function ProtocolView() {
  const { study } = useStudy();
  const [name, number] = study.protocol.id.split("@");
  const doc = useLoad(() => get<Rendered>(`/api/protocols/${enc(name)}/versions/${enc(number)}/render`), [study.protocol.id]);
  const r = doc.data;
  return (
    <>
      <h1>Protocol {study.protocol.name}</h1>
      <Problem error={doc.error} />
      {doc.loading ? <Loading what="the protocol" /> : null}
      {r ? (
        <>
          <Section title="Version">
            <dl className="facts">
              <dt>Title</dt><dd>{r.protocol.title}</dd>
              <dt>Version</dt><dd>{r.protocol.version} (published as {r.protocol.id}){r.amends ? `, amends ${r.amends}` : ""}</dd>
              <dt>Content hash</dt><dd><code className="hash-full">{r.protocol.contentHash}</code></dd>
              <dt>Published</dt><dd>{dateTime(r.protocol.publishedAt)} by {r.protocol.author}</dd>
              <dt>Signature</dt><dd>{r.protocol.signature ? <Signature s={r.protocol.signature} /> : "unsigned"}</dd>
              {r.sponsor ? <><dt>Sponsor</dt><dd>{r.sponsor}</dd></> : null}
              {r.indication ? <><dt>Indication</dt><dd>{r.indication}</dd></> : null}
              {r.phase ? <><dt>Phase</dt><dd>{r.phase}</dd></> : null}
              <dt>Libraries</dt><dd>{r.libraries.map((l) => l.name).join(", ") || "none"}</dd>
            </dl>
            {r.citations.length > 0 ? <><h3>Citations</h3><ul>{r.citations.map((c) => <li key={c}>{c}</li>)}</ul></> : null}
          </Section>
          <Section title="Eligibility criteria">
            <table className="grid protocol">
              <thead><tr><th scope="col">#</th><th scope="col">Criterion</th><th scope="col">Protocol text</th><th scope="col">Formal rule</th><th scope="col">Rule hash</th></tr></thead>
              <tbody>
                {r.criteria.map((c) => (
                  <tr key={c.id}>
                    <td>{c.number}</td>
                    <th scope="row">{c.id}<div className="muted">{c.kind}{c.phase ? `, phase ${c.phase}` : ""}</div></th>
                    <td>{c.text}{c.citations.length > 0 ? <div className="muted">Cites {c.citations.join("; ")}</div> : null}</td>
                    <td>{c.attestedBy ? <em>attested by {c.attestedBy}</em> : <pre className="rule">{c.rule}</pre>}</td>
                    <td><Hash value={c.hash} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Section>
          {r.parameters.length > 0 ? (
            <Section title="Parameters"><ul>{r.parameters.map((p) => <li key={p.name}><pre className="rule">{p.text}</pre></li>)}</ul></Section>
          ) : null}
          {r.arms.length > 0 ? (
            <Section title="Arms"><ul>{r.arms.map((a) => <li key={a.name}>{a.name}: {a.title} (ratio {a.ratio})</li>)}</ul></Section>
          ) : null}
          {r.visits.length > 0 ? (
            <Section title="Visits"><ul>{r.visits.map((v) => <li key={v.name}><code>{v.text}</code></li>)}</ul></Section>
          ) : null}
          {r.safetyRules.length > 0 ? (
            <Section title="Safety rules"><ul>{r.safetyRules.map((s) => <li key={s.id}><strong>{s.id}</strong> {s.title} <Hash value={s.hash} /></li>)}</ul></Section>
          ) : null}
        </>
      ) : null}
    </>
  );
}
