// Parses a Mermaid diagram from standard input with mermaid's own parser; exit 1 on error.
import { JSDOM } from "jsdom";
const dom = new JSDOM("<!DOCTYPE html><body></body>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
const { default: mermaid } = await import("mermaid");
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString("utf8");
try {
  await mermaid.parse(text);
  console.log("ok");
} catch (error) {
  console.error(String(error && error.message || error));
  process.exit(1);
}
