// The small file system a container shows to `ls` and `cat`: identity files under /etc, the
// application under /app (or nginx's or redis's files), and the usual directories. Writes
// (redirections, touch, mkdir, rm) live as long as the container instance.

export type FileNode = { kind: 'dir' } | { kind: 'file'; content: string };

export interface ContainerIdentity {
  podName: string;
  namespace: string;
  podIP: string;
  containerName: string;
  image: string;
}

export class FileTree {
  private readonly nodes = new Map<string, FileNode>();

  constructor(files: Record<string, string>, dirs: string[] = []) {
    this.nodes.set('/', { kind: 'dir' });
    for (const d of dirs) this.mkdirs(d);
    for (const [path, content] of Object.entries(files)) {
      this.mkdirs(parentOf(path));
      this.nodes.set(path, { kind: 'file', content });
    }
  }

  private mkdirs(path: string): void {
    let p = '';
    for (const seg of path.split('/').filter(Boolean)) {
      p += '/' + seg;
      if (!this.nodes.has(p)) this.nodes.set(p, { kind: 'dir' });
    }
  }

  /** Writes a file as `>`/`>>` do; returns an error message (busybox's wording) or null. */
  write(path: string, content: string, append: boolean): string | null {
    const node = this.nodes.get(path);
    if (node?.kind === 'dir') return `can't create ${path}: Is a directory`;
    if (this.nodes.get(parentOf(path))?.kind !== 'dir') return `can't create ${path}: nonexistent directory`;
    this.nodes.set(path, { kind: 'file', content: append && node?.kind === 'file' ? node.content + content : content });
    return null;
  }

  mkdir(path: string, parents: boolean): string | null {
    if (this.nodes.has(path)) return parents ? null : `can't create directory '${path}': File exists`;
    if (!parents && this.nodes.get(parentOf(path))?.kind !== 'dir') return `can't create directory '${path}': No such file or directory`;
    this.mkdirs(path);
    return null;
  }

  remove(path: string, recursive: boolean): string | null {
    const node = this.nodes.get(path);
    if (!node || path === '/') return `can't remove '${path}': No such file or directory`;
    if (node.kind === 'dir' && !recursive) return `'${path}' is a directory`;
    for (const p of [...this.nodes.keys()]) if (p === path || p.startsWith(path + '/')) this.nodes.delete(p);
    return null;
  }

  get(path: string): FileNode | undefined {
    return this.nodes.get(path);
  }

  /** names directly inside a directory, sorted */
  list(dir: string): string[] {
    const prefix = dir === '/' ? '/' : dir + '/';
    const names: string[] = [];
    for (const path of this.nodes.keys()) {
      if (path !== '/' && path.startsWith(prefix) && !path.slice(prefix.length).includes('/')) names.push(path.slice(prefix.length));
    }
    return names.sort();
  }
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** Joins `path` onto `cwd` and normalises . and .. segments. */
export function resolvePath(cwd: string, path: string): string {
  const segs: string[] = [];
  for (const seg of (path.startsWith('/') ? path : `${cwd}/${path}`).split('/')) {
    if (!seg || seg === '.') continue;
    if (seg === '..') segs.pop();
    else segs.push(seg);
  }
  return '/' + segs.join('/');
}

export const BUILTIN_PROGRAMS = ['cat', 'cd', 'clear', 'date', 'echo', 'env', 'exit', 'false', 'grep', 'head', 'help', 'hostname',
  'id', 'ls', 'mkdir', 'printenv', 'ps', 'pwd', 'rm', 'seq', 'sh', 'sleep', 'stty', 'tail', 'touch', 'true', 'tput', 'uname', 'wc',
  'whoami'];

export function containerFileTree(c: ContainerIdentity): FileTree {
  const alpine = /nginx|redis|alpine|exporter/.test(c.image);
  const osRelease = alpine
    ? 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\nHOME_URL="https://alpinelinux.org/"\n'
    : 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian\nHOME_URL="https://www.debian.org/"\n';
  const files: Record<string, string> = {
    '/etc/hostname': `${c.podName}\n`,
    '/etc/hosts': `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${c.podIP}\t${c.podName}\n`,
    '/etc/os-release': osRelease,
    '/etc/resolv.conf': `search ${c.namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n`,
    '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
    '/var/run/secrets/kubernetes.io/serviceaccount/namespace': c.namespace,
  };
  for (const p of BUILTIN_PROGRAMS) files[`/bin/${p}`] = '\x7fELF (built-in)\n';
  if (c.image.includes('nginx')) {
    files['/etc/nginx/nginx.conf'] = 'worker_processes auto;\nevents { worker_connections 1024; }\nhttp {\n  include /etc/nginx/conf.d/*.conf;\n}\n';
    files['/etc/nginx/conf.d/default.conf'] = 'server {\n  listen 80;\n  location / { root /usr/share/nginx/html; index index.html; }\n}\n';
    files['/usr/share/nginx/html/index.html'] = '<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head>\n<body><h1>Welcome to nginx!</h1></body></html>\n';
  } else if (c.image.includes('redis')) {
    files['/data/dump.rdb'] = 'REDIS0011\n';
    files['/usr/local/etc/redis/redis.conf'] = 'appendonly yes\nmaxmemory 256mb\n';
  } else {
    files['/app/README.md'] = `# ${c.containerName}\n\nRuns in pod ${c.podName} (namespace ${c.namespace}).\n`;
    files['/app/config.yaml'] = `server:\n  port: 8080\nlog:\n  level: info\n`;
    files['/app/package.json'] = `{\n  "name": "${c.containerName}",\n  "version": "1.4.2"\n}\n`;
  }
  return new FileTree(files, ['/tmp', '/root', '/var/log', '/proc', '/usr/bin']);
}

/** One file tree per container instance, so what one exec writes the next one reads. */
export class ContainerFiles {
  private readonly trees = new Map<string, FileTree>();

  treeFor(podUid: string, restartCount: number, c: ContainerIdentity): FileTree {
    const key = `${podUid}/${c.containerName}`;
    const instanceKey = `${key}#${restartCount}`;
    let tree = this.trees.get(instanceKey);
    if (!tree) {
      // a restarted container starts from its image again
      for (const k of this.trees.keys()) if (k.startsWith(`${key}#`)) this.trees.delete(k);
      tree = containerFileTree(c);
      this.trees.set(instanceKey, tree);
    }
    return tree;
  }

  forgetPod(podUid: string): void {
    for (const k of this.trees.keys()) if (k.startsWith(`${podUid}/`)) this.trees.delete(k);
  }
}
