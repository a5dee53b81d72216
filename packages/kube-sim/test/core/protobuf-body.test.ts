// Protobuf request bodies (kubectl 1.32+ typed-client writes): the envelope and the kinds kube-sim
// decodes, checked with a hand-built encoding here and with a real kubectl 1.32+ where one exists.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findExecutable } from '@k8s-console/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtobufObject } from '../../src/api/protobuf-body.js';
import { startApiServer, StatusError, type KubeSim } from '../../src/index.js';

const varint = (n: number): Buffer => {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
};
const field = (n: number, value: Buffer | string): Buffer => {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([varint(n * 8 + 2), varint(bytes.length), bytes]);
};
const entry = (key: string, value: string | Buffer): Buffer => Buffer.concat([field(1, key), field(2, value)]);
const envelope = (apiVersion: string, kind: string, raw: Buffer): Buffer =>
  Buffer.concat([Buffer.from('k8s\0', 'binary'), field(1, Buffer.concat([field(1, apiVersion), field(2, kind)])), field(2, raw)]);

describe('protobuf request bodies', () => {
  it('decodes a ConfigMap and a Secret with their maps, skipping empty fields', () => {
    const meta = Buffer.concat([field(1, 'settings'), field(2, ''), field(3, 'team'), field(8, Buffer.alloc(0)), field(11, entry('app', 'web'))]);
    const cm = decodeProtobufObject(envelope('v1', 'ConfigMap', Buffer.concat([field(1, meta), field(2, entry('mode', 'blue')), field(2, entry('size', 'L'))])));
    expect(cm).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'team', labels: { app: 'web' } }, data: { mode: 'blue', size: 'L' } });
    const secret = decodeProtobufObject(envelope('v1', 'Secret', Buffer.concat([field(1, field(1, 's')), field(2, entry('pw', Buffer.from('s3cret'))), field(3, 'Opaque')])));
    expect(secret).toMatchObject({ metadata: { name: 's' }, data: { pw: Buffer.from('s3cret').toString('base64') }, type: 'Opaque' });
  });

  it('refuses kinds it has no schema for with a 415 that says what to use instead', () => {
    try {
      decodeProtobufObject(envelope('apps/v1', 'StatefulSet', Buffer.alloc(0)));
      throw new Error('expected a StatusError');
    } catch (err) {
      expect(err).toBeInstanceOf(StatusError);
      expect((err as StatusError).code).toBe(415);
      expect((err as StatusError).message).toContain('kubectl apply');
    }
  });
});

/** A kubectl that sends protobuf: the one on PATH if it is 1.32+, else a versioned sibling (Google Cloud SDK layout). */
function protobufKubectl(): string | undefined {
  const onPath = findExecutable(['kubectl']);
  if (!onPath) return undefined;
  for (const v of ['1.33', '1.32']) {
    const sibling = join(dirname(realpathSync(onPath)), `kubectl.${v}`);
    if (existsSync(sibling)) return sibling;
  }
  try {
    const version = JSON.parse(execFileSync(onPath, ['version', '--client', '-o', 'json'], { encoding: 'utf8' })) as { clientVersion?: { minor?: string } };
    return Number.parseInt(version.clientVersion?.minor ?? '0', 10) >= 32 ? onPath : undefined;
  } catch {
    return undefined;
  }
}

const newKubectl = protobufKubectl();

describe.runIf(newKubectl !== undefined)('kubectl 1.32+ typed-client writes', () => {
  let sim: KubeSim;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  // async: the server runs in this process and must keep answering while kubectl waits
  const run = async (...args: string[]): Promise<string> => (await promisify(execFile)(newKubectl!, args, { env, encoding: 'utf8' })).stdout;

  beforeAll(async () => {
    sim = await startApiServer();
    dir = mkdtempSync(join(tmpdir(), 'kube-sim-pb-'));
    writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfig(), { mode: 0o600 });
    env = { ...process.env, KUBECONFIG: join(dir, 'kubeconfig'), HOME: dir };
  });
  afterAll(async () => {
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates configmaps, secrets, namespaces and service accounts sent as protobuf', async () => {
    expect(await run('create', 'configmap', 'pb', '--from-literal=k=v')).toBe('configmap/pb created\n');
    expect(sim.store.get('configmaps', 'default', 'pb')?.data).toEqual({ k: 'v' });
    await run('create', 'secret', 'generic', 'pbs', '--from-literal=pw=s3cret');
    expect(sim.store.get('secrets', 'default', 'pbs')?.data).toEqual({ pw: Buffer.from('s3cret').toString('base64') });
    await run('create', 'namespace', 'pbns');
    await run('create', 'serviceaccount', 'robot', '-n', 'pbns');
    expect(sim.store.get('serviceaccounts', 'pbns', 'robot')).toBeDefined();
  });

  it('decodes what kubectl create deployment|job|cronjob|service and kubectl run send exactly as kubectl would write it in JSON', async () => {
    const commands = [
      ['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=0', '--port=80'],
      ['run', 'shell', '--image=busybox', '--labels=a=b', '--env=X=1', '--', 'sleep', '10'],
      ['create', 'job', 'once', '--image=busybox', '--', 'echo', 'hi'],
      ['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', '--', 'date'],
      ['create', 'service', 'nodeport', 'entry', '--tcp=80:http', '--node-port=30080'],
    ];
    const seen: unknown[] = [];
    const stop = sim.store.onChange((e) => {
      if (e.type === 'ADDED') seen.push(e.object);
    });
    // kubectl's own JSON of the same object, without what the server adds
    const comparable = (o: Record<string, unknown>): string => JSON.stringify(o, (k, v: unknown) =>
      k === 'status' || k === 'creationTimestamp' || v === null ? undefined
      : v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v);
    for (const args of commands) {
      const dash = args.indexOf('--');
      const [flags, rest] = dash < 0 ? [args, []] : [args.slice(0, dash), args.slice(dash)];
      const expected = JSON.parse(await run(...flags, '--dry-run=client', '-o', 'json', ...rest)) as Record<string, unknown>;
      const captured: Record<string, unknown>[] = [];
      const original = sim.store.create.bind(sim.store);
      sim.store.create = (ref, obj, opts) => {
        captured.push(structuredClone(obj));
        return original(ref, obj, opts);
      };
      try {
        await run(...args);
      } finally {
        sim.store.create = original;
      }
      const sent = captured[0]!;
      delete (sent.metadata as Record<string, unknown>).namespace;
      expect(comparable(sent), args.join(' ')).toBe(comparable(expected));
    }
    stop();
    expect(seen).toHaveLength(commands.length);
  });
});
