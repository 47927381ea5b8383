// CodeMirror injects its styles (layout of the editor, lint underlines, the completion list) into a
// <style> element, which the studio's Content-Security-Policy (style-src 'self', no inline styles)
// blocks: the editor then renders unstyled and Chrome even types non-breaking spaces into it. A
// constructed stylesheet adopted by the document is CSSOM, which CSP does not govern, so CodeMirror's
// style modules are mounted there instead, in the order CodeMirror asks for (base theme first).
import { StyleModule } from "style-mod";

type Mount = typeof StyleModule.mount;

function adoptedStyleMount(document: Document): Mount | undefined {
  const view = document.defaultView;
  if (!view?.CSSStyleSheet || !("adoptedStyleSheets" in document)) return undefined;
  const sheet = new view.CSSStyleSheet();
  if (typeof sheet.replaceSync !== "function") return undefined;
  const modules: StyleModule[] = [];
  return (_root, mounting) => {
    let changed = false;
    let next = 0;
    for (const module of Array.isArray(mounting) ? mounting : [mounting]) {
      let index = modules.indexOf(module);
      if (index > -1 && index < next) {
        modules.splice(index, 1);
        next--;
        index = -1;
      }
      if (index === -1) {
        modules.splice(next++, 0, module);
        changed = true;
      } else next = index + 1;
    }
    if (changed) sheet.replaceSync(modules.map((module) => module.getRules()).join("\n"));
    if (!document.adoptedStyleSheets.includes(sheet))
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  };
}

/** Once per page, before the first editor is created. */
export function mountCodeMirrorStylesWithoutInlineStyle(): void {
  if (typeof document === "undefined" || (StyleModule as { cspSafe?: boolean }).cspSafe) return;
  const mount = adoptedStyleMount(document);
  if (!mount) return;
  StyleModule.mount = mount;
  (StyleModule as { cspSafe?: boolean }).cspSafe = true;
}
