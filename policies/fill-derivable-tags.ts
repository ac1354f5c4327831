/**
 * Remediation (off unless configured to `remediate`): fills in the tags that can be derived without
 * guessing. `managed_by` is `pulumi` for anything a Pulumi program creates; `environment` and
 * `created_by` come from this policy's config or from stack tags of the same names. It never invents
 * `team`, `model_id`, `cost_center` or `project`: those need a person's answer.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import type { z } from "zod";
import { FillDerivableConfigSchema, configParser, scopedEntry, toPolicyConfigSchema } from "../tagset/config";
import { effectiveTags } from "../tagset/effective-tags";
import { exemptionStatus } from "../tagset/exemptions";
import { hasOwnTags, type OwnTagShape } from "../tagset/registry-types";
import { asgListShape, kvListShape, mapShape, type AsgTag } from "../tagset/shapes";
import { isSecretWrapper, ownKeys, readOwn } from "../tagset/values";
import { ENVIRONMENTS, MANAGED_BY_PULUMI, type RequiredTagKey } from "../tagset/vocabulary";
import { report, today, viewOf, withConfigSchema } from "./framework";

export const FILL_DERIVABLE_TAGS = "fill-derivable-tags";


/** The tags this remediation may add, by key. */
export function derivableTags(config: z.infer<typeof FillDerivableConfigSchema>, stackTags: ReadonlyMap<string, string>): Partial<Record<RequiredTagKey, string>> {
    const derived: Partial<Record<RequiredTagKey, string>> = { managed_by: MANAGED_BY_PULUMI };
    const stackEnvironment = config.useStackTags ? stackTags.get("environment") : undefined;
    const environment = config.environment ?? ((ENVIRONMENTS as readonly (string | undefined)[]).includes(stackEnvironment) ? stackEnvironment : undefined);
    if (environment) derived.environment = environment;
    const createdBy = config.createdBy ?? (config.useStackTags ? stackTags.get("created_by") : undefined);
    if (createdBy) derived.created_by = createdBy;
    return derived;
}

/** Props with `additions` put into the tags (and `tagsAll`, which Check has already computed); undefined if nothing changes. */
export function withDerivedTags(props: unknown, shape: OwnTagShape, additions: Record<string, string>): Record<string, unknown> | undefined {
    if (!Object.keys(additions).length) return undefined;
    const raw: Record<string, unknown> = {};
    for (const k of ownKeys(props)) raw[k] = readOwn(props, k);
    const tags = raw.tags;
    if (isSecretWrapper(tags)) return undefined; // a whole secret map is left as the program made it
    if (shape === "asg-list") {
        raw.tags = asgListShape.write(Array.isArray(tags) ? (tags as AsgTag[]) : undefined, additions);
        return raw;
    }
    if (shape === "kv-list") {
        raw.tags = kvListShape.write(Array.isArray(tags) ? (tags as { key: unknown; value: unknown }[]) : undefined, additions);
        return raw;
    }
    raw.tags = mapShape.write(typeof tags === "object" && tags !== null ? (tags as Record<string, unknown>) : undefined, additions);
    const all = raw.tagsAll;
    if (typeof all === "object" && all !== null && !isSecretWrapper(all)) raw.tagsAll = mapShape.write(all as Record<string, unknown>, additions);
    return raw;
}

export function fillDerivableTagsPolicy(): ResourceValidationPolicy {
    const parse = configParser(FILL_DERIVABLE_TAGS, FillDerivableConfigSchema);
    let configErrorReported = false;
    return withConfigSchema({
        name: FILL_DERIVABLE_TAGS,
        description: "Fills in managed_by = pulumi, and environment and created_by from config or stack tags, where a resource lacks them. Never invents team, model_id, cost_center or project.",
        enforcementLevel: "disabled",
        configSchema: toPolicyConfigSchema(FillDerivableConfigSchema),
        // Only reports a config mistake: a remediation has no other way to say anything.
        validateResource: (args, reportViolation) => {
            const parsed = parse(args.getConfig());
            if (!parsed.ok && !configErrorReported) {
                configErrorReported = true;
                report(reportViolation, [{ message: parsed.message }]);
            }
        },
        remediateResource: (args: ResourceValidationArgs) => {
            try {
                const parsed = parse(args.getConfig());
                if (!parsed.ok) return undefined;
                const scoped = scopedEntry(args.type, parsed.config);
                if ("skip" in scoped || !hasOwnTags(scoped.entry)) return undefined;
                const view = viewOf({ type: args.type, urn: args.urn, name: args.name, props: args.props, provider: args.provider });
                if (exemptionStatus(parsed.config.exemptions, view, today()).state === "active") return undefined;
                const eff = effectiveTags(view.props, scoped.entry, view.provider);
                if (eff.result.state === "unknown" || eff.result.state === "malformed" || eff.defaultsUnknown) return undefined;
                const existing = eff.result.state === "known" ? eff.result.tags : new Map();
                const additions = Object.fromEntries(Object.entries(derivableTags(parsed.config, args.stackTags)).filter(([k]) => !existing.has(k))) as Record<string, string>;
                return withDerivedTags(view.props, scoped.entry.tags, additions);
            } catch {
                return undefined; // a remediation that cannot run leaves the resource as it is; the checks still report it
            }
        },
    }, FillDerivableConfigSchema);
}
