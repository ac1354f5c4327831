/**
 * Tag shapes: the forms in which AWS resources spell tags, each with one reader (what the policies and
 * the audit see) and one writer (what the components and the auto-tagger produce). Nothing else in
 * tagguard knows how an autoscaling group, a launch template or a Cloud Control type spells its tags.
 */
import { isSecretWrapper, isUnknown, ownKeys, readOwn, unwrapSecret } from "./values";

/** One tag value as read from props. `keySecret`: the key itself came inside a secret (a whole secret map), so it is never printed either. */
export type TagValue = (
    | { state: "known"; value: string; secret: boolean }
    | { state: "unknown" }
    /** Present but not a string (a number, an object, null): the provider would refuse or coerce it. */
    | { state: "invalid"; type: string }
) & { keySecret?: true };

export type TagMap = Map<string, TagValue>;

/** The result of reading one tags property. */
export type ReadResult =
    | { state: "absent" }
    | { state: "unknown" }
    | { state: "malformed"; found: string }
    | { state: "known"; tags: TagMap };

const typeName = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "list" : typeof v);

const UNKNOWN_TAG: TagValue = Object.freeze({ state: "unknown" });

function readValue(raw: unknown): TagValue {
    if (typeof raw === "string") return isUnknown(raw) ? UNKNOWN_TAG : { state: "known", value: raw, secret: false };
    let secret = false;
    if (isSecretWrapper(raw)) {
        secret = true;
        raw = unwrapSecret(raw);
    }
    if (isUnknown(raw)) return UNKNOWN_TAG;
    if (typeof raw === "string") return { state: "known", value: raw, secret };
    return { state: "invalid", type: typeName(raw) };
}

function unwrap(raw: unknown): { value: unknown; secret: boolean } {
    return isSecretWrapper(raw) ? { value: unwrapSecret(raw), secret: true } : { value: raw, secret: false };
}

/** Marks every key and value secret, for a whole map or list that arrived as one secret. */
export function markSecret(tags: TagMap): TagMap {
    tags.forEach((v, k) => tags.set(k, v.state === "known" ? { ...v, secret: true, keySecret: true } : { ...v, keySecret: true }));
    return tags;
}

/** `{ [key]: value }`: the tags of nearly every taggable type, default tags, volume tags. */
export const mapShape = {
    read(raw: unknown): ReadResult {
        const secret = isSecretWrapper(raw);
        const value = secret ? unwrapSecret(raw) : raw;
        if (value === undefined || value === null) return { state: "absent" };
        if (isUnknown(value)) return { state: "unknown" };
        if (typeof value !== "object" || Array.isArray(value)) return { state: "malformed", found: typeName(value) };
        const tags: TagMap = new Map();
        const keys = ownKeys(value);
        for (let i = 0; i < keys.length; i++) {
            const v = readOwn(value, keys[i]);
            if (v !== undefined && v !== null) tags.set(keys[i], readValue(v));
        }
        return { state: "known", tags: secret ? markSecret(tags) : tags };
    },
    /** The map with `tags` added; keys the resource already sets keep their values. */
    write(existing: Readonly<Record<string, unknown>> | undefined, tags: Readonly<Record<string, string>>): Record<string, unknown> {
        return { ...tags, ...(existing ?? {}) };
    },
};

export interface AsgTag {
    key: string;
    value: unknown;
    propagateAtLaunch: unknown;
}

type TagListRead = { state: "absent" } | { state: "unknown" } | { state: "malformed"; found: string } | { state: "known"; tags: TagMap; duplicates?: Set<string>; unknownEntries: number };

/**
 * The tags of a `[{ key, value, ... }]` list (autoscaling groups, Cloud Control types): a secret entry
 * keeps its key and value secret, as a wholly secret list keeps all of them; keys listed more than once
 * are named (the last one wins here); `each` sees every entry with a key.
 */
function readTagList(raw: unknown, each?: (key: string, entry: unknown) => void): TagListRead {
    const { value, secret } = unwrap(raw);
    if (value === undefined || value === null) return { state: "absent" };
    if (isUnknown(value)) return { state: "unknown" };
    if (!Array.isArray(value)) return { state: "malformed", found: typeName(value) };
    const tags: TagMap = new Map();
    let duplicates: Set<string> | undefined;
    let unknownEntries = 0;
    for (let i = 0; i < value.length; i++) {
        const entry = unwrap(readOwn(value, String(i)));
        const key = unwrap(readOwn(entry.value, "key")).value;
        if (typeof key !== "string" || isUnknown(key)) {
            if (isUnknown(entry.value) || isUnknown(key)) unknownEntries++;
            continue;
        }
        if (tags.has(key)) (duplicates ??= new Set()).add(key);
        const tag = readValue(readOwn(entry.value, "value"));
        tags.set(key, entry.secret && tag.state === "known" ? { ...tag, secret: true, keySecret: true } : entry.secret ? { ...tag, keySecret: true } : tag);
        each?.(key, entry.value);
    }
    return { state: "known", tags: secret ? markSecret(tags) : tags, duplicates, unknownEntries };
}

/** `existing` with an entry made by `entry` for each key of `tags` it does not list yet; its own entries keep their values. */
function withMissingKeys<T extends { key: unknown }, E>(existing: readonly T[] | undefined, tags: Readonly<Record<string, string>>, entry: (key: string, value: string) => E): (T | E)[] {
    const list: (T | E)[] = [...(existing ?? [])];
    const present = new Set((existing ?? []).map((t) => t.key));
    for (const [key, value] of Object.entries(tags)) if (!present.has(key)) list.push(entry(key, value));
    return list;
}

/** `[{ key, value, propagateAtLaunch }]`: autoscaling groups. */
export const asgListShape = {
    /** The tags, and the keys whose `propagateAtLaunch` is not known to be true. */
    read(raw: unknown): ReadResult & { notPropagated?: Set<string>; unknownEntries?: number } {
        const notPropagated = new Set<string>();
        const read = readTagList(raw, (key, entry) => {
            const propagate = unwrap(readOwn(entry, "propagateAtLaunch")).value;
            if (propagate !== true && propagate !== "true") notPropagated.add(key);
        });
        return read.state === "known" ? { ...read, notPropagated } : read;
    },
    /** The list with `tags` added (propagated at launch); entries the resource already has are kept. */
    write<T extends AsgTag = never>(existing: readonly T[] | undefined, tags: Readonly<Record<string, string>>): (T | { key: string; value: string; propagateAtLaunch: true })[] {
        return withMissingKeys(existing, tags, (key, value) => ({ key, value, propagateAtLaunch: true as const }));
    },
};

/** `[{ key, value }]`: most Cloud Control (`aws-native`, `awscc`) types, and their tag specifications. */
export const kvListShape = {
    /** The tags, and the keys listed more than once (AWS refuses them; the last one would win here). */
    read(raw: unknown): ReadResult & { duplicates?: Set<string>; unknownEntries?: number } {
        return readTagList(raw);
    },
    /** The list with `tags` added; keys the resource already lists keep their values. */
    write<T extends { key: unknown; value: unknown } = never>(existing: readonly T[] | undefined, tags: Readonly<Record<string, string>>): (T | { key: string; value: string })[] {
        return withMissingKeys(existing, tags, (key, value) => ({ key, value }));
    },
};

/** What launch-template tag specifications must tag for cost to reach a tagged resource. */
export const LAUNCHED_RESOURCE_TYPES = ["instance", "volume"] as const;

/** An AWS Batch `computeResources.type` on Fargate (`FARGATE`, `FARGATE_SPOT`): no EC2 instances, and no instance tags allowed. */
export const isFargateCompute = (computeType: unknown): boolean => typeof computeType === "string" && /^FARGATE/i.test(computeType);
/** What tagguard's writers tag (network interfaces carry no cost of their own but help attribution). */
export const WRITTEN_RESOURCE_TYPES = ["instance", "volume", "network-interface"] as const;

export interface TagSpecification {
    resourceType: unknown;
    tags?: unknown;
}

/** Specifications for every written resource type, their tags merged by `merge`; other specifications kept as they are. */
function withWrittenTypes<T extends TagSpecification, V>(existing: readonly T[] | undefined, merge: (current: unknown) => V): (T | { resourceType: string; tags: V })[] {
    const list: (T | { resourceType: string; tags: V })[] = (existing ?? []).map((spec) => ((WRITTEN_RESOURCE_TYPES as readonly unknown[]).includes(spec.resourceType) ? { ...spec, tags: merge(spec.tags) } : spec));
    for (const resourceType of WRITTEN_RESOURCE_TYPES) {
        if (!list.some((s) => s.resourceType === resourceType)) list.push({ resourceType, tags: merge(undefined) });
    }
    return list;
}

/** `[{ resourceType, tags }]`: launch templates. */
export const tagSpecificationsShape = {
    /** Per resource type, the tags read (`unknown` when the list or the entry is unknown); `tagList`: each entry's tags are `[{ key, value }]`. */
    read(raw: unknown, tagList = false): { state: "absent" | "unknown" } | { state: "malformed"; found: string } | { state: "known"; byType: Map<string, ReadResult>; unknownTypes: number } {
        const { value, secret } = unwrap(raw);
        if (value === undefined || value === null) return { state: "absent" };
        if (isUnknown(value)) return { state: "unknown" };
        if (!Array.isArray(value)) return { state: "malformed", found: typeName(value) };
        const byType = new Map<string, ReadResult>();
        let unknownTypes = 0;
        for (let i = 0; i < value.length; i++) {
            const entry = unwrap(readOwn(value, String(i)));
            const type = unwrap(readOwn(entry.value, "resourceType")).value;
            if (typeof type !== "string" || isUnknown(type)) {
                unknownTypes++;
                continue;
            }
            const tags = (tagList ? kvListShape : mapShape).read(readOwn(entry.value, "tags"));
            if (tags.state === "known" && (secret || entry.secret)) markSecret(tags.tags);
            byType.set(type, tags);
        }
        return { state: "known", byType, unknownTypes };
    },
    /** Specifications that tag every written resource type with `tags`, keeping what is already set. */
    write<T extends TagSpecification = never>(existing: readonly T[] | undefined, tags: Readonly<Record<string, string>>): (T | { resourceType: string; tags: Record<string, string> })[] {
        // The specification's own values may be a program's inputs: they are kept as given.
        return withWrittenTypes(existing, (current) => mapShape.write(current as Record<string, unknown> | undefined, tags) as Record<string, string>);
    },
    /** The same in the Cloud Control form: each specification's tags a list of `{ key, value }`. */
    writeList<T extends TagSpecification = never>(existing: readonly T[] | undefined, tags: Readonly<Record<string, string>>): (T | { resourceType: string; tags: { key: unknown; value: unknown }[] })[] {
        return withWrittenTypes(existing, (current) => kvListShape.write(Array.isArray(current) ? (current as { key: unknown; value: unknown }[]) : undefined, tags));
    },
};
