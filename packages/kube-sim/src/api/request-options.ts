// The apiserver's validation of a request's options (apimachinery's ValidateCreateOptions,
// ValidatePatchOptions, ValidateDeleteOptions, ValidateListOptions): a bad option is a 422 Invalid
// naming `<Kind>Options.meta.k8s.io ""`, never silently ignored (a `dryRun=true` that a real
// apiserver refuses must not become a real write here).
import { invalid, type StatusCause, type StatusError } from '../errors/status-error.js';

export type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions' | 'ListOptions';

const invalidOptions = (kind: OptionsKind, causes: StatusCause[]): StatusError => invalid(kind, 'meta.k8s.io', '', causes);

/** Go's %#v of a []string, as field.NotSupported prints it. */
const goStrings = (values: string[]): string => `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;

const notSupported = (field: string, shown: string, supported: string[]): StatusCause => ({
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${shown}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  field,
});
const forbidden = (field: string, why: string): StatusCause => ({ reason: 'FieldValueForbidden', message: `Forbidden: ${why}`, field });

export function dryRunCauses(values: string[]): StatusCause[] {
  return values.every((v) => v === 'All') ? [] : [notSupported('dryRun', goStrings(values), ['All'])];
}

function fieldManagerCauses(manager: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (Buffer.byteLength(manager) > 128) causes.push({ reason: 'FieldValueTooLong', message: 'Too long: must have at most 128 bytes', field: 'fieldManager' });
  // eslint-disable-next-line no-control-regex
  const bad = /[\u0000-\u001f\u007f-\u009f]/u.exec(manager);
  if (bad) {
    const cp = bad[0].codePointAt(0) ?? 0;
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(manager)}: invalid character U+${cp.toString(16).toUpperCase().padStart(4, '0')} (at position ${bad.index})`,
      field: 'fieldManager',
    });
  }
  return causes;
}

/** Validates the query options of create, update and patch; throws 422 as the apiserver does. */
export function validateWriteOptions(query: URLSearchParams, kind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions', apply = false): void {
  const causes: StatusCause[] = [];
  if (kind === 'PatchOptions') {
    if (!apply && query.has('force')) causes.push(forbidden('force', 'may not be specified for non-apply patch'));
    if (apply && !query.get('fieldManager')) causes.push({ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' });
  }
  causes.push(...fieldManagerCauses(query.get('fieldManager') ?? ''));
  causes.push(...dryRunCauses(query.getAll('dryRun')));
  const validation = query.get('fieldValidation') ?? '';
  if (!['', 'Ignore', 'Strict', 'Warn'].includes(validation)) causes.push(notSupported('fieldValidation', JSON.stringify(validation), ['', 'Ignore', 'Strict', 'Warn']));
  if (causes.length > 0) throw invalidOptions(kind, causes);
}

export interface DeleteOptionsBody {
  propagationPolicy?: unknown;
  orphanDependents?: unknown;
  dryRun?: unknown;
}

/** ValidateDeleteOptions: a known propagationPolicy, not both it and orphanDependents, dryRun only "All". */
export function validateDeleteOptions(opts: DeleteOptionsBody): void {
  const causes: StatusCause[] = [];
  const policy = opts.propagationPolicy;
  if (policy !== undefined && opts.orphanDependents !== undefined) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(policy)}: orphanDependents and deletionPropagation cannot be both set`, field: 'propagationPolicy' });
  }
  if (policy !== undefined && !['Foreground', 'Background', 'Orphan'].includes(String(policy))) {
    causes.push(notSupported('propagationPolicy', JSON.stringify(policy), ['Foreground', 'Background', 'Orphan', 'nil']));
  }
  causes.push(...dryRunCauses(Array.isArray(opts.dryRun) ? opts.dryRun.map(String) : []));
  if (causes.length > 0) throw invalidOptions('DeleteOptions', causes);
}

/**
 * ValidateListOptions of a v1.28 apiserver with its default feature gates (WatchList off):
 * resourceVersionMatch only with a resourceVersion, sendInitialEvents refused.
 */
export function validateListOptions(query: URLSearchParams, watch: boolean): void {
  const causes: StatusCause[] = [];
  const match = query.get('resourceVersionMatch') ?? '';
  const rv = query.get('resourceVersion') ?? '';
  const hasContinue = (query.get('continue') ?? '') !== '';
  const sendInitialEvents = query.has('sendInitialEvents');
  if (watch) {
    if (sendInitialEvents) {
      if (match !== 'NotOlderThan') causes.push(forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
      causes.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled'));
    }
    if (match !== '') {
      if (!sendInitialEvents) causes.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
      if (match !== 'NotOlderThan') causes.push(notSupported('resourceVersionMatch', JSON.stringify(match), ['NotOlderThan']));
      if (hasContinue) causes.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    }
  } else {
    if (match !== '') {
      if (rv === '') causes.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
      if (hasContinue) causes.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
      if (match !== 'Exact' && match !== 'NotOlderThan') causes.push(notSupported('resourceVersionMatch', JSON.stringify(match), ['Exact', 'NotOlderThan', '']));
      if (match === 'Exact' && rv === '0') causes.push(forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
    }
    if (sendInitialEvents) causes.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  }
  if (causes.length > 0) throw invalidOptions('ListOptions', causes);
}
