// A cron schedule parser for CronJobs: five fields (minute hour day-of-month month day-of-week)
// with *, lists, ranges, steps and month/day names, plus @hourly/@daily/@weekly/@monthly/
// @yearly. Times are UTC.

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};
const NAMES: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
  sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6,
};

export interface CronSchedule {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  /** day-of-month or day-of-week was restricted (cron ORs them when both are) */
  domStar: boolean;
  dowStar: boolean;
}

function field(text: string, min: number, max: number): Set<number> {
  const out = new Set<number>();
  const value = (v: string) => {
    const n = NAMES[v.toLowerCase()] ?? Number(v);
    if (!Number.isInteger(n) || n < min || n > max + (max === 6 ? 1 : 0)) throw new Error(`value ${v} out of range [${min}, ${max}]`);
    return max === 6 && n === 7 ? 0 : n;
  };
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step <= 0) throw new Error(`bad step in ${part}`);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') { lo = min; hi = max; }
    else if (range?.includes('-')) {
      const [a, b] = range.split('-');
      lo = value(a ?? '');
      hi = value(b ?? '');
    } else {
      lo = value(range ?? '');
      hi = stepText === undefined ? lo : max;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

export function parseCron(spec: string): CronSchedule {
  const text = MACROS[spec.trim().toLowerCase()] ?? spec.trim().replace(/^TZ=\S+\s+/, '');
  const parts = text.split(/\s+/);
  if (parts.length !== 5) throw new Error(`expected exactly 5 fields, found ${parts.length}: ${spec}`);
  const [mi, h, dom, mo, dow] = parts as [string, string, string, string, string];
  return {
    minutes: field(mi, 0, 59), hours: field(h, 0, 23), days: field(dom, 1, 31), months: field(mo, 1, 12), weekdays: field(dow, 0, 6),
    domStar: dom === '*' || dom === '?', dowStar: dow === '*' || dow === '?',
  };
}

function dayMatches(s: CronSchedule, d: Date): boolean {
  const dom = s.days.has(d.getUTCDate());
  const dow = s.weekdays.has(d.getUTCDay());
  if (s.domStar || s.dowStar) return dom && dow;
  return dom || dow;
}

/** The first scheduled time strictly after `afterMs`, or undefined within ~5 years. */
export function nextRun(s: CronSchedule, afterMs: number): number | undefined {
  const d = new Date(Math.floor(afterMs / 60000) * 60000 + 60000);
  const limit = afterMs + 5 * 366 * 86400000;
  while (d.getTime() < limit) {
    if (!s.months.has(d.getUTCMonth() + 1)) {
      d.setUTCMonth(d.getUTCMonth() + 1, 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(s, d)) {
      d.setUTCDate(d.getUTCDate() + 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!s.hours.has(d.getUTCHours())) {
      d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!s.minutes.has(d.getUTCMinutes())) {
      d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return d.getTime();
  }
  return undefined;
}
