// The criteria of the text being edited, screened over a chosen study by the server's screener: counts, the attrition
// funnel, each criterion's outcomes, and whom the last edit changed (statuses compared with the preview before it).
import type { Preview } from "./designerApi";

export interface PreviewChange { subject: string; before: string; after: string }

export function PreviewPanel({ preview, previous, changes }: { preview: Preview; previous: Preview | null; changes: PreviewChange[] }) {
  const before = new Map((previous?.funnel ?? []).map((f) => [f.criterion, f.remaining]));
  const top = preview.subjects || 1;
  return (
    <div className="preview">
      <p>
        <strong>{preview.subjects}</strong> subjects of study {preview.study} on {preview.asOf}: <span className="outcome-eligible">{preview.counts.eligible} eligible</span>,{" "}
        <span className="outcome-ineligible">{preview.counts.ineligible} ineligible</span>, <span className="outcome-needsreview">{preview.counts.needsReview} need review</span>{" "}
        <span className="muted">(compiled in {preview.compileMs} ms, screened in {preview.screenMs} ms)</span>
      </p>
      <table className="grid funnel" aria-label="Attrition funnel">
        <thead><tr><th scope="col">Criterion</th><th scope="col">Remaining</th><th scope="col">Excluded here</th><th scope="col"><span className="sr-only">Bar</span></th></tr></thead>
        <tbody>
          {preview.funnel.map((f) => {
            const was = before.get(f.criterion);
            return (
              <tr key={f.criterion} data-criterion={f.criterion}>
                <th scope="row">{f.criterion}</th>
                <td className="remaining">{f.remaining}{was !== undefined && was !== f.remaining ? <span className="changed"> (was {was})</span> : null}</td>
                <td>{f.excludedHere}</td>
                <td aria-hidden="true"><span className="bar" style={{ width: `${Math.round((f.remaining / top) * 100)}%` }} /></td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <details>
        <summary>Outcomes per criterion</summary>
        <table className="grid" aria-label="Outcomes per criterion">
          <thead><tr><th scope="col">Criterion</th><th scope="col">Met</th><th scope="col">Not met</th><th scope="col">Unknown</th><th scope="col">Attested</th></tr></thead>
          <tbody>
            {preview.criteria.map((c) => (
              <tr key={c.id}><th scope="row" title={c.title}>{c.id}</th><td>{c.met}</td><td>{c.notMet}</td><td>{c.unknown}</td><td>{c.attested}</td></tr>
            ))}
          </tbody>
        </table>
      </details>
      {previous ? (
        <div aria-live="polite" className="preview-changes">
          {changes.length === 0 ? <p className="muted">The last change moved no subject.</p> : (
            <>
              <p><strong>{changes.length}</strong> subject{changes.length === 1 ? "" : "s"} changed by the last edit:</p>
              <ul className="changed-subjects">
                {changes.slice(0, 20).map((c) => <li key={c.subject}>{c.subject}: {c.before} → {c.after}</li>)}
                {changes.length > 20 ? <li className="muted">and {changes.length - 20} more</li> : null}
              </ul>
            </>
          )}
        </div>
      ) : null}
    </div>
  );
}
