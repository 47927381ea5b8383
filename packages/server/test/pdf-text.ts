// Reads a PDF's text back as a person's PDF reader would (Mozilla's PDF.js), to check what it prints.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

/** The metrics of the 14 standard fonts, which a PDF may use without embedding them. */
const standardFontDataUrl = `${join(dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")), "standard_fonts")}/`;

function joined(runs: string[]): string {
  return runs.join(" ").replace(/\s+/g, " ").trim();
}

/** Every page's text, one line of text per line, its runs joined by one space. */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  // PDF.js takes ownership of the buffer it is given, so it reads a copy.
  const document = await getDocument({ data: bytes.slice(), standardFontDataUrl }).promise;
  const lines: string[] = [];
  for (let number = 1; number <= document.numPages; number++) {
    const content = await (await document.getPage(number)).getTextContent();
    let line: string[] = [];
    for (const item of content.items) {
      if (!("str" in item)) continue;
      if (item.str !== "") line.push(item.str);
      if (item.hasEOL) {
        lines.push(joined(line));
        line = [];
      }
    }
    if (line.length > 0) lines.push(joined(line));
  }
  await document.destroy();
  return lines.join("\n");
}
