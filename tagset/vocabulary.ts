/**
 * The attribution vocabulary: the tag keys every resource carries and the values two of them take.
 * Every other part of tagguard (policies, components, tools) imports these lists.
 */

export const REQUIRED_TAG_KEYS = [
    "team",
    "cost_center",
    "project",
    "model_id",
    "environment",
    "lifecycle_phase",
    "created_by",
    "managed_by",
] as const;

export const OPTIONAL_TAG_KEYS = ["expires_at", "experiment_id"] as const;

export type RequiredTagKey = (typeof REQUIRED_TAG_KEYS)[number];
export type OptionalTagKey = (typeof OPTIONAL_TAG_KEYS)[number];
export type AttributionTagKey = RequiredTagKey | OptionalTagKey;

export const ATTRIBUTION_TAG_KEYS: readonly AttributionTagKey[] = [...REQUIRED_TAG_KEYS, ...OPTIONAL_TAG_KEYS];

export const ENVIRONMENTS = ["production", "staging", "development", "experiment"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const LIFECYCLE_PHASES = ["training", "inference", "feature_pipeline", "monitoring", "data_pipeline", "development"] as const;
export type LifecyclePhase = (typeof LIFECYCLE_PHASES)[number];

/** `model_id` of platform resources shared by several models. */
/**
 * A complete tag set, as the components take it. Plain TypeScript (no schema library in its type), so
 * a consumer's compiler checks it under any settings; `tagSetSchema` in `rules.ts` validates values.
 */
export interface AttributionTagSet {
    team: string;
    cost_center: string;
    project: string;
    model_id: string;
    environment: Environment;
    lifecycle_phase: LifecyclePhase;
    created_by: string;
    managed_by: string;
    expires_at?: string;
    experiment_id?: string;
}

export const SHARED_MODEL_ID = "shared";

/** `managed_by` of resources created through Pulumi (what the remediation fills in). */
export const MANAGED_BY_PULUMI = "pulumi";

/** Spellings met in real bills and code that mean one of the attribution keys. */
const KEY_ALIASES: Readonly<Record<string, AttributionTagKey>> = {
    env: "environment",
    stage: "environment",
    owner: "team",
    costcentre: "cost_center",
    model: "model_id",
    phase: "lifecycle_phase",
    lifecycle: "lifecycle_phase",
    createdby: "created_by",
    creator: "created_by",
    managedby: "managed_by",
    expires: "expires_at",
    expiry: "expires_at",
    experiment: "experiment_id",
};

const squash = (key: string): string => key.trim().toLowerCase().replace(/[^a-z0-9]/g, "");

const BY_SQUASHED: ReadonlyMap<string, AttributionTagKey> = new Map([
    ...ATTRIBUTION_TAG_KEYS.map((k) => [squash(k), k] as const),
    ...Object.entries(KEY_ALIASES),
]);

/**
 * The attribution key a tag key means, when it is not spelled exactly: `Team`, `cost-center`,
 * `CostCenter`, ` env` all resolve. Returns undefined for exact keys and unrelated ones.
 */
export function intendedKey(key: string): AttributionTagKey | undefined {
    if (isAttributionKey(key)) return undefined;
    let intended = intendedCache.get(key);
    if (intended === undefined) {
        intended = BY_SQUASHED.get(squash(key)) ?? null;
        if (intendedCache.size < 10_000) intendedCache.set(key, intended);
    }
    return intended ?? undefined;
}

const intendedCache = new Map<string, AttributionTagKey | null>();

/** True for the keys of the attribution vocabulary, spelled exactly. */
export function isAttributionKey(key: string): key is AttributionTagKey {
    return ATTRIBUTION_KEY_SET.has(key);
}

const ATTRIBUTION_KEY_SET: ReadonlySet<string> = new Set(ATTRIBUTION_TAG_KEYS);
