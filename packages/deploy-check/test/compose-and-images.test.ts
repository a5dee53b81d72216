// docker-compose.yml and the Dockerfiles, checked without a Docker engine: the compose file
// against the Compose Specification (dclint's schema and rules) and for its wiring (replicas
// that know each other, secrets only from the env file), the Dockerfiles for their shape.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DCLinter } from 'dclint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { embedVariables, templateVariables } from '../src/nginx-harness';
import { composeFile, deployDir, repoRoot } from '../src/repo-paths';

interface ComposeService {
  build?: { context: string; dockerfile: string };
  image?: string;
  hostname?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: unknown;
  ports?: string[];
}

const composeText = readFileSync(composeFile, 'utf8');
const compose = parse(composeText, { merge: true }) as { name: string; services: Record<string, ComposeService> };
const envExample = readFileSync(join(deployDir, 'console.env.example'), 'utf8');

// DESIGN's backend environment, plus TRUST_PROXY and the replication tunables (docs/configuration.md)
const BACKEND_ENV = new Set(
  'HOST PORT DATA_DIR DATABASE_URL KUBECONFIG_ENCRYPTION_KEYS JWT_SECRET ADMIN_USERNAME ADMIN_PASSWORD INTERNAL_SECRET POD_IP POD_IPS POD_PORT INSTANCE_ADDRESSES SERVICE_NAME POD_NAMESPACE BROADCAST_TIMEOUT_MS SSO_JWT_SECRET SSO_JWT_PUBLIC_KEY SSO_ISSUER SSO_AUDIENCE ALLOWED_EXEC_PLUGINS WEB_DIST EMBED_ALLOWED_ORIGINS LOG_LEVEL NODE_ENV TRUST_PROXY INTERNAL_PORT RECONCILE_INTERVAL_MS REPLICATION_BROADCAST REPLICATION_NOTIFY'.split(' '),
);
const SECRETS = ['KUBECONFIG_ENCRYPTION_KEYS', 'JWT_SECRET', 'INTERNAL_SECRET', 'ADMIN_PASSWORD'];

describe('docker-compose.yml', () => {
  it('is a valid Compose file that passes dclint', () => {
    // the only rule off: it cannot read a host interface given by a variable (CONSOLE_BIND)
    const linter = new DCLinter({ rules: { 'no-unbound-port-interfaces': 0 }, quiet: true, debug: false, exclude: [] });
    const [result] = linter.lintFiles([composeFile], false);
    expect(result!.messages.map((m) => `${m.rule}: ${m.message}`)).toEqual([]);
    // the same check refuses a misspelt key, so it does read the schema
    const dir = mkdtempSync(join(tmpdir(), 'deploy-check-compose-'));
    try {
      const broken = join(dir, 'docker-compose.yml');
      writeFileSync(broken, composeText.replace('    hostname: backend-2', '    hostnam: backend-2'));
      const [bad] = linter.lintFiles([broken], false);
      expect(bad!.messages.map((m) => m.rule)).toContain('invalid-schema');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs PostgreSQL, two backend replicas and nginx', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['backend-1', 'backend-2', 'nginx', 'postgres']);
    expect(compose.services.postgres!.healthcheck).toBeDefined();
    for (const name of ['backend-1', 'backend-2']) {
      expect(compose.services[name]!.build?.dockerfile).toBe('deploy/backend.Dockerfile');
      expect(compose.services[name]!.depends_on?.postgres?.condition).toBe('service_healthy');
    }
    const nginx = compose.services.nginx!;
    expect(nginx.build?.dockerfile).toBe('deploy/web.Dockerfile');
    expect(nginx.depends_on).toEqual({ 'backend-1': { condition: 'service_healthy' }, 'backend-2': { condition: 'service_healthy' } });
  });

  it('gives the replicas each other’s addresses, each leaving itself out by its hostname', () => {
    const names = ['backend-1', 'backend-2'];
    for (const name of names) {
      const s = compose.services[name]!;
      expect(s.hostname).toBe(name);
      const addresses = s.environment!.INSTANCE_ADDRESSES!.split(',');
      expect(addresses).toEqual(names.map((n) => `${n}:${s.environment!.PORT}`));
      expect(s.environment!.DATABASE_URL).toMatch(/^postgres:\/\/console:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/console$/);
    }
    // nginx balances across the same two
    const upstreams = readFileSync(join(repoRoot, 'nginx', 'k8s-console', 'upstream-servers.conf'), 'utf8');
    expect([...upstreams.matchAll(/^server (\S+?)(?::\d+)? /gm)].map((m) => m[1])).toEqual(names);
  });

  it('takes every secret from the env file, never a literal', () => {
    const env = compose.services['backend-1']!.environment!;
    for (const name of SECRETS) expect(env[name], name).toMatch(new RegExp(`^\\$\\{${name}:\\?[^}]+\\}$`));
    expect(compose.services.postgres!.environment!.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    for (const name of Object.keys(env)) expect(BACKEND_ENV.has(name), name).toBe(true);
    // every variable the compose file reads is explained in the example env file
    const used = new Set([...composeText.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!));
    for (const name of used) expect(envExample, name).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
    // and the example itself carries no secret value
    for (const name of [...SECRETS, 'POSTGRES_PASSWORD']) expect(envExample).toMatch(new RegExp(`^${name}=$`, 'm'));
  });

  it('sets every nginx template variable (in compose, the image, or the envsh script of the image)', () => {
    const webDockerfile = readFileSync(join(deployDir, 'web.Dockerfile'), 'utf8');
    const imageEnv = new Set([...webDockerfile.matchAll(/^\s*(?:ENV\s+)?([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
    const composeEnv = new Set(Object.keys(compose.services.nginx!.environment!));
    const derived = new Set(Object.keys(embedVariables('')));
    for (const name of templateVariables()) expect(imageEnv.has(name) || composeEnv.has(name) || derived.has(name), name).toBe(true);
    // nginx and the backends are given the same host origins
    expect(compose.services.nginx!.environment!.EMBED_ALLOWED_ORIGINS).toBe(compose.services['backend-1']!.environment!.EMBED_ALLOWED_ORIGINS);
    expect(webDockerfile).toMatch(/COPY --chmod=755 nginx\/docker-entrypoint\.d\/15-k8s-console-embed\.envsh \/docker-entrypoint\.d\//);
  });
});

interface Stage {
  from: string;
  lines: string[];
}

function stages(file: string): Stage[] {
  const text = readFileSync(join(deployDir, file), 'utf8').replace(/\\\n/g, ' ');
  const out: Stage[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    if (/^FROM\s/i.test(line)) out.push({ from: line, lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

describe('Dockerfiles', () => {
  for (const file of ['backend.Dockerfile', 'web.Dockerfile']) {
    it(`${file} is multi-stage, ends unprivileged with a health check, and copies files that exist`, () => {
      const all = stages(file);
      expect(all.length).toBeGreaterThanOrEqual(2);
      const final = all.at(-1)!;
      const users = final.lines.filter((l) => /^USER\s/.test(l));
      expect(users.at(-1)).toMatch(/^USER\s+(node|101)$/);
      expect(final.lines.some((l) => /^HEALTHCHECK\s/.test(l))).toBe(true);
      for (const line of all.flatMap((s) => s.lines)) {
        const copy = /^COPY\s+(?!--from)(.+)\s+\S+$/.exec(line);
        if (!copy) continue;
        for (const source of copy[1]!.split(/\s+/).filter((w) => !w.startsWith('--'))) {
          if (source !== '.') expect(existsSync(join(repoRoot, source)), `${file}: ${source}`).toBe(true);
        }
      }
    });
  }

  it('the backend image carries production dependencies only, without kube-sim', () => {
    const build = stages('backend.Dockerfile')[0]!.lines.join('\n');
    expect(build).toMatch(/deploy --prod \/out/);
    expect(build).toMatch(/test ! -e \/out\/node_modules\/@k8s-console\/kube-sim/);
    const runtime = stages('backend.Dockerfile').at(-1)!.lines.join('\n');
    expect(runtime).toMatch(/NODE_ENV=production/);
    expect(runtime).not.toMatch(/kube-sim/);
  });

  it('.dockerignore keeps local installs and secrets out of the build context', () => {
    const ignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    for (const pattern of ['**/node_modules', '.env', 'deploy/*.env', '**/data']) expect(ignore).toContain(pattern);
  });
});
