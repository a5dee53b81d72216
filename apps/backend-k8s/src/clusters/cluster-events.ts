// What the rest of the backend hears about clusters.
// 'changed'  — a change committed by THIS replica (replication broadcasts it to siblings).
// 'reloaded' — this replica's cached connection was refreshed from the table (after a sibling's
//              broadcast or a reconcile); `version` is null when the cluster is gone. Not re-broadcast.
import { EventEmitter } from 'node:events';

export interface ClusterChangedEvent {
  id: string;
  action: 'created' | 'updated' | 'deleted';
  version: number;
}

export interface ClusterReloadedEvent {
  id: string;
  version: number | null;
}

interface ClusterEventMap {
  changed: [ClusterChangedEvent];
  reloaded: [ClusterReloadedEvent];
}

export class ClusterEvents extends EventEmitter<ClusterEventMap> {}
