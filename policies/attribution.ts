/**
 * How one resource stands for attribution: the judgment shared by the stack summary of the pack, the
 * summary of `tagguard check` and `tagguard audit`, so all three count the same resources the same way.
 */
import { scopedEntry, type Exemption, type NamespaceScope, type ScopeConfig } from "../tagset/config";
import { attributionTags, knownValues, secretKeys } from "../tagset/effective-tags";
import { SYSTEM_NAMESPACES } from "../tagset/kubernetes";
import { exemptionMatches, exemptionStatus, isExpired } from "../tagset/exemptions";
import type { RegistryEntry } from "../tagset/registry-types";
import { formatDay, parseIsoDay } from "../tagset/rules";
import { NO_STRINGS } from "../tagset/values";
import type { ResourceView } from "./framework";
import { namespaceOutOfScope } from "./pod-labels";
import { requiredKeyStatus } from "./required-tags";

export interface Attribution {
    entry: RegistryEntry;
    /** False when the tags cannot be read at all (unknown at preview, an encrypted map). */
    readable: boolean;
    /** What was found instead of tags, when they are not a map (or list). */
    malformed?: string;
    /** Required keys absent, empty or not strings. */
    missing: readonly string[];
    /** Required keys present whose values cannot be read. */
    unverifiable: readonly string[];
    /** Readable and carrying every required key. */
    attributable: boolean;
    values: ReadonlyMap<string, string | undefined>;
    secret: ReadonlySet<string>;
}

export type Classified = { state: "out-of-scope" } | { state: "exempt"; exemption: Exemption } | { state: "judged"; attribution: Attribution };

const SYSTEM_ONLY: NamespaceScope = { exclude: [...SYSTEM_NAMESPACES] };

/**
 * How a resource stands: AWS resources by their effective tags, Kubernetes workloads by their pods'
 * labels (in the namespaces in scope), node pools by the tags they give what they launch. A Helm release,
 * whose pods cannot be seen, is not counted, nor a type with no tags of its own.
 */
export function classify(view: ResourceView, scope: Pick<ScopeConfig, "services" | "includeTypes" | "excludeTypes" | "exemptions"> & { namespaces?: NamespaceScope }, today: Date): Classified {
    const scoped = scopedEntry(view.type, scope);
    if ("skip" in scoped || scoped.entry.opaquePods) return { state: "out-of-scope" };
    // A Cloud Control launch template or fleet has no tags of its own in the registry's shapes: what it launches is judged, not counted.
    if (scoped.entry.tags === "none" && !scoped.entry.nodeClass) return { state: "out-of-scope" };
    if (scoped.entry.tags === "pod-labels" && namespaceOutOfScope(view, scope.namespaces ?? SYSTEM_ONLY) !== undefined) return { state: "out-of-scope" };
    const exemption = exemptionStatus(scope.exemptions, view, today);
    if (exemption.state === "active") return { state: "exempt", exemption: exemption.exemption };
    const eff = attributionTags(view.props, scoped.entry, view.provider);
    const tags = eff.result.state === "known" ? eff.result.tags : new Map();
    const status = requiredKeyStatus(tags, eff.defaultsUnknown);
    const readable = eff.result.state !== "unknown";
    const missing = !readable ? NO_STRINGS : status.notStrings.length ? [...status.missing, ...status.notStrings] : status.missing;
    return {
        state: "judged",
        attribution: {
            entry: scoped.entry,
            readable,
            malformed: eff.result.state === "malformed" ? eff.result.found : undefined,
            missing,
            unverifiable: status.maybeFromDefaults.length ? [...status.unknown, ...status.maybeFromDefaults] : status.unknown,
            attributable: readable && missing.length === 0,
            values: knownValues(tags),
            secret: secretKeys(tags),
        },
    };
}

/** A tag's value to group by: `[secret]` for a secret, `none` when absent. */
export const groupLabel = (a: Attribution, key: string, none: string): string => (a.secret.has(key) ? "[secret]" : a.values.get(key) || none);

/** `expires_at` as a UTC day and as text to print (`[secret]` for a secret), when it is a date. */
export function expiry(a: Attribution): { day: number; text: string } | undefined {
    const expires = a.values.get("expires_at");
    const day = expires === undefined ? undefined : parseIsoDay(expires);
    return day === undefined ? undefined : { day, text: a.secret.has("expires_at") ? "[secret]" : formatDay(day) };
}

/**
 * Each configured exemption, whether it is in force, and how many resources it covers: the resources it
 * exempted, else (an exemption that exempted nothing, expired for instance) every resource it matches.
 */
export function exemptionCounts(exemptions: readonly Exemption[], exempted: ReadonlyMap<Exemption, number>, resources: readonly ResourceView[], today: Date): { exemption: Exemption; inForce: boolean; matches: number }[] {
    return exemptions.map((e) => ({ exemption: e, inForce: !isExpired(e, today), matches: exempted.get(e) ?? resources.filter((r) => exemptionMatches(e, r)).length }));
}
