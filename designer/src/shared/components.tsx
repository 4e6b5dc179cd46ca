import type { ReactNode } from "react";
import { ApiError } from "./api";
import { dateTime, shortHash } from "./format";
import type { SignatureView } from "./types";

export function Problem({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof ApiError ? `${error.title}${error.message && error.message !== error.title ? ": " + error.message : ""}${error.code ? ` (${error.code})` : ""}` : String(error);
  return <p role="alert" className="problem">{text}</p>;
}

export function Loading({ what }: { what: string }) {
  return <p className="muted" role="status">Loading {what}…</p>;
}

/** A signature as it is shown wherever the signed decision is shown: name, meaning, time (21 CFR 11.50). */
export function Signature({ s }: { s: SignatureView }) {
  return (
    <span className="signature" title={`record ${s.recordHash}\nsignature ${s.signatureHash}`}>
      Signed by <strong>{s.printedName}</strong> ({s.signer}), meaning <em>{s.meaning}</em>, at {dateTime(s.signedAt)}
      {s.valid === false ? <strong className="bad"> — signature does not match its record</strong> : null}
    </span>
  );
}

export function Hash({ value }: { value: string | null | undefined }) {
  return <code className="hash" title={value ?? undefined}>{shortHash(value)}</code>;
}

export function Outcome({ value }: { value: string }) {
  return <span className={`badge outcome-${value.toLowerCase()}`}>{value}</span>;
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  const hid = id ?? title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return (
    <section aria-labelledby={hid} className="card">
      <h2 id={hid}>{title}</h2>
      {children}
    </section>
  );
}
