/**
 * Property values on the engine's wire (`google.protobuf.Struct` as JSON), and how the engine marshals
 * them for a policy pack: `MarshalProperties(props, { KeepUnknowns, KeepSecrets, SkipInternalKeys })`
 * in `sdk/go/common/resource/plugin/analyzer_plugin.go`, without `KeepResources` or `KeepOutputValues`.
 */
import { SECRET_SIG, SECRET_SIG_KEY, UNKNOWN_VALUE } from "../../tagset/values";
import { isObject } from "../input";

/** `{ [SIG_KEY]: RESOURCE_REFERENCE_SIG, urn, id?, packageVersion? }`: a resource passed as an input. */
export const RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
/** `{ [SIG_KEY]: OUTPUT_VALUE_SIG, value?, secret?, dependencies? }`: an output value with its metadata. */
export const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };


/** Keys the engine treats as internal (`resource.IsInternalPropertyKey`): they start with `__`. */
const isInternalKey = (key: string): boolean => key.startsWith("__");

export interface AnalyzerMarshalOptions {
    /** Analyze and AnalyzeStack skip internal keys; Remediate keeps them. */
    skipInternalKeys: boolean;
}

/**
 * One value as the engine sends it to an analyzer:
 * - a resource reference becomes the referenced resource's ID when it has one (an unknown ID stays
 *   unknown), else its URN (components);
 * - an output value becomes its value (unknown when not known), wrapped as a secret when secret;
 * - secrets, unknowns, assets and archives are kept as they are.
 */
export function analyzerValue(value: unknown, opts: AnalyzerMarshalOptions): Json {
    if (Array.isArray(value)) return value.map((v) => analyzerValue(v, opts));
    if (!isObject(value)) return value as Json;
    const sig = value[SECRET_SIG_KEY];
    if (sig === RESOURCE_REFERENCE_SIG) {
        const id = value.id;
        if (id !== undefined && id !== null) return analyzerValue(id, opts);
        return typeof value.urn === "string" ? value.urn : "";
    }
    if (sig === OUTPUT_VALUE_SIG) {
        const element: Json = "value" in value ? analyzerValue(value.value, opts) : UNKNOWN_VALUE;
        return value.secret === true ? { [SECRET_SIG_KEY]: SECRET_SIG, value: element } : element;
    }
    if (sig === SECRET_SIG) return { [SECRET_SIG_KEY]: SECRET_SIG, value: analyzerValue(value.value, opts) };
    if (typeof sig === "string") return value as { [key: string]: Json }; // assets, archives: kept whole
    return analyzerProperties(value, opts);
}

/** A property map as the engine sends it to an analyzer. */
export function analyzerProperties(props: Record<string, unknown>, opts: AnalyzerMarshalOptions): { [key: string]: Json } {
    const out: { [key: string]: Json } = {};
    for (const [key, value] of Object.entries(props)) {
        if (opts.skipInternalKeys && isInternalKey(key)) continue;
        // Own data property even for keys such as `__proto__` (Remediate keeps internal keys).
        Object.defineProperty(out, key, { value: analyzerValue(value, opts), enumerable: true, writable: true, configurable: true });
    }
    return out;
}
