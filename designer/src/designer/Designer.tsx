// The designer: a protocol's text (the source of truth) beside its workflow graphs and its criteria previewed over a
// study. Graph edits are text edits the server computes from the syntax tree, applied to the editor as one history step;
// undo and redo are the text's. Saving makes a draft version on the version the text was opened from.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useStudy } from "../app/Layout";
import { ApiError, enc, get, postBlob } from "../shared/api";
import { Hash, Loading, Problem } from "../shared/components";
import type { StudyView } from "../shared/types";
import { useLoad } from "../shared/useLoad";
import { designerApi, type Diag, type GraphEdit, type Graphs, type Preview, type VersionView } from "./designerApi";
import { Editor, type EditorHandle } from "./Editor";
import { PreviewPanel, type PreviewChange } from "./PreviewPanel";
import { WorkflowView, type Positions } from "./WorkflowView";

interface ProtocolList { name: string; versions: { id: string; number: number; version: string | null; contentHash: string }[] }
interface OpenDoc { name: string; base: VersionView; text: string; opened: number }
interface Layout { format: string; workflows: Record<string, Positions> }

const layoutFormat = "protocolengine-workflow-layout/1";
const layoutKey = (name: string) => `protocolengine-layout:${name}`;

function readLayout(name: string): Layout {
  try {
    const l = JSON.parse(localStorage.getItem(layoutKey(name)) ?? "") as Layout;
    if (l.format === layoutFormat) return l;
  } catch { /* none kept yet */ }
  return { format: layoutFormat, workflows: {} };
}

function download(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function Designer() {
  const { study } = useStudy();
  const protocols = useLoad(() => get<ProtocolList[]>("/api/protocols"), []);
  const studies = useLoad(() => get<StudyView[]>("/api/studies"), []);
  const [doc, setDoc] = useState<OpenDoc | null>(null);
  const [opening, setOpening] = useState<unknown>();
  const editor = useRef<EditorHandle>(null);
  const [text, setText] = useState("");
  const [diagnostics, setDiagnostics] = useState<Diag[]>([]);
  const [diagMs, setDiagMs] = useState<number | null>(null);
  const [graphs, setGraphs] = useState<(Graphs & { text: string }) | null>(null);
  const [workflow, setWorkflow] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [message, setMessage] = useState<string>("");
  const [failure, setFailure] = useState<unknown>();
  const [layout, setLayout] = useState<Layout>({ format: layoutFormat, workflows: {} });
  const [previewStudy, setPreviewStudy] = useState<string>(study.id);
  const [asOf, setAsOf] = useState<string>(new Date().toISOString().slice(0, 10));
  const [preview, setPreview] = useState<{ now: Preview; before: Preview | null; changes: PreviewChange[] } | null>(null);
  const [previewError, setPreviewError] = useState<unknown>();
  const [saved, setSaved] = useState<{ version: VersionView; created: boolean } | null>(null);
  const [saveError, setSaveError] = useState<unknown>();

  const open = useCallback(async (name: string) => {
    setOpening(undefined);
    try {
      const list = await get<VersionView[]>(`/api/protocols/${enc(name)}/versions`);
      const latest = list[list.length - 1];
      const v = await get<{ protocol: VersionView; text: string }>(`/api/protocols/${enc(name)}/versions/${latest.number}`);
      setDoc({ name, base: v.protocol, text: v.text, opened: Date.now() });
      setLayout(readLayout(name));
      setGraphs(null);
      setSelected(null);
      setPreview(null);
      setSaved(null);
      setSaveError(undefined);
    } catch (e) {
      setOpening(e);
    }
  }, []);

  // The study's own protocol opens first.
  useEffect(() => { if (!doc && study.protocol.name) void open(study.protocol.name); }, [doc, open, study.protocol.name]);

  // The graphs follow the text (shortly after typing stops).
  useEffect(() => {
    if (!doc) return;
    const current = text;
    const t = setTimeout(() => {
      designerApi.workflows(current).then((g) => {
        if (editor.current?.text() !== current) return;
        setGraphs({ ...g, text: current });
        setWorkflow((w) => (w && g.workflows.some((x) => x.name === w) ? w : g.workflows[0]?.name ?? null));
      }, (e) => setFailure(e));
    }, 150);
    return () => clearTimeout(t);
  }, [text, doc]);

  // The criteria preview follows the text and the study chosen.
  useEffect(() => {
    if (!doc || !previewStudy) return;
    const current = text;
    const t = setTimeout(() => {
      designerApi.preview(previewStudy, current, asOf || null).then((p) => {
        if (editor.current?.text() !== current) return;
        setPreviewError(undefined);
        setPreview((old) => {
          const sameBase = old && old.now.study === p.study && old.now.asOf === p.asOf;
          if (!sameBase) return { now: p, before: null, changes: [] };
          if (old.now.contentHash === p.contentHash) return old;
          const was = new Map(old.now.statuses.map((s) => [s.subject, s.status]));
          const changes = p.statuses.filter((s) => was.get(s.subject) !== s.status).map((s) => ({ subject: s.subject, before: was.get(s.subject) ?? "—", after: s.status }));
          return { now: p, before: old.now, changes };
        });
      }, (e) => setPreviewError(e));
    }, 250);
    return () => clearTimeout(t);
  }, [text, doc, previewStudy, asOf]);

  const graph = graphs?.workflows.find((w) => w.name === workflow) ?? null;

  // The cursor selects the node or edge whose text it is in.
  const onCursor = useCallback((offset: number) => {
    if (!graphs || graphs.text !== editor.current?.text()) return;
    for (const g of graphs.workflows) {
      if (offset < g.span.start || offset > g.span.end) continue;
      for (const s of g.states) {
        if (offset < s.span.start || offset > s.span.end) continue;
        const task = s.tasks.find((t) => offset >= t.span.start && offset <= t.span.end);
        setWorkflow(g.name);
        setSelected(task ? task.id : s.id);
        return;
      }
      const t = g.transitions.find((x) => offset >= x.span.start && offset <= x.span.end);
      if (t) { setWorkflow(g.name); setSelected(t.id); return; }
    }
  }, [graphs]);

  // Selecting a node or edge selects its text.
  const onSelect = useCallback((id: string) => {
    setSelected(id);
    if (!graph) return;
    const span = graph.states.find((s) => s.id === id)?.span ?? graph.states.flatMap((s) => s.tasks).find((t) => t.id === id)?.span ?? graph.transitions.find((t) => t.id === id)?.span;
    if (span) editor.current?.select(span.start, span.end);
  }, [graph]);

  const positions = (workflow && layout.workflows[workflow]) || {};
  const place = useCallback((state: string, x: number, y: number) => {
    if (!doc || !workflow) return;
    setLayout((l) => {
      const next = { ...l, workflows: { ...l.workflows, [workflow]: { ...(l.workflows[workflow] ?? {}), [state]: { x, y } } } };
      localStorage.setItem(layoutKey(doc.name), JSON.stringify(next));
      return next;
    });
  }, [doc, workflow]);

  // A graph edit: the server computes the text edits from the syntax tree; the editor applies them as one change.
  const applyEdit = useCallback(async (edit: GraphEdit, label: string) => {
    setFailure(undefined);
    const current = editor.current?.text() ?? "";
    if (!graph || !workflow) return;
    try {
      const hash = graphs && graphs.text === current ? graphs.textHash : (await designerApi.workflows(current)).textHash;
      const r = await designerApi.edit(workflow, current, hash, edit);
      if (editor.current?.text() !== current) { setMessage("The text changed while the edit was computed; do it again."); return; }
      editor.current.apply(r.edits, label);
      setMessage(`${label}: ${r.edits.length} text edit${r.edits.length === 1 ? "" : "s"}.` + (r.diagnostics.some((d) => d.severity === "error") ? " The compiler reports errors: see Problems." : ""));
      if (edit.kind === "renameState" || edit.kind === "deleteState") {
        const name = edit.name as string;
        setLayout((l) => {
          const nodes = { ...(l.workflows[workflow] ?? {}) };
          const p = nodes[name];
          delete nodes[name];
          if (edit.kind === "renameState" && p) nodes[edit.newName as string] = p;
          const next = { ...l, workflows: { ...l.workflows, [workflow]: nodes } };
          if (doc) localStorage.setItem(layoutKey(doc.name), JSON.stringify(next));
          return next;
        });
      }
    } catch (e) {
      setFailure(e);
    }
  }, [graph, graphs, workflow, doc]);

  const save = async () => {
    if (!doc) return;
    setSaveError(undefined);
    try {
      const text = editor.current?.text() ?? "";
      const v = await designerApi.saveDraft(text, doc.base.id);
      const created = v.id !== doc.base.id;
      setSaved({ version: v, created });
      // The saved version is the new base; the editor (and its history) stays as it is.
      setDoc({ ...doc, base: v, text });
    } catch (e) {
      setSaveError(e);
    }
  };

  const exportAs = async (format: "svg" | "mermaid") => {
    if (!workflow) return;
    try {
      download(await postBlob(`/api/designer/workflows/${enc(workflow)}/export?format=${format}`, { text: editor.current?.text() ?? "" }), `${workflow}.${format === "svg" ? "svg" : "mmd"}`);
    } catch (e) {
      setFailure(e);
    }
  };

  const errors = diagnostics.filter((d) => d.severity === "error");
  const sortedProtocols = useMemo(() => (protocols.data ?? []).map((p) => p.name).sort(), [protocols.data]);

  return (
    <div className="designer">
      <h1>Designer</h1>
      <div className="toolbar" role="toolbar" aria-label="Document">
        <label>Protocol
          <select aria-label="Protocol" value={doc?.name ?? ""} onChange={(e) => void open(e.target.value)}>
            {doc ? null : <option value="">—</option>}
            {sortedProtocols.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
        {doc ? <span className="doc-version">Editing from <strong data-testid="base-version">{doc.base.id}</strong>{doc.base.draft ? " (draft)" : ""}, hash <Hash value={doc.base.contentHash} /></span> : null}
        <button type="button" className="secondary" onClick={() => editor.current?.undo()}>Undo</button>
        <button type="button" className="secondary" onClick={() => editor.current?.redo()}>Redo</button>
        <button type="button" onClick={() => void save()} disabled={!doc || errors.length > 0}>Save draft</button>
      </div>
      <Problem error={protocols.error ?? opening} />
      {saved ? (
        <p role="status" className="saved">
          {saved.created ? "Saved" : "Unchanged:"} <strong data-testid="saved-version">{saved.version.id}</strong> by {saved.version.author}, hash <code className="hash" data-testid="saved-hash">{saved.version.contentHash.slice(0, 12)}</code>
        </p>
      ) : null}
      {saveError ? (
        <div role="alert" className="conflict">
          {saveError instanceof ApiError && saveError.status === 409 ? <strong>Conflict: </strong> : null}
          <Problem error={saveError} />
        </div>
      ) : null}
      {!doc ? <Loading what="the protocol" /> : (
        <div className="designer-grid">
          <section className="card editor-card" aria-labelledby="text-heading">
            <h2 id="text-heading">Text of {doc.name}</h2>
            <Editor
              key={`${doc.name}:${doc.opened}`}
              ref={editor}
              initial={doc.text}
              studyId={study.id}
              onText={setText}
              onDiagnostics={(d, ms) => { setDiagnostics(d); setDiagMs(ms); }}
              onCursor={onCursor}
              onDefinition={setMessage}
            />
            <p className="muted">F12 goes to a name's declaration; Ctrl-Space completes. {diagMs !== null ? `Diagnostics in ${Math.round(diagMs)} ms.` : ""}</p>
            <h3 id="problems-heading">Problems ({diagnostics.length})</h3>
            <ul className="problems" aria-labelledby="problems-heading" data-testid="problems">
              {diagnostics.map((d, i) => (
                <li key={i} className={`diag ${d.severity}`} data-code={d.code} data-line={d.line + 1}>
                  <button type="button" className="link" onClick={() => editor.current?.select(d.start, d.end)}>Line {d.line + 1}</button>{" "}
                  <code>{d.code}</code> {d.message}
                  {d.fix ? <button type="button" className="secondary" onClick={() => editor.current?.apply([{ start: d.fix!.start, end: d.fix!.end, newText: d.fix!.newText }], d.fix!.title)}>Quick fix: {d.fix.title}</button> : null}
                </li>
              ))}
            </ul>
          </section>
          <div className="side-panels">
            <section className="card" aria-labelledby="graph-heading">
              <h2 id="graph-heading">Workflow graph</h2>
              {graphs && graphs.workflows.length === 0 ? <p className="muted">This text declares no workflow of its own (the workflows it imports are edited in their library).</p> : null}
              {graphs && graphs.workflows.length > 0 ? (
                <>
                  <div className="toolbar">
                    <label>Workflow
                      <select aria-label="Workflow" value={workflow ?? ""} onChange={(e) => { setWorkflow(e.target.value); setSelected(null); }}>
                        {graphs.workflows.map((w) => <option key={w.name} value={w.name}>{w.name}</option>)}
                      </select>
                    </label>
                    <button type="button" className="secondary" onClick={() => void exportAs("svg")}>Export SVG</button>
                    <button type="button" className="secondary" onClick={() => void exportAs("mermaid")}>Export Mermaid</button>
                    <button type="button" className="secondary" onClick={() => doc && download(new Blob([JSON.stringify(layout, null, 2)], { type: "application/json" }), `${doc.name}.layout.json`)}>Layout file</button>
                  </div>
                  {graphs.syntaxErrors > 0 ? <p className="muted">The text has syntax errors: the graph shows what parses.</p> : null}
                  {graph ? <WorkflowView graph={graph} selected={selected} positions={positions} onSelect={onSelect} onMoved={place} /> : null}
                  {graph ? <GraphEditor key={graph.name} graph={graph} selected={selected} onEdit={applyEdit} /> : null}
                </>
              ) : null}
              <p role="status" className="muted" data-testid="designer-message">{message}</p>
              <Problem error={failure} />
            </section>
            <section className="card" aria-labelledby="preview-heading">
              <h2 id="preview-heading">Criteria preview</h2>
              <div className="toolbar">
                <label>Study
                  <select aria-label="Preview study" value={previewStudy} onChange={(e) => { setPreviewStudy(e.target.value); setPreview(null); }}>
                    {(studies.data ?? [study]).map((s) => <option key={s.id} value={s.id}>{s.title} ({s.id})</option>)}
                  </select>
                </label>
                <label>As of <input aria-label="As of" type="date" value={asOf} onChange={(e) => { setAsOf(e.target.value); setPreview(null); }} /></label>
              </div>
              <Problem error={previewError} />
              {preview ? <PreviewPanel preview={preview.now} previous={preview.before} changes={preview.changes} /> : previewError ? null : <Loading what="the preview" />}
            </section>
          </div>
        </div>
      )}
    </div>
  );
}

/** The graph's edits: each is sent to the server, which answers with the text edits. */
function GraphEditor({ graph, selected, onEdit }: { graph: import("./designerApi").Graph; selected: string | null; onEdit(edit: GraphEdit, label: string): Promise<void> }) {
  const states = graph.states.map((s) => s.name);
  const open = graph.states.filter((s) => !s.final).map((s) => s.name);
  const [name, setName] = useState("");
  const [final, setFinal] = useState(true);
  const [from, setFrom] = useState(open[0] ?? "");
  const [to, setTo] = useState(states[0] ?? "");
  const [guard, setGuard] = useState("");
  const state = graph.states.find((s) => s.id === selected) ?? null;
  const transition = graph.transitions.find((t) => t.id === selected) ?? null;
  const task = graph.states.flatMap((s) => s.tasks).find((t) => t.id === selected) ?? null;
  const [newName, setNewName] = useState("");
  const [newGuard, setNewGuard] = useState("");
  const [roles, setRoles] = useState("");
  const [due, setDue] = useState("");
  const [escRole, setEscRole] = useState("");
  const [escAfter, setEscAfter] = useState("");
  useEffect(() => { setNewName(state?.name ?? ""); }, [state?.name]);
  useEffect(() => { setNewGuard(transition?.guard ?? ""); }, [transition?.id, transition?.guard]);
  useEffect(() => { setRoles(task?.roles.join(", ") ?? ""); setDue(task?.due ?? ""); }, [task?.id, task?.roles, task?.due]);

  return (
    <div className="graph-editor">
      <fieldset>
        <legend>Add a state</legend>
        <label>Name <input aria-label="New state name" value={name} onChange={(e) => setName(e.target.value)} /></label>
        <label className="choice"><input type="checkbox" checked={final} onChange={(e) => setFinal(e.target.checked)} /> final</label>
        <button type="button" disabled={!name} onClick={() => void onEdit({ kind: "addState", name, final }, `Added state ${name}`)}>Add state</button>
      </fieldset>
      <fieldset>
        <legend>Add a transition</legend>
        <label>From <select aria-label="Transition from" value={from} onChange={(e) => setFrom(e.target.value)}>{open.map((s) => <option key={s}>{s}</option>)}</select></label>
        <label>To <select aria-label="Transition to" value={to} onChange={(e) => setTo(e.target.value)}>{states.map((s) => <option key={s}>{s}</option>)}</select></label>
        <label>Guard <input aria-label="Transition guard" value={guard} onChange={(e) => setGuard(e.target.value)} placeholder="event Withdrawn" /></label>
        <button type="button" disabled={!from || !to} onClick={() => void onEdit({ kind: "addTransition", from, to, guard }, `Added transition ${from} -> ${to}`)}>Add transition</button>
      </fieldset>
      {state ? (
        <fieldset>
          <legend>State {state.name}</legend>
          <label>New name <input aria-label="Rename state to" value={newName} onChange={(e) => setNewName(e.target.value)} /></label>
          <button type="button" disabled={!newName || newName === state.name} onClick={() => void onEdit({ kind: "renameState", name: state.name, newName }, `Renamed ${state.name} to ${newName}`)}>Rename</button>
          <button type="button" className="secondary" onClick={() => void onEdit({ kind: "deleteState", name: state.name }, `Deleted state ${state.name}`)}>Delete state</button>
        </fieldset>
      ) : null}
      {transition ? (
        <fieldset>
          <legend>Transition {transition.from} → {transition.to}</legend>
          <label>Guard <input aria-label="Guard" value={newGuard} onChange={(e) => setNewGuard(e.target.value)} /></label>
          <button type="button" onClick={() => void onEdit({ kind: "setGuard", from: transition.from, to: transition.to, ordinal: transition.ordinal, guard: newGuard }, "Set guard")}>Set guard</button>
          <button type="button" className="secondary" onClick={() => void onEdit({ kind: "deleteTransition", from: transition.from, to: transition.to, ordinal: transition.ordinal }, "Deleted transition")}>Delete transition</button>
        </fieldset>
      ) : null}
      {task ? (
        <fieldset>
          <legend>{task.gate ? "Gate" : "Task"} {task.name}</legend>
          <label>Roles <input aria-label="Task roles" value={roles} onChange={(e) => setRoles(e.target.value)} /></label>
          <button type="button" onClick={() => void onEdit({ kind: "setTaskRoles", task: task.name, roles: roles.split(/[,\s]+/).filter(Boolean) }, "Set roles")}>Set roles</button>
          <label>Due <input aria-label="Task due" value={due} onChange={(e) => setDue(e.target.value)} placeholder="14 days" /></label>
          <button type="button" onClick={() => void onEdit({ kind: "setTaskDue", task: task.name, due }, "Set due time")}>Set due</button>
          <label>Escalate to <input aria-label="Escalate to" value={escRole} onChange={(e) => setEscRole(e.target.value)} /></label>
          <label>After <input aria-label="Escalate after" value={escAfter} onChange={(e) => setEscAfter(e.target.value)} placeholder="5 days" /></label>
          <button type="button" disabled={!escRole} onClick={() => void onEdit({ kind: "addEscalation", task: task.name, role: escRole, after: escAfter }, "Added escalation")}>Add escalation</button>
        </fieldset>
      ) : null}
    </div>
  );
}
