// Prints the reliability suite's figures from its last run as a markdown table
// (docs/reliability.md is made from it). Each test appends JSON lines to
// $DEPLOY_RELIABILITY_REPORT (default /tmp/deploy-reliability.jsonl); scripts/test.sh starts
// each run with an empty file.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2] ?? process.env.DEPLOY_RELIABILITY_REPORT ?? '/tmp/deploy-reliability.jsonl';
if (!existsSync(file)) {
  console.error(`no report at ${file}: run the reliability suite first (npm test)`);
  process.exit(1);
}
const rows = readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));
const byTest = new Map();
for (const r of rows) {
  const t = byTest.get(r.test) ?? {
    test: r.test,
    faults: 0,
    cases: 0,
    requests: 0,
    failed: 0,
    data_lost: 0,
    leaks: 0,
    seconds: 0,
    notes: new Set(),
  };
  // Field names differ a little between tests: interruptions are faults, runs are cases.
  const value = {
    ...r,
    faults: r.faults ?? r.interruptions,
    cases: r.cases ?? r.runs,
    failed: r.requests !== undefined ? r.failed : 0,
  };
  for (const k of ['faults', 'cases', 'requests', 'failed', 'data_lost', 'leaks', 'seconds'])
    t[k] += Number(value[k] ?? 0);
  if (r.case) t.notes.add(r.case);
  byTest.set(r.test, t);
}
const sum = (k) => [...byTest.values()].reduce((n, t) => n + t[k], 0);
console.log(
  '| test | faults injected | bad inputs / runs checked | requests under load | requests failed | secrets leaked | data lost | seconds |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const t of byTest.values()) {
  console.log(
    `| ${t.test}${t.notes.size ? ` (${[...t.notes].join('; ')})` : ''} | ${t.faults} | ${t.cases} | ${t.requests} | ${t.failed} | ${t.leaks} | ${t.data_lost} | ${t.seconds} |`,
  );
}
console.log(
  `| **total** | **${sum('faults')}** | **${sum('cases')}** | **${sum('requests')}** | **${sum('failed')}** | **${sum('leaks')}** | **${sum('data_lost')}** | |`,
);
