'use strict';
// Every native entry point refuses arguments of the wrong type with an exception, never by ending
// the process. (Node 18's napi_get_buffer_info asserts on anything but a Buffer — SIGABRT — where
// Node 20+ return an error; `Buffer`/`BufferSlice` parameters reached it, so they are
// Uint8Array / &[u8] now, which napi-rs reads with napi_get_typedarray_info.) The calls run in a
// child process, which prints each call before making it, so an abort names its culprit.

const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { it } = require('node:test');

const CHILD = 'TLS_RS_NATIVE_ARGUMENTS_CHILD';

if (process.env[CHILD]) {
  const binding = require('../lib/binding');
  const tls = require('..');
  const context = tls.createSecureContext({}).context;
  const connection = () => new binding.TlsConnection(context, false);
  const WRONG = [undefined, null, 'text', 5, {}, [], [5], ['text'], () => {}, Symbol('s'), 10n,
    new ArrayBuffer(4), new DataView(new ArrayBuffer(4))];
  // Process-wide settings (they would change how this process answers, not what it survives).
  const SETTINGS = /^(setDefaultRootCertificates|loadRootCertificates|answerAsOpenSSL30|bindSessionsToServername|sniContextReplacesIdentity|certificateObjectsAs|refuseALPNWithoutOverlap)$/;
  const calls = [];
  for (const [name, value] of Object.entries(binding)) {
    if (typeof value !== 'function' || SETTINGS.test(name) || name === 'liveObjects') continue;
    if (/^[A-Z]/.test(name) && value.prototype) {
      calls.push([`new ${name}`, (args) => new value(...args)]);
      const self = name === 'TlsConnection' ? connection : name === 'SecureContext' ? () => context : null;
      if (!self) continue;
      for (const method of Object.getOwnPropertyNames(value.prototype)) {
        if (method === 'constructor' || typeof Object.getOwnPropertyDescriptor(value.prototype, method).value !== 'function') continue;
        calls.push([`${name}#${method}`, (args) => self()[method](...args)]);
      }
    } else {
      calls.push([name, (args) => value(...args)]);
    }
  }
  let made = 0;
  for (const [name, call] of calls) {
    for (const wrong of WRONG) {
      for (const args of [[wrong], [connection(), wrong], [connection(), wrong, wrong], [connection(), new Uint8Array(8), wrong], [wrong, wrong, wrong, wrong]]) {
        process.stdout.write(`${name}(${args.map((a) => typeof a).join(', ')})\n`);
        try {
          call(args);
        } catch {
          // Refused: what is asked of it.
        }
        made++;
      }
    }
  }
  process.stdout.write(`calls made: ${made}\n`);
} else {
  it('no native function or method ends the process when given arguments of the wrong type', () => {
    const child = spawnSync(process.execPath, [__filename], {
      env: { ...process.env, [CHILD]: '1' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
    const lines = child.stdout.trim().split('\n');
    assert.equal(child.signal, null, `the child ended by ${child.signal} in ${lines.at(-1)}\n${child.stderr.slice(0, 2000)}`);
    assert.equal(child.status, 0, child.stderr.slice(0, 2000));
    const made = Number(lines.at(-1).match(/^calls made: (\d+)$/)?.[1]);
    // (Every export is called: a binding that lost its functions would pass with none made.)
    assert.ok(made > 2000, `only ${made} calls made`);
  });
}
