/** Matching resources against configured exemptions. */
import type { Exemption } from "./config";
import { formatDay, parseIsoDay, utcDay } from "./rules";
import { visible } from "./text";

export interface ResourceRef {
    urn: string;
    name: string;
    type: string;
}

/**
 * Whether `text` matches `pattern`, where `*` matches any run of characters. Greedy matching with one
 * backtrack point (the last `*`): at most O(text x pattern) steps, whatever the pattern, unlike a
 * regular expression built from it.
 */
export function globMatches(pattern: string, text: string): boolean {
    let p = 0;
    let t = 0;
    let star = -1;
    let resume = 0;
    while (t < text.length) {
        if (p < pattern.length && pattern[p] !== "*" && pattern[p] === text[t]) {
            p++;
            t++;
        } else if (p < pattern.length && pattern[p] === "*") {
            star = p++;
            resume = t;
        } else if (star >= 0) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.length && pattern[p] === "*") p++;
    return p === pattern.length;
}

export const exemptionMatches = (e: Exemption, r: ResourceRef): boolean =>
    (e.urn === undefined || globMatches(e.urn, r.urn)) && (e.name === undefined || globMatches(e.name, r.name)) && (e.type === undefined || globMatches(e.type, r.type));

export const isExpired = (e: Exemption, today: Date): boolean => (parseIsoDay(e.expires) ?? 0) < utcDay(today);

export type ExemptionStatus =
    | { state: "none" }
    | { state: "active"; exemption: Exemption; note: string }
    | { state: "expired"; exemption: Exemption; note: string };

/** The first exemption in force for a resource, else the first expired one that would match (to report it). */
export function exemptionStatus(exemptions: readonly Exemption[], r: ResourceRef, today: Date): ExemptionStatus {
    if (!exemptions.length) return NOT_EXEMPT;
    let expired: Exemption | undefined;
    for (const e of exemptions) {
        if (!exemptionMatches(e, r)) continue;
        if (!isExpired(e, today)) return { state: "active", exemption: e, note: `exempt until ${e.expires}: ${visible(e.reason)}` };
        expired ??= e;
    }
    return expired
        ? { state: "expired", exemption: expired, note: `exemption expired on ${expired.expires} (today is ${formatDay(utcDay(today))}): ${visible(expired.reason)}` }
        : NOT_EXEMPT;
}

const NOT_EXEMPT: ExemptionStatus = Object.freeze({ state: "none" });
