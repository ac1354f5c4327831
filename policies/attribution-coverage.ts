/** One attribution summary per stack: what is attributable, by service and team, what expires soon, what is exempt. */
import type { StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { CoverageConfigSchema, configParser, scopedEntry, toPolicyConfigSchema, type Exemption } from "../tagset/config";
import { effectiveTags, knownValues, secretKeys } from "../tagset/effective-tags";
import { exemptionMatches, exemptionStatus, isExpired } from "../tagset/exemptions";
import { formatDay, parseIsoDay, utcDay } from "../tagset/rules";
import { shortUrn } from "../tagset/urn";
import { internalError, report, stackViewOf, today, type ResourceView } from "./framework";
import { requiredKeyStatus } from "./required-tags";

export const ATTRIBUTION_COVERAGE = "attribution-coverage";

const UNTAGGED_TEAM = "(no team)";
const LISTED = 20;

export interface Tally {
    inScope: number;
    attributable: number;
}

export interface CoverageSummary extends Tally {
    /** Tags not known until update (preview). */
    unknown: number;
    exempt: number;
    byService: Map<string, Tally>;
    byTeam: Map<string, Tally>;
    notAttributable: { urn: string; missing: string[] }[];
    expiringSoon: { urn: string; expiresAt: string }[];
    exemptionsInForce: { exemption: Exemption; matches: number }[];
    exemptionsExpired: Exemption[];
}

const bump = (m: Map<string, Tally>, key: string, attributable: boolean): void => {
    const t = m.get(key) ?? { inScope: 0, attributable: 0 };
    t.inScope++;
    if (attributable) t.attributable++;
    m.set(key, t);
};

/** Computes the summary; the audit reports the same figures from state. */
export function coverageSummary(resources: readonly ResourceView[], config: { services: string[]; includeTypes: string[]; excludeTypes: string[]; exemptions: Exemption[]; expiringWithinDays: number }, now: Date): CoverageSummary {
    const summary: CoverageSummary = {
        inScope: 0, attributable: 0, unknown: 0, exempt: 0, byService: new Map(), byTeam: new Map(),
        notAttributable: [], expiringSoon: [], exemptionsInForce: [], exemptionsExpired: [],
    };
    const matches = new Map<Exemption, number>();
    const todayDay = utcDay(now);
    for (const r of resources) {
        const scoped = scopedEntry(r.type, config);
        if ("skip" in scoped) continue;
        const exemption = exemptionStatus(config.exemptions, r, now);
        if (exemption.state === "active") {
            summary.exempt++;
            matches.set(exemption.exemption, (matches.get(exemption.exemption) ?? 0) + 1);
            continue;
        }
        summary.inScope++;
        const eff = effectiveTags(r.props, scoped.entry, r.provider);
        if (eff.result.state === "unknown") {
            summary.unknown++;
            continue;
        }
        const tags = eff.result.state === "known" ? eff.result.tags : new Map();
        const status = requiredKeyStatus(tags, eff.defaultsUnknown);
        const missing = [...status.missing, ...status.notStrings];
        const attributable = missing.length === 0;
        if (attributable) summary.attributable++;
        else summary.notAttributable.push({ urn: r.urn, missing });
        const values = knownValues(tags);
        bump(summary.byService, scoped.entry.module, attributable);
        const secret = secretKeys(tags);
        bump(summary.byTeam, secret.has("team") ? "[secret]" : values.get("team") || UNTAGGED_TEAM, attributable);
        const expires = values.get("expires_at");
        const day = expires === undefined ? undefined : parseIsoDay(expires);
        if (day !== undefined && day - todayDay <= config.expiringWithinDays) summary.expiringSoon.push({ urn: r.urn, expiresAt: secret.has("expires_at") ? "[secret]" : formatDay(day) });
    }
    for (const e of config.exemptions) {
        if (isExpired(e, now)) summary.exemptionsExpired.push(e);
        else summary.exemptionsInForce.push({ exemption: e, matches: matches.get(e) ?? resources.filter((r) => exemptionMatches(e, r)).length });
    }
    return summary;
}

const pct = (t: Tally): string => (t.inScope ? `${((100 * t.attributable) / t.inScope).toFixed(1)}%` : "n/a");

const describeExemption = (e: Exemption): string =>
    [e.urn && `urn ${e.urn}`, e.name && `name ${e.name}`, e.type && `type ${e.type}`].filter(Boolean).join(", ");

export function renderCoverage(s: CoverageSummary, withinDays: number): string {
    const lines = [
        `Attribution coverage: ${s.attributable} of ${s.inScope} resources in scope are attributable (${pct(s)})` +
            `${s.unknown ? `; ${s.unknown} not known until update` : ""}${s.exempt ? `; ${s.exempt} exempt` : ""}.`,
    ];
    const table = (title: string, m: Map<string, Tally>): void => {
        if (!m.size) return;
        lines.push(`${title}: ${[...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, t]) => `${k} ${t.attributable}/${t.inScope}`).join(", ")}`);
    };
    table("By service", s.byService);
    table("By team", s.byTeam);
    if (s.notAttributable.length) {
        lines.push("Not attributable:");
        for (const n of s.notAttributable.slice(0, LISTED)) lines.push(`  ${shortUrn(n.urn)} (missing ${n.missing.join(", ")})`);
        if (s.notAttributable.length > LISTED) lines.push(`  ... and ${s.notAttributable.length - LISTED} more`);
    }
    if (s.expiringSoon.length) {
        lines.push(`Expiring within ${withinDays} days or already expired:`);
        for (const e of s.expiringSoon.slice(0, LISTED)) lines.push(`  ${shortUrn(e.urn)} (expires_at ${e.expiresAt})`);
    }
    for (const { exemption, matches } of s.exemptionsInForce) lines.push(`Exemption in force until ${exemption.expires} (${describeExemption(exemption)}; ${matches} resources): ${exemption.reason}`);
    for (const e of s.exemptionsExpired) lines.push(`Exemption expired on ${e.expires} (${describeExemption(e)}), no longer applied: ${e.reason}`);
    return lines.join("\n");
}

export function attributionCoveragePolicy(): StackValidationPolicy {
    const parse = configParser(ATTRIBUTION_COVERAGE, CoverageConfigSchema);
    return {
        name: ATTRIBUTION_COVERAGE,
        description: "One attribution summary per stack: resources in scope, attributable and not, by service and team; resources expiring soon; exemptions in force.",
        enforcementLevel: "advisory",
        configSchema: toPolicyConfigSchema(CoverageConfigSchema),
        validateStack: (args: StackValidationArgs, reportViolation) => {
            try {
                const parsed = parse(args.getConfig());
                if (!parsed.ok) {
                    report(reportViolation, [{ message: parsed.message }]);
                    return;
                }
                const summary = coverageSummary(stackViewOf(args.resources).resources, parsed.config, today());
                report(reportViolation, [{ message: renderCoverage(summary, parsed.config.expiringWithinDays) }]);
            } catch (e) {
                report(reportViolation, [internalError(ATTRIBUTION_COVERAGE, e, "the stack summary")]);
            }
        },
    };
}
