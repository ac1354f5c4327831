/** Matching resources against configured exemptions. */
import type { Exemption } from "./config";
import { formatDay, parseIsoDay, utcDay } from "./rules";

export interface ResourceRef {
    urn: string;
    name: string;
    type: string;
}

const globCache = new Map<string, RegExp>();

function glob(pattern: string): RegExp {
    let re = globCache.get(pattern);
    if (!re) {
        re = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
        globCache.set(pattern, re);
    }
    return re;
}

export const exemptionMatches = (e: Exemption, r: ResourceRef): boolean =>
    (e.urn === undefined || glob(e.urn).test(r.urn)) && (e.name === undefined || glob(e.name).test(r.name)) && (e.type === undefined || glob(e.type).test(r.type));

export const isExpired = (e: Exemption, today: Date): boolean => (parseIsoDay(e.expires) ?? 0) < utcDay(today);

export type ExemptionStatus =
    | { state: "none" }
    | { state: "active"; exemption: Exemption; note: string }
    | { state: "expired"; exemption: Exemption; note: string };

/** The first exemption in force for a resource, else the first expired one that would match (to report it). */
export function exemptionStatus(exemptions: readonly Exemption[], r: ResourceRef, today: Date): ExemptionStatus {
    let expired: Exemption | undefined;
    for (const e of exemptions) {
        if (!exemptionMatches(e, r)) continue;
        if (!isExpired(e, today)) return { state: "active", exemption: e, note: `exempt until ${e.expires}: ${e.reason}` };
        expired ??= e;
    }
    return expired
        ? { state: "expired", exemption: expired, note: `exemption expired on ${expired.expires} (today is ${formatDay(utcDay(today))}): ${expired.reason}` }
        : { state: "none" };
}
