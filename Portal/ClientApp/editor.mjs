// The portal's kernel source editor: CodeMirror 6 with C-family highlighting for OpenCL C and CUDA C and Python for
// Triton, styled like a MudBlazor outlined field. Blazor loads the bundle of this file as an ES module
// (Portal/Components/Tests/CodeEditor.razor) and drives it through the functions exported below.
// Rebuild: `npm ci && npm run build` in Portal/ClientApp (see docs/code-editor.md).
import { basicSetup } from "codemirror";
import { EditorView, keymap } from "@codemirror/view";
import { EditorState, Compartment } from "@codemirror/state";
import { HighlightStyle, syntaxHighlighting, indentUnit } from "@codemirror/language";
import { indentWithTab } from "@codemirror/commands";
import { tags } from "@lezer/highlight";
import { cpp } from "@codemirror/lang-cpp";
import { python } from "@codemirror/lang-python";

// Changes longer than this are not sent with the notification: .NET pulls them through a stream instead, because a
// SignalR message is limited (32 KB by default) and a kernel source may be up to 1 MiB.
const inlineLimit = 8192;

// The portal's palette (Portal/Components/Layout/PortalTheme.cs): primary #1b4f8a, secondary #0f8a6c.
const portalTheme = EditorView.theme({
    "&": {
        fontSize: "0.875rem",
        border: "1px solid rgba(0, 0, 0, 0.23)",
        borderRadius: "4px",
        backgroundColor: "#fff",
    },
    "&.cm-focused": { outline: "none", borderColor: "#1b4f8a", boxShadow: "inset 0 0 0 1px #1b4f8a" },
    ".cm-scroller": { fontFamily: "'JetBrains Mono', 'Cascadia Code', Consolas, 'Liberation Mono', monospace", lineHeight: "1.5" },
    ".cm-gutters": { backgroundColor: "#f5f7fa", color: "#6b778c", borderRight: "1px solid #e0e4ea", borderRadius: "4px 0 0 4px" },
    ".cm-activeLine": { backgroundColor: "rgba(27, 79, 138, 0.05)" },
    ".cm-activeLineGutter": { backgroundColor: "rgba(27, 79, 138, 0.10)" },
    ".cm-cursor": { borderLeftColor: "#1b4f8a" },
    "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": { backgroundColor: "rgba(27, 79, 138, 0.18)" },
    "&.cm-editor[aria-readonly=true] .cm-content, .cm-readonly": { caretColor: "transparent" },
});

const portalHighlight = HighlightStyle.define([
    { tag: [tags.keyword, tags.controlKeyword, tags.modifier, tags.operatorKeyword], color: "#1b4f8a", fontWeight: "500" },
    { tag: [tags.typeName, tags.standard(tags.typeName), tags.className], color: "#0f8a6c" },
    { tag: [tags.function(tags.variableName), tags.function(tags.propertyName), tags.macroName], color: "#7b3fa0" },
    { tag: [tags.number, tags.bool, tags.null], color: "#b35c00" },
    { tag: [tags.string, tags.special(tags.string), tags.character], color: "#a31515" },
    { tag: [tags.comment, tags.lineComment, tags.blockComment], color: "#6a737d", fontStyle: "italic" },
    { tag: [tags.meta, tags.processingInstruction, tags.annotation], color: "#795e26" },
    { tag: tags.invalid, color: "#b3261e" },
]);

function languageSupport(language) {
    // OpenCL C and CUDA C are C dialects: the C++ grammar reads both (qualifiers such as __kernel are identifiers to it).
    return language === "triton" ? [python(), indentUnit.of("    ")] : [cpp(), indentUnit.of("    ")];
}

/**
 * Creates an editor inside `element`. Options: value (text), language (opencl-c, cuda-c, triton), readOnly, label
 * (the accessible name). Answers a handle for the other functions.
 */
export function create(element, options) {
    const handle = { language: new Compartment(), editable: new Compartment(), listener: null, view: null };
    const readOnly = !!options?.readOnly;
    handle.view = new EditorView({
        parent: element,
        state: EditorState.create({
            doc: options?.value ?? "",
            extensions: [
                basicSetup,
                keymap.of([indentWithTab]),
                portalTheme,
                syntaxHighlighting(portalHighlight),
                handle.language.of(languageSupport(options?.language)),
                handle.editable.of([EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]),
                EditorView.contentAttributes.of({ "aria-label": options?.label ?? "source", spellcheck: "false" }),
                EditorView.updateListener.of(update => {
                    if (update.docChanged && handle.listener)
                        notify(handle);
                }),
            ],
        }),
    });
    return handle;
}

function notify(handle) {
    const text = handle.view.state.doc.toString();
    handle.listener.invokeMethodAsync("OnEditorChanged", text.length <= inlineLimit ? text : null, text.length);
}

/** Replaces the whole text (without notifying: the caller set it). */
export function setValue(handle, text) {
    const view = handle.view;
    const current = view.state.doc.toString();
    if (current === (text ?? ""))
        return;
    const listener = handle.listener;
    handle.listener = null;
    try {
        view.dispatch({ changes: { from: 0, to: current.length, insert: text ?? "" } });
    } finally {
        handle.listener = listener;
    }
}

export function getValue(handle) {
    return handle.view.state.doc.toString();
}

/** The text as a stream, for texts too long for one SignalR message. */
export function getValueStream(handle) {
    return DotNet.createJSStreamReference(new TextEncoder().encode(handle.view.state.doc.toString()));
}

export function setLanguage(handle, language) {
    handle.view.dispatch({ effects: handle.language.reconfigure(languageSupport(language)) });
}

export function setReadOnly(handle, readOnly) {
    handle.view.dispatch({ effects: handle.editable.reconfigure([EditorState.readOnly.of(!!readOnly), EditorView.editable.of(!readOnly)]) });
}

/** Calls `OnEditorChanged(text, length)` on the .NET object at every change; text is null when longer than the inline limit. */
export function onChange(handle, dotNetObject) {
    handle.listener = dotNetObject;
}

export function dispose(handle) {
    handle.listener = null;
    handle.view?.destroy();
    handle.view = null;
}
