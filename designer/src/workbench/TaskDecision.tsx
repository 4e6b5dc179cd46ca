import { useState } from "react";
import { enc, get, post } from "../shared/api";
import { Problem } from "../shared/components";
import { SignDialog } from "../shared/SignDialog";
import type { TaskDetail } from "../shared/types";
import { useSession } from "../app/session";

const labels: Record<string, string> = { approved: "Approve", rejected: "Reject", completed: "Done", serious: "Serious", notSerious: "Not serious", expedited: "Expedited report", notExpedited: "No expedited report", confirmed: "Confirm", dismissed: "Dismiss" };

/** A button that opens the decision (and signature, when the task requires one) of a task; the workflow moves on when it is signed. */
export function TaskDecision({ studyId, taskId, label, onDone }: { studyId: string; taskId: string; label: string; onDone(): void }) {
  const { me } = useSession();
  const [task, setTask] = useState<TaskDetail | null>(null);
  const [error, setError] = useState<unknown>();
  async function open() {
    setError(undefined);
    try {
      setTask(await get<TaskDetail>(`/api/studies/${enc(studyId)}/tasks/${enc(taskId)}`));
    } catch (e) {
      setError(e);
    }
  }
  return (
    <>
      <button type="button" onClick={open}>{label}</button>
      <Problem error={error} />
      {task ? (
        <SignDialog
          title={`${task.title} — subject ${task.instance.subject}`}
          decisions={task.decisions.map((d) => ({ value: d, label: labels[d] ?? d }))}
          meanings={task.signatureMeaning ? [task.signatureMeaning] : []}
          signerName={me?.displayName ?? ""}
          onClose={() => setTask(null)}
          onSign={async (i) => {
            await post(`/api/studies/${enc(studyId)}/tasks/${enc(taskId)}/complete`, {
              decision: i.decision, reason: i.reason, expectedVersion: task.version,
              signature: task.signatureMeaning ? { meaning: i.meaning, password: i.password } : undefined,
            });
            setTask(null);
            onDone();
          }}
        />
      ) : null}
    </>
  );
}
