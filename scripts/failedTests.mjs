// Prints each failed test of a Vitest JSON report: `FAILED <suite> <file> > <test name>`, then the
// first lines of its message, so a CI log's last lines name what failed (scripts/test-all.sh).
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

const [reportPath, suite, logPath] = process.argv.slice(2);
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
const lines = [];
for (const file of report.testResults ?? []) {
  const name = relative(process.cwd(), file.name);
  const failed = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
  for (const test of failed) {
    lines.push(`FAILED ${suite} ${name} > ${test.fullName ?? test.title}`);
    const message = (test.failureMessages ?? []).join('\n').split('\n').slice(0, 12);
    for (const line of message) lines.push(`    | ${line.slice(0, 300)}`);
  }
  // A file that failed outside any test (an import error, a hook) has no failed assertion.
  if (failed.length === 0 && file.status === 'failed') {
    lines.push(`FAILED ${suite} ${name} (outside any test)`);
    for (const line of String(file.message ?? '')
      .split('\n')
      .slice(0, 12))
      lines.push(`    | ${line.slice(0, 300)}`);
  }
}
// A run that failed with no failed test or file: Vitest's unhandled errors (the JSON report does not
// carry them); show where the log names them.
if (lines.length === 0 && report.success === false) {
  lines.push(`FAILED ${suite}: errors outside any test (unhandled errors)${logPath ? `, from ${logPath}:` : ''}`);
  const log = logPath && existsSync(logPath) ? stripVTControlCharacters(readFileSync(logPath, 'utf8')) : '';
  const all = log.split('\n');
  const at = all.findIndex((line) => /Unhandled/.test(line));
  for (const line of at < 0 ? [] : all.slice(at, at + 20)) lines.push(`    | ${line.slice(0, 300)}`);
}
process.stdout.write(lines.join('\n'));
