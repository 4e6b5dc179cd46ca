// The pictures people would rather look at than read, drawn with Recharts (bundled, served locally). Each chart is a
// figure with a caption and the same numbers as a table for screen readers and for anyone who wants the figures.
import { Bar, BarChart, CartesianGrid, ErrorBar, Legend, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from "recharts";
import type { AttritionStep, ClockView, CriterionCount } from "../shared/types";
import { dateTime } from "../shared/format";

const colors = { met: "#1b7f3b", notMet: "#b3261e", unknown: "#8a5a00", attested: "#3a5ba0", remaining: "#3a5ba0", excluded: "#b3261e" };

function Figure({ caption, children, table }: { caption: string; children: React.ReactNode; table: React.ReactNode }) {
  return (
    <figure className="chart">
      <figcaption>{caption}</figcaption>
      <div aria-hidden="true" className="chart-area">{children}</div>
      <details>
        <summary>The numbers</summary>
        {table}
      </details>
    </figure>
  );
}

export function AttritionFunnel({ steps, screened }: { steps: AttritionStep[]; screened: number }) {
  const data = [{ id: "Screened", remaining: screened, excludedHere: 0 }, ...steps.map((s) => ({ id: s.id, remaining: s.remaining, excludedHere: s.excludedHere }))];
  return (
    <Figure caption="Attrition funnel: subjects remaining after each criterion, in protocol order" table={
      <table><thead><tr><th scope="col">Step</th><th scope="col">Remaining</th><th scope="col">Excluded here</th></tr></thead>
        <tbody>{data.map((d) => <tr key={d.id}><th scope="row">{d.id}</th><td>{d.remaining}</td><td>{d.excludedHere}</td></tr>)}</tbody></table>}>
      <ResponsiveContainer width="100%" height={Math.max(220, data.length * 16)}>
        <BarChart accessibilityLayer={false} data={data} layout="vertical" margin={{ left: 30, right: 20 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" />
          <YAxis type="category" dataKey="id" width={80} interval={0} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Legend />
          <Bar dataKey="remaining" name="Remaining" stackId="a" fill={colors.remaining} isAnimationActive={false} />
          <Bar dataKey="excludedHere" name="Excluded at this step" stackId="a" fill={colors.excluded} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </Figure>
  );
}

export function CriterionOutcomes({ counts }: { counts: CriterionCount[] }) {
  return (
    <Figure caption="Outcomes per criterion: met, not met, unknown (to a person), attested" table={
      <table><thead><tr><th scope="col">Criterion</th><th scope="col">Met</th><th scope="col">Not met</th><th scope="col">Unknown</th><th scope="col">Attested</th></tr></thead>
        <tbody>{counts.map((c) => <tr key={c.id}><th scope="row">{c.id}</th><td>{c.met}</td><td>{c.notMet}</td><td>{c.unknown}</td><td>{c.attested}</td></tr>)}</tbody></table>}>
      <ResponsiveContainer width="100%" height={Math.max(220, counts.length * 16)}>
        <BarChart accessibilityLayer={false} data={counts} layout="vertical" margin={{ left: 30, right: 20 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" />
          <YAxis type="category" dataKey="id" width={80} interval={0} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Legend />
          <Bar dataKey="met" name="Met" stackId="a" fill={colors.met} isAnimationActive={false} />
          <Bar dataKey="notMet" name="Not met" stackId="a" fill={colors.notMet} isAnimationActive={false} />
          <Bar dataKey="unknown" name="Unknown" stackId="a" fill={colors.unknown} isAnimationActive={false} />
          <Bar dataKey="attested" name="Attested" stackId="a" fill={colors.attested} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </Figure>
  );
}

export interface FairnessRow { criterion: string; variable: string; level: string; subjects: number; excluded: number; ratio: number | null; ciLow: number | null; ciHigh: number | null; flagged: boolean }

export function FairnessRatios({ rows }: { rows: FairnessRow[] }) {
  const data = rows.filter((r) => r.ratio !== null).map((r, i) => ({
    i, label: `${r.criterion} ${r.variable}=${r.level}`, ratio: r.ratio!, err: [r.ratio! - (r.ciLow ?? r.ratio!), (r.ciHigh ?? r.ratio!) - r.ratio!], flagged: r.flagged,
  }));
  return (
    <Figure caption="Fairness: exclusion-rate ratio of each group to everyone, with its 95% confidence interval (1 = no difference)" table={
      <table><thead><tr><th scope="col">Criterion</th><th scope="col">Group</th><th scope="col">Subjects</th><th scope="col">Excluded</th><th scope="col">Ratio</th><th scope="col">95% CI</th><th scope="col">Flagged</th></tr></thead>
        <tbody>{rows.map((r) => <tr key={`${r.criterion}-${r.variable}-${r.level}`}><th scope="row">{r.criterion}</th><td>{r.variable} = {r.level}</td><td>{r.subjects}</td><td>{r.excluded}</td>
          <td>{r.ratio?.toFixed(2) ?? "—"}</td><td>{r.ciLow !== null && r.ciHigh !== null ? `${r.ciLow.toFixed(2)} – ${r.ciHigh.toFixed(2)}` : "—"}</td><td>{r.flagged ? "yes" : "no"}</td></tr>)}</tbody></table>}>
      <ResponsiveContainer width="100%" height={Math.max(220, data.length * 14)}>
        <ScatterChart accessibilityLayer={false} margin={{ left: 30, right: 20 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" dataKey="ratio" name="Ratio" domain={[0, "auto"]} />
          <YAxis type="category" dataKey="label" width={180} interval={0} tick={{ fontSize: 10 }} />
          <ZAxis range={[40, 40]} />
          <ReferenceLine x={1} stroke="#555" />
          <Tooltip />
          <Scatter data={data} fill="#3a5ba0" isAnimationActive={false}>
            <ErrorBar dataKey="err" direction="x" width={4} stroke="#333" />
          </Scatter>
        </ScatterChart>
      </ResponsiveContainer>
    </Figure>
  );
}

/** AE reporting clocks: from Day 0 to the deadline, met, running, missed or withdrawn, with "now" marked. */
export function ClockTimeline({ clocks, now }: { clocks: (ClockView & { ae: string })[]; now: number }) {
  // Hours from the earliest Day 0, so the bars stack from a common origin.
  const base = Math.min(...clocks.map((c) => Date.parse(c.day0)));
  const hours = (ms: number) => (ms - base) / 3_600_000;
  const data = clocks.map((c) => {
    const start = Date.parse(c.day0), due = Date.parse(c.dueAt);
    return { label: `${c.ae} ${c.name}`, offset: hours(start), span: Math.max(hours(due) - hours(start), 0.1), status: c.status };
  });
  const fill: Record<string, string> = { running: "#8a5a00", met: "#1b7f3b", missed: "#b3261e", withdrawn: "#666" };
  return (
    <Figure caption="Reporting clocks: each bar runs from awareness (Day 0) to the deadline; the line is now" table={
      <table><thead><tr><th scope="col">Clock</th><th scope="col">Day 0</th><th scope="col">Due</th><th scope="col">Status</th></tr></thead>
        <tbody>{clocks.map((c) => <tr key={`${c.ae}-${c.name}`}><th scope="row">{c.ae} {c.name}</th><td>{dateTime(c.day0)}</td><td>{dateTime(c.dueAt)}</td><td>{c.status}</td></tr>)}</tbody></table>}>
      <ResponsiveContainer width="100%" height={Math.max(160, data.length * 22)}>
        <BarChart accessibilityLayer={false} data={data} layout="vertical" margin={{ left: 30, right: 20 }}>
          <XAxis type="number" domain={[0, (max: number) => Math.max(max, hours(now))]} tickFormatter={(v: number) => new Date(base + v * 3_600_000).toISOString().slice(5, 13).replace("T", " ") + "h"} />
          <YAxis type="category" dataKey="label" width={200} interval={0} tick={{ fontSize: 10 }} />
          <ReferenceLine x={hours(now)} stroke="#000" />
          <Bar dataKey="offset" stackId="t" fill="transparent" isAnimationActive={false} />
          <Bar dataKey="span" stackId="t" isAnimationActive={false} shape={(p: unknown) => {
            const q = p as { x: number; y: number; width: number; height: number; payload: { status: string } };
            return <rect x={q.x} y={q.y} width={q.width} height={q.height} fill={fill[q.payload.status] ?? "#3a5ba0"} />;
          }} />
        </BarChart>
      </ResponsiveContainer>
    </Figure>
  );
}
