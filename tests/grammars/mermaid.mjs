// node mermaid.mjs FILE...: parses each file with Mermaid's own flowchart
// grammar (the jison parser and FlowDB of the mermaid package, no
// browser) and prints "ok FILE VERTICES EDGES", or "error FILE: MESSAGE"
// (exit 1).  Used by tests/suites/91-graph.sh on `pipec graph` output.
import fs from 'node:fs';
import path from 'node:path';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

register('./mermaid_hooks.mjs', import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const chunks = path.join(here, 'node_modules/mermaid/dist/chunks/mermaid.core');
const chunk = fs.readdirSync(chunks).find((f) => /^flowDiagram-.*\.mjs$/.test(f));
if (!chunk) {
  console.log('error: no flowchart chunk in ' + chunks);
  process.exit(1);
}
const { diagram } = await import(path.join(chunks, chunk));
let failed = false;
for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, 'utf8');
  const db = diagram.db;
  db.clear();
  diagram.parser.parser.yy = db;
  try {
    if (!/^flowchart /.test(text))
      throw new Error('not a flowchart');
    diagram.parser.parse(text);
    console.log(`ok ${file} ${db.getVertices().size} ${db.getEdges().length}`);
  } catch (e) {
    console.log(`error ${file}: ${String(e.message).split('\n').join(' | ')}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
