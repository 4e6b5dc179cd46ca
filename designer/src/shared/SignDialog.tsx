import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Problem } from "./components";

export interface SignInput { decision: string; reason: string; meaning: string; password: string }

interface Props {
  /** What is being signed, in a sentence ("Attest INCL07 for 01-701-1015"). */
  title: string;
  /** Decisions the person chooses from (one is preselected when there is only one). */
  decisions: { value: string; label: string }[];
  /** The meanings this signature may carry (21 CFR 11.50(a)(3)); the first is preselected; none: the task needs no signature. */
  meanings: string[];
  signerName: string;
  onSign(input: SignInput): Promise<void>;
  onClose(): void;
}

/**
 * The electronic signature: the decision and its reason, the meaning of the signature stated, and the password
 * entered again (21 CFR 11.200(a)). A native modal dialog: focus stays inside, Escape cancels, the first field has focus.
 */
export function SignDialog({ title, decisions, meanings, signerName, onSign, onClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const signed = meanings.length > 0;
  const id = useId();
  const [decision, setDecision] = useState(decisions.length === 1 ? decisions[0].value : "");
  const [reason, setReason] = useState("");
  const [meaning, setMeaning] = useState(meanings[0] ?? "");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    // Focus goes back where it was when the dialog closes, so a keyboard user carries on from the button that opened it.
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => {
      d?.close();
      if (previous?.isConnected) previous.focus();
    };
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSign({ decision, reason, meaning, password });
    } catch (err) {
      setError(err);
      setPassword("");
    } finally {
      setBusy(false);
    }
  }

  return (
    <dialog ref={ref} className="sign-dialog" aria-labelledby={`${id}-title`} onCancel={(e) => { e.preventDefault(); onClose(); }}>
      <form onSubmit={submit}>
        <h2 id={`${id}-title`}>{title}</h2>
        {decisions.length > 1 ? (
          <fieldset>
            <legend>Decision</legend>
            {decisions.map((d, i) => (
              <label key={d.value} className="choice">
                <input type="radio" name="decision" value={d.value} checked={decision === d.value} onChange={() => setDecision(d.value)} required autoFocus={i === 0} />
                {d.label}
              </label>
            ))}
          </fieldset>
        ) : (
          <p>Decision: <strong>{decisions[0]?.label}</strong></p>
        )}
        <label htmlFor={`${id}-reason`}>Reason</label>
        <textarea id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} required rows={3} autoFocus={decisions.length <= 1} />
        {meanings.length > 1 ? (
          <>
            <label htmlFor={`${id}-meaning`}>Meaning of the signature</label>
            <select id={`${id}-meaning`} value={meaning} onChange={(e) => setMeaning(e.target.value)}>
              {meanings.map((m) => <option key={m} value={m}>{m}</option>)}
            </select>
          </>
        ) : null}
        {signed ? (
          <>
            <p className="affirm" id={`${id}-affirm`}>
              I, <strong>{signerName}</strong>, sign this decision electronically; the meaning of my signature is <strong>{meaning}</strong>.
              My name, the time and this meaning are bound to the record and shown wherever the decision is shown.
            </p>
            <label htmlFor={`${id}-password`}>Password (again, to sign)</label>
            <input id={`${id}-password`} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required aria-describedby={`${id}-affirm`} />
          </>
        ) : null}
        <Problem error={error} />
        <div className="actions">
          <button type="submit" disabled={busy || !decision}>{signed ? "Sign" : "Complete"}</button>
          <button type="button" className="secondary" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </dialog>
  );
}
