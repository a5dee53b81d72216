// The Authorizer every way into a cluster calls: it resolves a subject to the rules of the roles
// bound to it (directly or through a group) and decides with rules.ts.
//
// Resolving needs the database, and a proxied page load makes dozens of decisions, so the rules of
// each subject are cached. A change on this replica clears the cache at once (invalidate()); a
// change on a sibling replica is picked up when the entry expires (ttlMs, a few seconds).
import type { PolicyRule } from '@k8s-console/contracts';
import { ALLOWED, type Authorizer, type AuthorizeOptions, type Decision, type NonResourceAttributes, type ResourceAttributes, type Subject } from './authorizer.js';
import {
  CONSOLE_API_GROUP,
  canSeeCluster,
  describeNonResourceDenial,
  describeResourceDenial,
  rulesAllowNonResource,
  rulesAllowResource,
} from './rules.js';

export interface EffectiveRules {
  /** names of the roles the rules come from */
  roles: string[];
  rules: PolicyRule[];
}

/** Where bindings live: the rules bound to a user, through their name and their groups. None for a disabled or unknown user. */
export type RulesSource = (subject: Subject) => Promise<EffectiveRules>;

export interface RbacAuthorizerOptions {
  source: RulesSource;
  /** told of every denial (the audit log records those no HTTP 403 reports, e.g. on a WebSocket) */
  onDenied?: (subject: Subject, attrs: ResourceAttributes | NonResourceAttributes, reason: string) => void;
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

interface CacheEntry {
  expires: number;
  value: Promise<EffectiveRules>;
  /** the value, once loaded */
  loaded?: EffectiveRules;
}

export class RbacAuthorizer implements Authorizer {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private generation = 0;

  constructor(private readonly options: RbacAuthorizerOptions) {
    this.ttlMs = options.ttlMs ?? 5000;
    this.maxEntries = options.maxEntries ?? 10000;
    this.now = options.now ?? Date.now;
  }

  /** Forget every cached subject: call after any change to users, roles or bindings. */
  invalidate(): void {
    this.generation += 1;
    this.cache.clear();
  }

  async rulesFor(subject: Subject): Promise<EffectiveRules> {
    const key = cacheKey(subject);
    const hit = this.cache.get(key);
    if (hit && hit.expires > this.now()) return hit.value;
    const generation = this.generation;
    const value = this.options.source(subject);
    const entry: CacheEntry = { expires: this.now() + this.ttlMs, value };
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(key, entry);
    try {
      entry.loaded = await value;
      return entry.loaded;
    } catch (err) {
      this.cache.delete(key);
      throw err;
    } finally {
      // A change while loading may have been missed by this load: do not keep its result.
      if (generation !== this.generation && this.cache.get(key) === entry) this.cache.delete(key);
    }
  }

  /** The subject's rules if they are cached, loaded and fresh. */
  private rulesNow(subject: Subject): EffectiveRules | undefined {
    const hit = this.cache.get(cacheKey(subject));
    return hit && hit.expires > this.now() ? hit.loaded : undefined;
  }

  async authorizeResource(subject: Subject, attrs: ResourceAttributes, options?: AuthorizeOptions): Promise<Decision> {
    return this.decideResource((await this.rulesFor(subject)).rules, subject, attrs, options);
  }

  async authorizeNonResource(subject: Subject, attrs: NonResourceAttributes, options?: AuthorizeOptions): Promise<Decision> {
    return this.decideNonResource((await this.rulesFor(subject)).rules, subject, attrs, options);
  }

  authorizeResourceNow(subject: Subject, attrs: ResourceAttributes): Decision | undefined {
    const known = this.rulesNow(subject);
    return known && this.decideResource(known.rules, subject, attrs, QUIET);
  }

  authorizeNonResourceNow(subject: Subject, attrs: NonResourceAttributes): Decision | undefined {
    const known = this.rulesNow(subject);
    return known && this.decideNonResource(known.rules, subject, attrs, QUIET);
  }

  private decideResource(rules: PolicyRule[], subject: Subject, attrs: ResourceAttributes, options?: AuthorizeOptions): Decision {
    if (rulesAllowResource(rules, attrs)) return ALLOWED;
    // Seeing a cluster (get console clusters) also follows from any permission inside it.
    const seesCluster =
      attrs.apiGroup === CONSOLE_API_GROUP && attrs.resource === 'clusters' && attrs.verb === 'get' && !attrs.subresource && attrs.name === attrs.clusterId;
    if (seesCluster && attrs.name && canSeeCluster(rules, attrs.name)) return ALLOWED;
    const reason = describeResourceDenial(subject, attrs);
    if (!options?.quiet) this.options.onDenied?.(subject, attrs, reason);
    return { allowed: false, reason };
  }

  private decideNonResource(rules: PolicyRule[], subject: Subject, attrs: NonResourceAttributes, options?: AuthorizeOptions): Decision {
    if (rulesAllowNonResource(rules, attrs)) return ALLOWED;
    const reason = describeNonResourceDenial(subject, attrs);
    if (!options?.quiet) this.options.onDenied?.(subject, attrs, reason);
    return { allowed: false, reason };
  }
}

const QUIET: AuthorizeOptions = { quiet: true };

/** Groups are part of the key: the same user signing on with other groups must not reuse old rules. */
function cacheKey(subject: Subject): string {
  const groups = subject.groups.length < 2 ? subject.groups : [...subject.groups].sort();
  return `${subject.userId}\u0000${subject.username}\u0000${groups.join('\u0000')}`;
}
