import type { Detection, Hit } from './security-rules';

/** An unresolved alert the detector may add to. */
export interface GroupableAlert {
  id: string;
  rule: string;
  keyValue: string;
  lastSeenAt: string;
}

export interface AlertPlan {
  /** Alerts to open, each with the events behind it. */
  opened: { id: string; detection: Detection; events: Hit[] }[];
  /** Events to add to alerts that exist (opened in an earlier pass). */
  added: Map<string, Hit[]>;
}

const groupKey = (rule: string, keyValue: string) => `${rule}|${keyValue}`;

/**
 * Folds a pass's detections into alerts: a detection whose rule and key have an unresolved
 * alert last seen within `groupWindowSeconds` adds its events to it; otherwise it opens one
 * (which later detections of the pass then join). Events are kept once per alert.
 */
export function planAlerts(detections: Detection[], unresolved: GroupableAlert[], groupWindowSeconds: number, newId: () => string): AlertPlan {
  const current = new Map<string, GroupableAlert & { opened: boolean }>();
  for (const alert of unresolved) {
    const key = groupKey(alert.rule, alert.keyValue);
    const held = current.get(key);
    if (!held || held.lastSeenAt < alert.lastSeenAt) current.set(key, { ...alert, opened: false });
  }
  const opened = new Map<string, { id: string; detection: Detection; events: Map<string, Hit> }>();
  const added = new Map<string, Map<string, Hit>>();
  for (const found of detections) {
    const key = groupKey(found.rule, found.key.value);
    const newest = found.events.reduce((latest, hit) => (hit.at > latest ? hit.at : latest), found.events[0]?.at ?? '');
    const alert = current.get(key);
    const within = alert && Date.parse(newest) - Date.parse(alert.lastSeenAt) <= groupWindowSeconds * 1000;
    if (alert && within) {
      const into = alert.opened ? opened.get(alert.id)!.events : (added.get(alert.id) ?? added.set(alert.id, new Map()).get(alert.id)!);
      for (const hit of found.events) into.set(hit.id, hit);
      if (newest > alert.lastSeenAt) alert.lastSeenAt = newest;
      continue;
    }
    const id = newId();
    opened.set(id, { id, detection: found, events: new Map(found.events.map((hit) => [hit.id, hit])) });
    current.set(key, { id, rule: found.rule, keyValue: found.key.value, lastSeenAt: newest, opened: true });
  }
  return {
    opened: [...opened.values()].map((entry) => ({ id: entry.id, detection: entry.detection, events: [...entry.events.values()] })),
    added: new Map([...added].map(([id, hits]) => [id, [...hits.values()]])),
  };
}
