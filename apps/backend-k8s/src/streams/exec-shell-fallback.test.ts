// The default shell: /bin/bash first, /bin/sh when the image has no bash. kube-sim has both in
// every image, so this test puts an apiserver in its place that answers like containerd does for
// a missing binary (an InternalError Status on the error channel, before any output).
import { EXEC_STREAM_PROTOCOL } from '@k8s-console/contracts';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { eventually, openRecorded, startStreamHarness, type StreamHarness } from './testing/stream-test-harness.js';

let apiserver: WebSocketServer;
let h: StreamHarness;
const commands: string[][] = [];
let bashExists = false;

const frame = (channel: number, text: string) => Buffer.concat([Buffer.from([channel]), Buffer.from(text)]);

beforeAll(async () => {
  apiserver = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (offered) => (offered.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false) });
  await new Promise((r) => apiserver.once('listening', r));
  apiserver.on('connection', (ws, req) => {
    const command = new URL(req.url ?? '/', 'http://x').searchParams.getAll('command');
    commands.push(command);
    if (command[0] === '/bin/bash' && bashExists) {
      // a silent shell (no prompt without a tty): it ends with what the user asked it to
      ws.on('message', (data: Buffer) => {
        const exit = /exit (\d+)/.exec(data.subarray(1).toString());
        if (data[0] !== 0 || !exit) return;
        const causes = [{ reason: 'ExitCode', message: exit[1] }];
        ws.send(frame(3, JSON.stringify({ metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', message: `command terminated with non-zero exit code: ${exit[1]}`, details: { causes } })));
        ws.close(1000);
      });
      return;
    }
    if (command[0] === '/bin/bash') {
      const message = 'OCI runtime exec failed: exec failed: unable to start container process: exec: "/bin/bash": stat /bin/bash: no such file or directory: unknown';
      ws.send(frame(3, JSON.stringify({ metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 })));
      ws.close(1000);
      return;
    }
    ws.send(frame(1, '/ # '));
    ws.on('message', (data: Buffer) => {
      if (data[0] !== 0) return;
      if (data.subarray(1).toString().includes('exit')) {
        ws.send(frame(3, JSON.stringify({ metadata: {}, status: 'Success' })));
        ws.close(1000);
      }
    });
  });
  const port = (apiserver.address() as AddressInfo).port;
  h = await startStreamHarness({ url: `http://127.0.0.1:${port}`, token: 'apiserver-token', stop: async () => {} });
});
afterAll(async () => {
  await h?.close();
  await new Promise((r) => apiserver?.close(r));
});

describe('default shell', () => {
  it('falls back to /bin/sh when /bin/bash does not exist, and says which one runs', async () => {
    const rec = await openRecorded(`${h.wsUrl}/api/v1/clusters/sim/namespaces/default/pods/box/exec?container=main&tty=true`, 'alice-token', EXEC_STREAM_PROTOCOL);
    await eventually(() => rec.text().includes('/ # '), 'the sh prompt');
    expect(commands).toEqual([['/bin/bash'], ['/bin/sh']]);
    expect(rec.controls.filter((c) => c.type === 'started').map((c) => (c as { command: string[] }).command)).toEqual([['/bin/bash'], ['/bin/sh']]);
    rec.ws.send(frame(0, 'exit\r'));
    expect((await rec.closed).code).toBe(1000);
    expect(rec.controls.at(-1)).toMatchObject({ type: 'exit', exitCode: 0 });
    await eventually(() => h.recorder.records.find((r) => r.command.join(' ') === '/bin/sh' && r.endReason === 'exit'), 'the record names /bin/sh');
  });

  it('does not fall back for a command the user chose', async () => {
    commands.length = 0;
    const rec = await openRecorded(`${h.wsUrl}/api/v1/clusters/sim/namespaces/default/pods/box/exec?container=main&command=/bin/bash&tty=true`, 'alice-token', EXEC_STREAM_PROTOCOL);
    await rec.closed;
    expect(commands).toEqual([['/bin/bash']]);
    expect(rec.controls.at(-1)).toMatchObject({ type: 'exit', exitCode: null, message: expect.stringContaining('no such file') });
  });

  it('does not fall back once the user typed: exit 127 from a silent shell is the shell\'s exit', async () => {
    commands.length = 0;
    bashExists = true;
    try {
      const rec = await openRecorded(`${h.wsUrl}/api/v1/clusters/sim/namespaces/default/pods/box/exec?container=main&tty=false`, 'alice-token', EXEC_STREAM_PROTOCOL);
      await eventually(() => rec.controls.find((c) => c.type === 'started'), 'bash started');
      rec.ws.send(frame(0, 'exit 127\n'));
      expect((await rec.closed).code).toBe(1000);
      expect(commands).toEqual([['/bin/bash']]);
      expect(rec.controls.at(-1)).toMatchObject({ type: 'exit', exitCode: 127 });
      await eventually(() => h.recorder.records.find((r) => r.command.join(' ') === '/bin/bash' && r.exitCode === 127), 'the record names /bin/bash');
    } finally {
      bashExists = false;
    }
  });
});
