// Starts the host demo: HOST/PORT to listen on, CONSOLE_URL (the console, on another origin),
// SSO_JWT_SECRET/SSO_ISSUER/SSO_AUDIENCE shared with the console's backend, and
// HOST_DEMO_USERS ("name:password:group1|group2,..."). Build the pages first (vite build).
import { fileURLToPath } from 'node:url';
import { createHostServer, type HostDemoUser } from './host-server';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is required (see apps/host-demo/README in docs/embedding.md)`);
    process.exit(1);
  }
  return value;
}

function parseUsers(spec: string): HostDemoUser[] {
  return spec.split(',').filter(Boolean).map((entry) => {
    const [username = '', password = '', groups = ''] = entry.split(':');
    return { username, password, groups: groups.split('|').filter(Boolean) };
  });
}

const server = createHostServer({
  distDir: fileURLToPath(new URL('../dist', import.meta.url)),
  consoleUrl: required('CONSOLE_URL'),
  sso: { secret: required('SSO_JWT_SECRET'), issuer: required('SSO_ISSUER'), audience: required('SSO_AUDIENCE') },
  users: parseUsers(required('HOST_DEMO_USERS')),
});
server.listen(Number(process.env.PORT ?? 5180), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : process.env.PORT;
  console.log(`host-demo listening at http://localhost:${port}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close(() => process.exit(0)));
