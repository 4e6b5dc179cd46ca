// Highlighting for the .protocol language in CodeMirror, read from the VS Code extension's TextMate grammar (whose
// keywords a test keeps in step with the compiler's grammar): one list of the language's words for every editor.
import { StreamLanguage, type StringStream } from "@codemirror/language";
import grammar from "../../editors/vscode/syntaxes/protocol.tmLanguage.json";

interface Pattern { name?: string; match?: string; begin?: string; end?: string; include?: string; patterns?: Pattern[] }
interface Rule { style: string; match?: RegExp; lineStart?: boolean; begin?: RegExp; end?: RegExp }
interface State { inside: Rule | null }

// TextMate scopes to CodeMirror's token names (which the default highlight style colours).
function styleOf(scope: string): string {
  if (scope.startsWith("comment")) return "comment";
  if (scope.startsWith("string")) return "string";
  if (scope.startsWith("constant.numeric")) return "number";
  if (scope.startsWith("constant")) return "atom";
  if (scope.startsWith("storage.type")) return "typeName";
  if (scope.startsWith("entity.name.type")) return "className";
  if (scope.startsWith("entity.name.function")) return "variableName.function";
  if (scope.startsWith("keyword.operator.word")) return "operatorKeyword";
  if (scope.startsWith("keyword.operator")) return "operator";
  if (scope.startsWith("keyword.declaration")) return "definitionKeyword";
  if (scope.startsWith("keyword")) return "keyword";
  return "variableName";
}

function rules(): Rule[] {
  const repo = (grammar as unknown as { repository: Record<string, Pattern>; patterns: Pattern[] });
  const out: Rule[] = [];
  const add = (p: Pattern) => {
    if (p.include) { const r = repo.repository[p.include.slice(1)]; if (r) (r.patterns ?? [r]).forEach(add); return; }
    if (p.patterns && !p.begin) { p.patterns.forEach(add); return; }
    const style = styleOf(p.name ?? "");
    if (p.match) {
      const lineStart = p.match.startsWith("^\\s*");
      const source = lineStart ? p.match.slice(4) : p.match;
      out.push({ style, lineStart, match: new RegExp(source, "y") });
    } else if (p.begin && p.end) {
      out.push({ style, begin: new RegExp(p.begin, "y"), end: new RegExp(p.end.replace("|$", ""), "g") });
    }
  };
  repo.patterns.forEach(add);
  return out;
}

const all = rules();

function at(re: RegExp, stream: StringStream): string | null {
  re.lastIndex = stream.pos;
  const m = re.exec(stream.string);
  return m && m.index === stream.pos && m[0].length > 0 ? m[0] : null;
}

// The rest of a string or block comment: to its end on this line, or the whole line (a string ends at the line's end).
function finish(rule: Rule, stream: StringStream, state: State): string {
  const end = rule.end!;
  end.lastIndex = stream.pos;
  const m = end.exec(stream.string);
  if (m) { stream.pos = m.index + m[0].length; state.inside = null; }
  else { stream.skipToEnd(); state.inside = rule.style === "comment" ? rule : null; }
  return rule.style;
}

export const protocolLanguage = StreamLanguage.define<State>({
  name: "protocol",
  startState: () => ({ inside: null }),
  token(stream, state) {
    if (state.inside) return finish(state.inside, stream, state);
    if (stream.eatSpace()) return null;
    for (const rule of all) {
      if (rule.lineStart && stream.string.slice(0, stream.pos).trim() !== "") continue;
      if (rule.match) {
        const m = at(rule.match, stream);
        if (m) { stream.pos += m.length; return rule.style; }
      } else if (rule.begin) {
        const m = at(rule.begin, stream);
        if (m) { stream.pos += m.length; return finish(rule, stream, state); }
      }
    }
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) return "variableName";
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: "//" } },
});
