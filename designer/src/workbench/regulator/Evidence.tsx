import { enc } from "../../shared/api";
import { Section } from "../../shared/components";
import { useStudy } from "../../app/Layout";

/** The evidence pack: one zip a reviewer can check file by file (manifest.json lists each file's SHA-256). */
export function Evidence() {
  const { study } = useStudy();
  return (
    <>
      <h1>Evidence pack</h1>
      <Section title="What it holds">
        <ul>
          <li>the protocol text and every library it imports, with the content hash and each criterion's hash;</li>
          <li>the compiler's version and its CQL conformance results;</li>
          <li>the screening results (every subject, every criterion, the values read) and the validation report;</li>
          <li>the journal verification and every electronic signature (signer, meaning, time, record hash);</li>
          <li><code>manifest.json</code>: each file with its size and SHA-256.</li>
        </ul>
        <p>The same pack is written from the command line by <code>protocol evidence PROTOCOL --data DIR --out PACK.zip</code>.</p>
        <p><a className="button" href={`/api/studies/${enc(study.id)}/evidence-pack`} download>Download the evidence pack of {study.id}</a></p>
      </Section>
    </>
  );
}
