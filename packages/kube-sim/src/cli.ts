// kube-sim command: kube-sim --port <n|0> --seed <demo|scale:N> --kubeconfig-out <file> [--http]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startKubeSim } from './kube-sim.js';

const usage = `usage: kube-sim [--port <n|0>] [--host <addr>] [--seed <empty|demo|scale:N>] [--kubeconfig-out <file>]
                [--context <name>] [--http] [--allow-anonymous] [--token <token>] [--watch-window <events>]
                [--pod-start-delay-ms <ms>]
  kubectl sends no credentials over plain HTTP: with --http, add --allow-anonymous for kubectl.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string' },
      'kubeconfig-out': { type: 'string' },
      context: { type: 'string', default: 'kube-sim' },
      http: { type: 'boolean', default: false },
      'allow-anonymous': { type: 'boolean', default: false },
      token: { type: 'string' },
      'watch-window': { type: 'string' },
      'pod-start-delay-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535\n${usage}`);
  const sim = await startKubeSim({
    host: values.host,
    port,
    https: !values.http,
    allowAnonymous: values['allow-anonymous'],
    ...(values.token ? { token: values.token } : {}),
    ...(values.seed ? { seed: values.seed } : {}),
    ...(values['watch-window'] ? { watchWindow: Number(values['watch-window']) } : {}),
    ...(values['pod-start-delay-ms'] ? { podStartDelayMs: Number(values['pod-start-delay-ms']) } : {}),
  });
  const out = values['kubeconfig-out'];
  // the kubeconfig holds the token: readable by its owner only
  if (out) writeFileSync(out, sim.kubeconfig(values.context), { mode: 0o600 });
  console.log(`kube-sim listening on ${sim.url}`);
  const shutdown = (): void => {
    void sim.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(`kube-sim: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
