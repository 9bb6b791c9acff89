'use strict';
// Resource safety under churn: connect / handshake / exchange / close cycles and connections
// aborted mid-handshake leave the live native sessions and contexts at their starting counts,
// native sessions are freed when their sockets close (before any GC), finalizers free the
// rest, and RSS stops growing. The churn runs in a child process with --expose-gc
// (test/helpers/churn.js); TLS_RS_CHURN_CYCLES / TLS_RS_CHURN_ABORTS make it a soak
// (fuzz/README.md lists the 10,000-cycle figures).

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { describe, it } = require('node:test');

const cycles = Number(process.env.TLS_RS_CHURN_CYCLES || 2000);
const aborts = Number(process.env.TLS_RS_CHURN_ABORTS || 500);

describe('resource safety under churn', () => {
  let report;
  it(`${cycles} cycles and ${aborts} aborted handshakes run in a child process`, () => {
    const out = execFileSync(process.execPath, ['--expose-gc', path.join(__dirname, 'helpers', 'churn.js'),
      String(cycles), String(aborts)], { encoding: 'utf8', timeout: 180000 });
    // An empty report with exit code 0: the child's event loop emptied while it still waited
    // (once seen: the server's last connection had a handshake step away on a worker).
    assert.notEqual(out, '', 'the churn process ended before it finished');
    report = JSON.parse(out);
    if (process.env.TLS_RS_CHURN_VERBOSE) console.log(JSON.stringify(report, null, 2));
    assert.equal(report.cycles.count, cycles);
  });

  it('native sessions are freed when their sockets close, before any GC', () => {
    assert.equal(report.whileOpen.sessions - report.start.sessions, 40, 'two per open connection');
    assert.equal(report.afterCloseBeforeGc.sessions, report.start.sessions);
    assert.equal(report.afterCyclesBeforeGc.sessions, report.start.sessions);
  });

  it('closed sockets the program still holds hold no session handle', () => {
    assert.equal(report.closedSocketsHeld.sessionHandles, report.start.sessionHandles);
  });

  it('finalizers free sessions that were never destroyed, and every handle', () => {
    assert.ok(report.abandoned.sessions >= 100, 'the abandoned sessions were live');
    assert.equal(report.end.sessions, report.start.sessions);
    assert.equal(report.end.sessionHandles, report.start.sessionHandles);
  });

  it('contexts made per connection are collected', () => {
    assert.equal(report.afterSecondHalf.contexts, report.afterWarmup.contexts);
    assert.equal(report.end.contexts, report.afterWarmup.contexts);
  });

  it('RSS stops growing: the second round of cycles adds less than 16 MB', () => {
    const growth = report.afterSecondHalf.rssMb - report.afterFirstHalf.rssMb;
    assert.ok(growth < 16, `RSS grew ${growth} MB over ${cycles / 2} cycles (${JSON.stringify(report)})`);
    assert.ok(report.end.heapUsedMb - report.afterWarmup.heapUsedMb < 8, 'the JS heap is back near its level');
  });
});
