// The protocol text in CodeMirror 6: highlighting, the compiler's diagnostics as squiggles with their quick fixes,
// completion, hover, go to definition (F12), and one undo history for every change, typed or made in the graph.
import { autocompletion, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, redo, undo } from "@codemirror/commands";
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { linter, lintGutter, type Diagnostic } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { EditorView, hoverTooltip, keymap, lineNumbers, highlightActiveLine } from "@codemirror/view";
import { forwardRef, useEffect, useImperativeHandle, useRef } from "react";
import { designerApi, type Diag, type TextEditView } from "./designerApi";
import { protocolLanguage } from "./protocolLanguage";

export interface EditorHandle {
  text(): string;
  /** Applies text edits (offsets of the current text) as one change of the history. */
  apply(edits: TextEditView[], label: string): void;
  select(start: number, end: number): void;
  undo(): void;
  redo(): void;
  focus(): void;
}

interface Props {
  initial: string;
  studyId: string | null;
  onText(text: string): void;
  onDiagnostics(diagnostics: Diag[], elapsedMs: number): void;
  onCursor(offset: number): void;
  onDefinition(message: string): void;
}

/** The editor; its document is the one copy of the text the page works on. */
export const Editor = forwardRef<EditorHandle, Props>(function Editor(props, ref) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const lint = linter(async (v): Promise<Diagnostic[]> => {
      const text = v.state.doc.toString();
      const started = performance.now();
      const r = await designerApi.diagnostics(text);
      // An answer about an older text is dropped: the next lint run brings the current one.
      if (v.state.doc.toString() !== text) return [];
      latest.current.onDiagnostics(r.diagnostics, performance.now() - started);
      return r.diagnostics.map((d) => ({
        from: Math.min(d.start, text.length),
        to: Math.min(Math.max(d.end, d.start), text.length),
        severity: d.severity === "info" ? "info" : d.severity,
        source: d.code,
        message: `${d.code}: ${d.message}`,
        actions: d.fix ? [{ name: d.fix.title, apply: (ev: EditorView) => ev.dispatch({ changes: { from: d.fix!.start, to: d.fix!.end, insert: d.fix!.newText } }) }] : [],
      }));
    }, { delay: 150 });

    const complete = async (ctx: CompletionContext): Promise<CompletionResult | null> => {
      const text = ctx.state.doc.toString();
      const r = await designerApi.completion(text, ctx.pos, latest.current.studyId);
      if (r.items.length === 0) return null;
      return {
        from: r.from,
        to: r.to,
        options: r.items.map((i) => ({ label: i.label, apply: i.insertText, detail: i.detail ?? undefined, info: i.documentation ?? undefined, type: i.kind, boost: 0 })),
        validFor: /^[A-Za-z0-9_]*$/,
      };
    };

    const hover = hoverTooltip(async (v, pos) => {
      const r = await designerApi.hover(v.state.doc.toString(), pos);
      if (!r.hover) return null;
      const h = r.hover;
      return {
        pos: h.start,
        end: h.end,
        above: true,
        create: () => {
          const dom = document.createElement("div");
          dom.className = "hover-help";
          dom.textContent = h.markdown.replace(/\*\*|`/g, "");
          return { dom };
        },
      };
    });

    const goToDefinition = (v: EditorView) => {
      const pos = v.state.selection.main.head;
      designerApi.definition(v.state.doc.toString(), pos).then((r) => {
        const d = r.definitions[0];
        if (!d) { latest.current.onDefinition("No declaration here."); return; }
        if (d.inDocument) {
          v.dispatch({ selection: { anchor: d.start, head: d.end }, scrollIntoView: true });
          latest.current.onDefinition(`Declared on line ${d.line + 1}.`);
        } else latest.current.onDefinition(`Declared in ${d.file}, line ${d.line + 1}: ${d.lineText ?? ""}`);
      }, (e) => latest.current.onDefinition(String(e)));
      return true;
    };

    const state = EditorState.create({
      doc: props.initial,
      extensions: [
        lineNumbers(),
        highlightActiveLine(),
        history(),
        bracketMatching(),
        protocolLanguage,
        syntaxHighlighting(defaultHighlightStyle),
        lint,
        lintGutter(),
        autocompletion({ override: [complete], activateOnTyping: true }),
        hover,
        keymap.of([{ key: "F12", run: goToDefinition }, ...historyKeymap, ...defaultKeymap]),
        // tabindex: axe counts the editable content as the scroll area's keyboard access.
        EditorView.contentAttributes.of({ "aria-label": "Protocol text", tabindex: "0" }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) latest.current.onText(u.state.doc.toString());
          if (u.selectionSet || u.docChanged) latest.current.onCursor(u.state.selection.main.head);
        }),
      ],
    });
    const v = new EditorView({ state, parent: host.current! });
    view.current = v;
    latest.current.onText(props.initial);
    return () => { v.destroy(); view.current = null; };
    // A new document (another protocol opened) makes a new editor: the page keys this component by the document.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useImperativeHandle(ref, () => ({
    text: () => view.current?.state.doc.toString() ?? "",
    apply: (edits, label) => {
      const v = view.current;
      if (!v) return;
      v.dispatch({ changes: edits.map((e) => ({ from: e.start, to: e.end, insert: e.newText })), userEvent: "input.graph", scrollIntoView: true });
      v.dom.setAttribute("data-last-edit", label);
    },
    select: (start, end) => {
      const v = view.current;
      if (!v) return;
      v.dispatch({ selection: { anchor: start, head: end }, scrollIntoView: true });
    },
    undo: () => { if (view.current) undo(view.current); },
    redo: () => { if (view.current) redo(view.current); },
    focus: () => view.current?.focus(),
  }), []);

  return <div ref={host} className="code-editor" data-testid="editor" />;
});
