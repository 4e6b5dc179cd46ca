// The generated parser, lexer, listener and visitor are the compiler's own (only src/ProtocolEngine.Language/Parsing uses
// them): the C# target declares them public, so each top-level declaration of the generated files is made internal, and
// nothing of ANTLR's reaches the Language assembly's public API (PublicAPI.Shipped.txt).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const folder = process.argv[2];
for (const name of readdirSync(folder).filter((f) => f.endsWith(".cs"))) {
  const path = join(folder, name);
  const text = readFileSync(path, "utf8");
  writeFileSync(path, text.replace(/^public (partial class|interface) /gm, "internal $1 "));
}
