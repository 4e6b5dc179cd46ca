// The designer's calls to the server (docs/designer.md): every answer is about the text sent with the request.
import { post } from "../shared/api";

export interface Fix { title: string; start: number; end: number; newText: string }
export interface Diag { code: string; severity: "error" | "warning" | "info"; message: string; line: number; start: number; end: number; fix: Fix | null }
export interface Span { start: number; end: number }
export interface TaskNode {
  id: string; name: string; gate: boolean; title: string | null; roles: string[]; due: string | null; reminders: string[];
  escalations: { role: string; after: string | null }[]; signature: string | null; decisions: string[]; span: Span;
}
export interface StateNode {
  id: string; name: string; initial: boolean; final: boolean; span: Span; nameSpan: Span; entryActions: string[]; tasks: TaskNode[];
  deadline: { duration: string; target: string; reason: string | null; span: Span } | null;
}
export interface TransitionEdge { id: string; from: string; to: string; ordinal: number; guard: string | null; actions: string[]; span: Span; guardSpan: Span | null }
export interface Clock { kind: string; owner: string; length: string; span: Span }
export interface Graph { name: string; title: string | null; scope: string; span: Span; states: StateNode[]; transitions: TransitionEdge[]; clocks: Clock[] }
export interface Graphs { textHash: string; syntaxErrors: number; workflows: Graph[] }
export interface TextEditView { start: number; end: number; newText: string }
export interface EditOutcome { edits: TextEditView[]; textHash: string; diagnostics: Diag[] }
export interface Completion { from: number; to: number; items: { label: string; kind: string; detail: string | null; documentation: string | null; insertText: string; sortText: string | null }[] }
export interface Definition { inDocument: boolean; file: string | null; line: number; character: number; start: number; end: number; lineText: string | null }
export interface Preview {
  protocol: string; contentHash: string; study: string; asOf: string; subjects: number; compileMs: number; screenMs: number;
  counts: { eligible: number; ineligible: number; needsReview: number; awaitingAttestationOnly: number };
  funnel: { criterion: string; kind: string; remaining: number; excludedHere: number }[];
  criteria: { id: string; kind: string; title: string; hash: string; met: number; notMet: number; unknown: number; attested: number; errors: number }[];
  statuses: { subject: string; status: string }[];
}
export interface VersionView { id: string; name: string; number: number; version: string | null; contentHash: string; author: string; publishedAt: string; draft: boolean }

/** A graph edit as the server takes it (kind and the fields it reads). */
export type GraphEdit = { kind: string } & Record<string, unknown>;

export const designerApi = {
  diagnostics: (text: string) => post<{ textHash: string; elapsedMs: number; diagnostics: Diag[] }>("/api/designer/diagnostics", { text }),
  completion: (text: string, offset: number, studyId: string | null) => post<Completion>("/api/designer/completion", { text, offset, studyId }),
  hover: (text: string, offset: number) => post<{ hover: { markdown: string; start: number; end: number } | null }>("/api/designer/hover", { text, offset }),
  definition: (text: string, offset: number) => post<{ definitions: Definition[] }>("/api/designer/definition", { text, offset }),
  workflows: (text: string) => post<Graphs>("/api/designer/workflows", { text }),
  edit: (workflow: string, text: string, textHash: string, edit: GraphEdit) =>
    post<EditOutcome>(`/api/designer/workflows/${encodeURIComponent(workflow)}/edits`, { text, textHash, ...edit }),
  preview: (studyId: string, text: string, asOf: string | null) => post<Preview>(`/api/studies/${encodeURIComponent(studyId)}/criteria-preview`, { text, asOf }),
  saveDraft: (text: string, baseVersion: string | null) => post<VersionView>("/api/designer/drafts", { text, baseVersion }),
};
