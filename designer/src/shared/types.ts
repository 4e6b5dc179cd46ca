// Hand-written types of the API answers the pages read (docs/openapi.json describes the same shapes).

export interface Membership { studyId: string; role: string; sites: string[] }
export interface Me { id: string; userName: string; displayName: string; kind: string; authentication: string; memberships: Membership[] }
export interface LoginAnswer { userName: string; displayName: string; csrfToken: string; idleTimeoutMinutes: number }

export interface StudyView {
  id: string; title: string; subjects: number; sites: string[];
  protocol: { id: string; name: string | null; version: string | null; contentHash: string | null };
}

export interface SignatureView {
  signer: string; printedName: string; meaning: string; signedAt: string; recordHash: string; signatureHash: string; valid?: boolean;
}

export interface TaskSummary {
  id: string; name: string; kind: string; title: string; workflow: string; instanceId: string; key: string; subject: string; site: string | null;
  status: string; assignee: string | null; candidateRoles: string[]; dueAt: string | null; overdue: boolean; signatureMeaning: string | null; version: number; createdAt: string;
}
export interface Inbox { total: number; offset: number; limit: number; tasks: TaskSummary[] }

export interface TaskDetail {
  id: string; name: string; kind: string; title: string; state: string; status: string; assignee: string | null; dueAt: string | null;
  decisions: string[]; signatureMeaning: string | null; decision: string | null; reason: string | null; completedAt: string | null; completedBy: string | null; version: number;
  instance: { id: string; workflow: string; key: string; subject: string; site: string | null; state: string; status: string };
  signatures: SignatureView[];
}

export interface EvidenceItem { domain: string; usubjid?: string; seq?: number | null; variable?: string; value?: unknown; searched?: number; domainMissing?: boolean; date?: string | null }
export interface CriterionResult {
  id: string; kind: string; outcome: string; ruleOutcome?: string; cause: string; hash: string; reason?: string; missing?: string[]; evidence: EvidenceItem[];
  error?: { code: string; message: string };
  recorded?: { IETESTCD: string; IEORRES: string; IEDTC: string; outcome: string };
}
export interface SubjectResult { usubjid: string; status: string; reasons: string[]; criteria: CriterionResult[] }

export interface CriterionInfo { id: string; kind: string; text: string; phase?: string; attestedBy?: string; hash: string; rule: string }
export interface AttritionStep { id: string; kind: string; remaining: number; excludedHere: number; excludedIndependently: number }
export interface CriterionCount { id: string; met: number; notMet: number; unknown: number; attested: number; recorded: number; discrepancies: number; errors: number }
export interface FairnessGroupView { [k: string]: unknown }
export interface ScreeningSummary {
  protocol: string; version: string; hash: string; asOf: string;
  criteria: CriterionInfo[]; attrition: AttritionStep[]; criteriaCounts: CriterionCount[];
  counts: { subjects: number; eligible: number; ineligible: number; needsReview: number; awaitingAttestationOnly: number };
  fairness?: unknown;
}
export interface ScreeningRun { id: string; study: string; protocol: string; status: string; asOf: string; startedAt: string; finishedAt: string | null; done: number; total: number; summary: ScreeningSummary | null }

export interface ClockView { name: string; party: string; day0: string; dueAt: string; status: string; remainingSeconds: number; day: number | null; metAt: string | null }
export interface InstanceTask {
  id: string; name: string; title?: string; status: string; assignee: string | null; candidateRoles: string[]; dueAt: string | null; decision: string | null; reason: string | null;
  completedBy?: string | null; completedAt?: string | null; signatures: SignatureView[];
}
export interface JournalEntry {
  kind: "journal"; instance: string; workflow?: string | null; seq: number; at: string; actor: string; action: string; oldValue: string | null; newValue: string | null;
  /** The rule hashes behind an automated decision, comma-separated (as journaled and hashed). */
  ruleHashes: string | null; detail: string | null; correlationId: string | null; hash: string;
}
export interface AttestationView {
  kind: "attestation"; id: string; criterion: string; criterionHash: string; outcome: string; reason: string; at: string; signature: SignatureView | null;
}
export interface SubjectPage {
  study: string; subject: string; site: string | null;
  screening: { run: string; protocol: string; asOf: string; result: SubjectResult } | null;
  attestations: AttestationView[];
  workflows: { id: string; workflow: string; key: string; state: string; status: string; startedAt: string; tasks: InstanceTask[]; clocks: ClockView[] }[];
  history: (JournalEntry | AttestationView)[];
}

export interface DataQuery {
  id: string; role: string; check: string; dataset: string | null; subject: string | null; site: string | null; recordKey: string | null; state: string; message: string;
  openedAt: string; updatedAt: string; taskId: string | null;
}
