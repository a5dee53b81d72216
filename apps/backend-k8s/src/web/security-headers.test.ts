// The console page's security headers exist twice: in nginx's include and in the backend, which
// sends them when it serves the console itself. They must not drift apart.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { consolePageHeaders } from './web-plugin.js';

const conf = readFileSync(new URL('../../../../nginx/k8s-console/security-headers.conf', import.meta.url), 'utf8');

describe('consolePageHeaders', () => {
  it("sends exactly nginx's security headers, frame-ancestors filled in alike", () => {
    const nginx: Record<string, string> = {};
    for (const [, name, value] of conf.matchAll(/^\s*add_header\s+(\S+)\s+"([^"]*)"\s+always;/gm)) nginx[name!] = value!;
    expect(Object.keys(nginx).length).toBeGreaterThanOrEqual(5);
    expect(consolePageHeaders('$k8s_console_frame_ancestors')).toEqual(nginx);
  });
});
