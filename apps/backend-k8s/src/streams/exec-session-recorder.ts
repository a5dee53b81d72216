// Where exec session records go. The audit domain supplies the real recorder (app.audit); until
// it is wired in, sessions are written to the server log, and tests pass a MemoryExecRecorder.
import type { ExecSessionRecord } from '@k8s-console/contracts';

export interface ExecSessionRecorder {
  record(entry: ExecSessionRecord): void | Promise<void>;
}

export class MemoryExecRecorder implements ExecSessionRecorder {
  readonly records: ExecSessionRecord[] = [];
  record(entry: ExecSessionRecord): void {
    this.records.push(entry);
  }
}

export function logExecRecorder(log: { info(obj: object, msg: string): void }): ExecSessionRecorder {
  return { record: (entry) => log.info({ execSession: entry }, entry.endedAt === null ? 'exec session started' : 'exec session ended') };
}
