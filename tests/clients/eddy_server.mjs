// Starts `eddy serve` (EDDY_BINARY) on a temporary data directory and free loopback ports for the JS
// client tests, waits (bounded) for the ready line and the Kafka port, and kills it afterwards.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

export async function startEddy({ smp = 1, deadlineMs = 20000 } = {}) {
  const binary = process.env.EDDY_BINARY;
  if (!binary) throw new Error('EDDY_BINARY is not set');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eddy-js-'));
  const kafkaPort = await freePort();
  const httpPort = await freePort();
  const proc = spawn(binary, ['serve', '--data-dir', dir, '--kafka-addr', `127.0.0.1:${kafkaPort}`,
    '--http-addr', `127.0.0.1:${httpPort}`, '--smp', String(smp)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (proc.exitCode !== null) break;
    if (log.includes('eddy ready') && await accepts(kafkaPort)) {
      return {
        bootstrap: `127.0.0.1:${kafkaPort}`,
        log: () => log,
        stop: () => { proc.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); },
      };
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  proc.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`eddy serve did not become ready within ${deadlineMs} ms:\n${log}`);
}

// Resolves once predicate() is true; rejects after deadlineMs.
export async function waitFor(predicate, deadlineMs, what) {
  const until = Date.now() + deadlineMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
