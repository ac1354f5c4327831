/**
 * The tags a resource will really carry, computed from what the engine sends a policy (the inputs after
 * the provider's Check, or a resource's outputs) and its provider's configuration.
 */
import type { OwnTagShape, RegistryEntry, TagCarrier } from "./registry-types";
import { asgListShape, kvListShape, mapShape, markSecret, type ReadResult, type TagMap, type TagValue } from "./shapes";
import { NO_KEYS, SECRET_SIG, SECRET_SIG_KEY, UNKNOWN_VALUE, isSecretWrapper, isUnknown, objectOrJson, ownKeys, readOwn, readPath, setOwn, unwrapSecret } from "./values";

export const AWS_PROVIDER_TYPE = "pulumi:providers:aws";
/** The Cloud Control provider: its Check merges `defaultTags` into a resource's own `tags` (resource values win). */
export const AWS_NATIVE_PROVIDER_TYPE = "pulumi:providers:aws-native";
const TAGGING_PROVIDERS: readonly string[] = [AWS_PROVIDER_TYPE, AWS_NATIVE_PROVIDER_TYPE];

/** A provider as the SDK hands it to a policy (`args.provider`), or as found in a stack's state. */
export interface ProviderView {
    type: string;
    props: unknown;
    /** The provider resource's name (`default_7_48_0` for the engine's default provider), when known. */
    name?: string;
}

/** How messages name a provider: the engine's default provider (configured by the stack's `aws:*` config), or an explicit one. */
export function providerLabel(provider: ProviderView | undefined): { kind: "default" | "explicit"; name: string } | undefined {
    if (!provider?.name || !TAGGING_PROVIDERS.includes(provider.type)) return undefined;
    return /^default(_|$)/.test(provider.name) ? { kind: "default", name: provider.name } : { kind: "explicit", name: provider.name };
}

/** Where a tag of the effective tags came from: the resource's own `tags`, or its provider's default tags. */
export function tagOrigin(key: string, props: unknown, provider: ProviderView | undefined): "resource" | "provider" | undefined {
    const raw = readOwn(props, "tags");
    const own = Array.isArray(unwrapSecret(raw)) ? kvListShape.read(raw) : mapShape.read(raw);
    if (own.state === "known" && own.tags.has(key)) return "resource";
    const defaults = providerTagConfig(provider).defaults;
    return defaults.state === "known" && defaults.tags.has(key) ? "provider" : undefined;
}

export interface ProviderTagConfig {
    /** `defaultTags.tags`: absent when the provider sets none. */
    defaults: ReadResult;
    /** Default tag keys that came inside a secret: never named, even where the provider's Check copied them into `tagsAll` in the clear. */
    hiddenKeys: ReadonlySet<string>;
    ignoreKeys: ReadonlySet<string>;
    ignorePrefixes: readonly string[];
}

const NO_PROVIDER_TAGS: ProviderTagConfig = { defaults: { state: "absent" }, hiddenKeys: NO_KEYS, ignoreKeys: new Set(), ignorePrefixes: [] };

function stringList(v: unknown): string[] {
    v = unwrapSecret(v);
    if (!Array.isArray(v)) return [];
    return v.map((x) => unwrapSecret(x)).filter((x): x is string => typeof x === "string" && !isUnknown(x));
}

/** Provider configs repeat for every resource: parse each distinct one once. */
const providerCache = new WeakMap<object, ProviderTagConfig>();

/**
 * `defaultTags` and `ignoreTags` of an AWS or `aws-native` provider. The engine sends both as JSON text
 * (pulumi/pulumi#15477); programs and state may hold objects. Both forms are read. A secret anywhere
 * above the tags (the whole JSON text, the object, its `tags`) makes every default tag secret, keys
 * included: the engine marks the whole input secret when any part of it is. `aws-native` applies
 * `ignoreTags` only when it reads a resource back, never when it creates one: they remove nothing here.
 */
export function providerTagConfig(provider: ProviderView | undefined): ProviderTagConfig {
    if (!provider || !TAGGING_PROVIDERS.includes(provider.type) || typeof provider.props !== "object" || provider.props === null) return NO_PROVIDER_TAGS;
    const cached = providerCache.get(provider.props);
    if (cached) return cached;
    const rawDefaults = readOwn(provider.props, "defaultTags");
    const defaultTags = objectOrJson(rawDefaults);
    let defaults: ReadResult;
    if (isUnknown(unwrapSecret(rawDefaults)) || isUnknown(defaultTags)) defaults = { state: "unknown" };
    else if (defaultTags === undefined || defaultTags === null) defaults = { state: "absent" };
    else if (typeof defaultTags !== "object") defaults = { state: "malformed", found: typeof defaultTags };
    else {
        defaults = mapShape.read(readOwn(defaultTags, "tags"));
        if (defaults.state === "known" && isSecretWrapper(rawDefaults)) markSecret(defaults.tags);
    }
    const ignore = provider.type === AWS_PROVIDER_TYPE ? objectOrJson(readOwn(provider.props, "ignoreTags")) : undefined;
    const config: ProviderTagConfig = {
        defaults,
        hiddenKeys: defaults.state === "known" ? hiddenKeys(defaults.tags) : NO_KEYS,
        ignoreKeys: new Set(stringList(readOwn(ignore, "keys"))),
        ignorePrefixes: stringList(readOwn(ignore, "keyPrefixes")),
    };
    providerCache.set(provider.props, config);
    return config;
}

export interface EffectiveTags {
    shape: OwnTagShape;
    /** The merged tags, or why they cannot be read. */
    result: ReadResult;
    /** Where they came from, for messages (a property path for pod labels and node pools). */
    source: "tagsAll" | "tags" | "tags and provider defaultTags" | "provider defaultTags" | string;
    /** The provider's default tags are unknown: a key not in `tags` may still arrive from them. */
    defaultsUnknown: boolean;
    /** Autoscaling groups: keys whose `propagateAtLaunch` is not true. */
    notPropagated?: ReadonlySet<string>;
    /** Cloud Control lists: keys listed more than once (AWS refuses the resource). */
    duplicates?: ReadonlySet<string>;
}

const ignored = (key: string, config: ProviderTagConfig): boolean =>
    config.ignoreKeys.has(key) || config.ignorePrefixes.some((p) => key.startsWith(p));

/**
 * The effective tags of a resource with a tags input.
 * - `tagsAll`, when known: the AWS provider's Check has already merged default tags into it and removed
 *   ignored ones, and the engine analyzes post-Check inputs; outputs carry it too.
 * - Otherwise `tags` merged over the provider's `defaultTags`, minus `ignoreTags` keys and prefixes.
 * - Cloud Control types (`[{ key, value }]` or a map): `tags` merged over the `aws-native` provider's
 *   `defaultTags`. Its Check merges them into `tags` the same way (pulumi-aws-native `MergeDefaultTags`),
 *   so post-Check inputs and outputs read the same.
 * - Autoscaling groups take a list and never receive default tags.
 */
export function effectiveTags(props: unknown, entry: RegistryEntry, provider?: ProviderView): EffectiveTags {
    // Every policy of the pack asks for the same resource in turn (the same raw props object): one entry suffices.
    const last = lastEffective;
    if (last && last.props === props && last.entry === entry && last.providerProps === provider?.props && last.providerType === provider?.type) return last.tags;
    const tags = computeEffectiveTags(props, entry, provider);
    if (typeof props === "object" && props !== null) lastEffective = { props, entry, providerProps: provider?.props, providerType: provider?.type, tags };
    return tags;
}

/**
 * The attribution set a resource carries, whatever its kind: an AWS resource's effective tags, a Kubernetes
 * workload's pod labels, a node pool's `spec.tags` (what tags the instances it launches).
 */
export function attributionTags(props: unknown, entry: RegistryEntry, provider?: ProviderView): EffectiveTags {
    const path = entry.tags === "pod-labels" ? entry.podLabels : entry.nodeClass ? entry.carriers?.find((c) => c.reaches === "instances")?.path : undefined;
    if (path === undefined) return effectiveTags(props, entry, provider);
    return { shape: "map", result: mapShape.read(readPath(props, path)[0]), source: path, defaultsUnknown: false };
}

/** One entry, not a WeakMap of every resource: its ephemeron tables cost more in garbage collection than computing the tags again. */
let lastEffective: { props: object; entry: RegistryEntry; providerProps: unknown; providerType: string | undefined; tags: EffectiveTags } | undefined;

function computeEffectiveTags(props: unknown, entry: RegistryEntry, provider?: ProviderView): EffectiveTags {
    if (entry.tags === "asg-list") {
        const read = asgListShape.read(readOwn(props, "tags"));
        return { shape: "asg-list", result: read, source: "tags", defaultsUnknown: false, notPropagated: read.notPropagated };
    }
    const listed = entry.tags === "kv-list";
    if (!listed) {
        const all = mapShape.read(readOwn(props, "tagsAll"));
        if (all.state === "known") {
            hideKeysOfSecrets(all.tags, props, provider);
            return { shape: "map", result: all, source: "tagsAll", defaultsUnknown: false };
        }
    }
    const shape = listed ? "kv-list" : "map";
    const ownRead = listed ? kvListShape.read(readOwn(props, "tags")) : mapShape.read(readOwn(props, "tags"));
    const own: ReadResult = ownRead;
    const duplicates = listed ? (ownRead as ReturnType<typeof kvListShape.read>).duplicates : undefined;
    if (own.state === "unknown" || own.state === "malformed") return { shape, result: own, source: "tags", defaultsUnknown: false };
    const config = providerTagConfig(provider);
    const merged: TagMap = new Map();
    if (config.defaults.state === "known") config.defaults.tags.forEach((v, k) => merged.set(k, v));
    if (own.state === "known") own.tags.forEach((v, k) => merged.set(k, v));
    if (config.ignoreKeys.size || config.ignorePrefixes.length) for (const key of merged.keys()) if (ignored(key, config)) merged.delete(key);
    const fromDefaults = config.defaults.state === "known" && config.defaults.tags.size > 0;
    const source = own.state === "known" && own.tags.size > 0 ? (fromDefaults ? "tags and provider defaultTags" : "tags") : fromDefaults ? "provider defaultTags" : "tags";
    return { shape, result: { state: "known", tags: merged }, source, defaultsUnknown: config.defaults.state === "unknown", ...(duplicates ? { duplicates } : {}) };
}

/**
 * `tagsAll` may hold in the clear the keys of a wholly secret `tags` map or of secret provider default
 * tags (the provider's Check merges them key by key): those keys, and their values, stay secret. A
 * secret `tags` map that cannot be read makes every key of `tagsAll` secret, since any may be its.
 */
function hideKeysOfSecrets(tags: TagMap, props: unknown, provider: ProviderView | undefined): void {
    const rawOwn = readOwn(props, "tags");
    const own = isSecretWrapper(rawOwn) ? mapShape.read(rawOwn) : undefined;
    const fromDefaults = providerTagConfig(provider).hiddenKeys;
    if (!own && fromDefaults.size === 0) return;
    if (own && own.state !== "known") {
        if (own.state !== "absent") markSecret(tags);
        return;
    }
    const hide = (key: string): void => {
        const v = tags.get(key);
        if (v && !v.keySecret) tags.set(key, v.state === "known" ? { ...v, secret: true, keySecret: true } : { ...v, keySecret: true });
    };
    own?.tags.forEach((_, key) => hide(key));
    fromDefaults.forEach(hide);
}

/**
 * A tag map's values by key as a read-only map, without copying it: `undefined` for values unknown at
 * preview; invalid (non-string) values left out.
 */
class KnownValues implements ReadonlyMap<string, string | undefined> {
    constructor(private readonly tags: TagMap) {}

    get size(): number {
        let size = 0;
        this.tags.forEach((v) => {
            if (v.state !== "invalid") size++;
        });
        return size;
    }

    get(key: string): string | undefined {
        const v = this.tags.get(key);
        return v?.state === "known" ? v.value : undefined;
    }

    has(key: string): boolean {
        const v = this.tags.get(key);
        return v !== undefined && v.state !== "invalid";
    }

    forEach(callback: (value: string | undefined, key: string, map: ReadonlyMap<string, string | undefined>) => void, thisArg?: unknown): void {
        this.tags.forEach((v, k) => {
            if (v.state !== "invalid") callback.call(thisArg, v.state === "known" ? v.value : undefined, k, this);
        });
    }

    *entries(): MapIterator<[string, string | undefined]> {
        for (const [k, v] of this.tags) if (v.state !== "invalid") yield [k, v.state === "known" ? v.value : undefined];
    }

    *keys(): MapIterator<string> {
        for (const [k] of this.entries()) yield k;
    }

    *values(): MapIterator<string | undefined> {
        for (const [, v] of this.entries()) yield v;
    }

    [Symbol.iterator](): MapIterator<[string, string | undefined]> {
        return this.entries();
    }
}

/** Known values by key, `undefined` for values unknown at preview; invalid (non-string) values left out. */
export const knownValues = (tags: TagMap): ReadonlyMap<string, string | undefined> => new KnownValues(tags);

/** The secret keys and the keys with secret values of a tag map, found in one pass; most maps hold neither. */
function findSecrets(tags: TagMap): void {
    // Every policy asks about the same map in turn: one entry suffices.
    if (secretsFoundIn === tags) return;
    let hidden: Set<string> | undefined;
    let values: Set<string> | undefined;
    tags.forEach((v, k) => {
        if (v.keySecret === true) (hidden ??= new Set()).add(k);
        if (v.state === "known" && v.secret) (values ??= new Set()).add(k);
    });
    secretsFoundIn = tags;
    lastHidden = hidden ?? NO_KEYS;
    lastSecretValues = values ?? NO_KEYS;
}

let secretsFoundIn: TagMap | undefined;
let lastHidden: ReadonlySet<string> = NO_KEYS;
let lastSecretValues: ReadonlySet<string> = NO_KEYS;

/** Keys that are themselves secret (they came inside a wholly secret map), so messages never name them. */
export function hiddenKeys(tags: TagMap): ReadonlySet<string> {
    findSecrets(tags);
    return lastHidden;
}

/** Keys whose values are secret, so messages never quote them. */
export function secretKeys(tags: TagMap): ReadonlySet<string> {
    findSecrets(tags);
    return lastSecretValues;
}

/** One place a carrier puts tags, named for messages (`volumeTags`, `ebsBlockDevices[1].tags`); `value` undefined where none are set. */
export interface CarrierPlace {
    where: string;
    value: unknown;
}

/**
 * Every place a carrier names in a resource's props: the one place of a plain path (`volumeTags`,
 * `rootBlockDevice.tags`), each element of a listed block by its index, with tags or without (a listed
 * device is a volume either way), and for tag specifications the whole list. Values found inside a
 * secret stay secret.
 */
export function carrierPlaces(props: unknown, carrier: TagCarrier): CarrierPlace[] {
    // A tag specification list is one place (its entries name their resource types); a list above it fans out.
    const path = carrier.shape === "tag-specifications" ? carrier.path.replace(/\[\]$/, "") : carrier.path;
    const fan = path.indexOf("[]");
    if (fan < 0) return [{ where: path, value: readPath(props, path)[0] }];
    const list = path.slice(0, fan);
    const rest = path.slice(fan + 3);
    return readPath(props, `${list}[]`).map((element, i) => {
        const where = `${list}[${i}]${rest ? `.${rest}` : ""}`;
        if (isUnknown(element) || !rest) return { where, value: element };
        const secret = isSecretWrapper(element);
        const value = readPath(secret ? unwrapSecret(element) : element, rest)[0];
        return { where, value: secret && value !== undefined && !isUnknown(value) && !isSecretWrapper(value) ? { [SECRET_SIG_KEY]: SECRET_SIG, value } : value };
    });
}

/**
 * What the AWS provider's Check writes into `tagsAll` (pulumi-aws `applyTags`): `tags` merged over the
 * provider's default tags, minus ignored keys; unknown when any tag value or the provider's settings
 * are; `{}` when the resource ends up with no tags. Undefined for types without `tagsAll`. Values are
 * in wire form (secrets stay wrapped).
 */
export function providerCheckTagsAll(inputs: Record<string, unknown>, entry: RegistryEntry, provider?: ProviderView): unknown {
    if (entry.tags !== "map" || !entry.tagsAll) return undefined;
    const { tagsAll: _computed, ...own } = inputs;
    const eff = computeEffectiveTags(own, entry, provider);
    if (eff.result.state !== "known" || eff.defaultsUnknown) return UNKNOWN_VALUE;
    const all: Record<string, unknown> = {};
    for (const [key, value] of eff.result.tags) {
        if (value.state === "unknown") return UNKNOWN_VALUE;
        if (value.state === "known") setOwn(all, key, value.secret ? { [SECRET_SIG_KEY]: SECRET_SIG, value: value.value } : value.value);
    }
    return all;
}

/**
 * What the \`aws-native\` provider's Check makes of a Cloud Control type's \`tags\` (pulumi-aws-native
 * \`MergeDefaultTags\`): the provider's default tags added for the keys the resource does not set, at the
 * end of a list in key order. Undefined when Check leaves \`tags\` as it is: no default tags, \`tags\`
 * unknown or secret, or the provider's settings unknown. Values are in wire form (secrets stay wrapped).
 */
export function providerCheckCloudControlTags(inputs: Record<string, unknown>, entry: RegistryEntry, provider?: ProviderView): unknown {
    if (provider?.type !== AWS_NATIVE_PROVIDER_TYPE || (entry.tags !== "map" && entry.tags !== "kv-list")) return undefined;
    const defaults = providerTagConfig(provider).defaults;
    if (defaults.state !== "known" || defaults.tags.size === 0) return undefined;
    const raw = readOwn(inputs, "tags");
    if (isUnknown(raw) || isSecretWrapper(raw)) return undefined;
    const wire = (v: TagValue): unknown => (v.state !== "known" ? UNKNOWN_VALUE : v.secret ? { [SECRET_SIG_KEY]: SECRET_SIG, value: v.value } : v.value);
    if (entry.tags === "map") {
        if (raw !== undefined && raw !== null && (typeof raw !== "object" || Array.isArray(raw))) return undefined;
        const merged: Record<string, unknown> = {};
        defaults.tags.forEach((v, k) => setOwn(merged, k, wire(v)));
        for (const k of ownKeys(raw)) setOwn(merged, k, readOwn(raw, k));
        return merged;
    }
    if (raw !== undefined && raw !== null && !Array.isArray(raw)) return undefined;
    const list: unknown[] = Array.isArray(raw) ? [...raw] : [];
    const present = new Set(list.map((t) => unwrapSecret(readOwn(unwrapSecret(t), "key"))));
    for (const key of [...defaults.tags.keys()].sort()) if (!present.has(key)) list.push({ key, value: wire(defaults.tags.get(key)!) });
    return list;
}
