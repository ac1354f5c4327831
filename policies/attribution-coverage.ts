/** One attribution summary per stack: what is attributable, by service and team, what expires soon, what is exempt. */
import type { StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { CoverageConfigSchema, configParser, toPolicyConfigSchema, type Exemption, type NamespaceScope } from "../tagset/config";
import { utcDay } from "../tagset/rules";
import { visible } from "../tagset/text";
import { shortUrn } from "../tagset/urn";
import { classify, exemptionCounts, expiry, groupLabel } from "./attribution";
import { internalError, report, stackViewOf, today, withConfigSchema, type ResourceView } from "./framework";

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
    notAttributable: { urn: string; missing: readonly string[] }[];
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
export function coverageSummary(resources: readonly ResourceView[], config: { services: string[]; includeTypes: string[]; excludeTypes: string[]; exemptions: Exemption[]; expiringWithinDays: number; namespaces?: NamespaceScope }, now: Date): CoverageSummary {
    const summary: CoverageSummary = {
        inScope: 0, attributable: 0, unknown: 0, exempt: 0, byService: new Map(), byTeam: new Map(),
        notAttributable: [], expiringSoon: [], exemptionsInForce: [], exemptionsExpired: [],
    };
    const exempted = new Map<Exemption, number>();
    const todayDay = utcDay(now);
    for (let i = 0; i < resources.length; i++) {
        const r = resources[i];
        const c = classify(r, config, now);
        if (c.state === "out-of-scope") continue;
        if (c.state === "exempt") {
            summary.exempt++;
            exempted.set(c.exemption, (exempted.get(c.exemption) ?? 0) + 1);
            continue;
        }
        const a = c.attribution;
        summary.inScope++;
        if (!a.readable) {
            summary.unknown++;
            continue;
        }
        if (a.attributable) summary.attributable++;
        else summary.notAttributable.push({ urn: r.urn, missing: a.missing });
        bump(summary.byService, a.entry.module, a.attributable);
        bump(summary.byTeam, groupLabel(a, "team", UNTAGGED_TEAM), a.attributable);
        const expires = expiry(a);
        if (expires && expires.day - todayDay <= config.expiringWithinDays) summary.expiringSoon.push({ urn: r.urn, expiresAt: expires.text });
    }
    for (const { exemption, inForce, matches } of exemptionCounts(config.exemptions, exempted, resources, now)) {
        if (inForce) summary.exemptionsInForce.push({ exemption, matches });
        else summary.exemptionsExpired.push(exemption);
    }
    return summary;
}

const pct = (t: Tally): string => (t.inScope ? `${((100 * t.attributable) / t.inScope).toFixed(1)}%` : "n/a");

const describeExemption = (e: Exemption): string =>
    visible([e.urn && `urn ${e.urn}`, e.name && `name ${e.name}`, e.type && `type ${e.type}`].filter(Boolean).join(", "));

export function renderCoverage(s: CoverageSummary, withinDays: number): string {
    const lines = [
        `Attribution coverage: ${s.attributable} of ${s.inScope} resources in scope are attributable (${pct(s)})` +
            `${s.unknown ? `; ${s.unknown} not known until update` : ""}${s.exempt ? `; ${s.exempt} exempt` : ""}.`,
    ];
    const table = (title: string, m: Map<string, Tally>): void => {
        if (!m.size) return;
        lines.push(`${title}: ${[...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, t]) => `${visible(k, { max: 64 })} ${t.attributable}/${t.inScope}`).join(", ")}`);
    };
    table("By service", s.byService);
    table("By team", s.byTeam);
    if (s.notAttributable.length) {
        lines.push("Not attributable:");
        for (const n of s.notAttributable.slice(0, LISTED)) lines.push(`  ${visible(shortUrn(n.urn))} (missing ${n.missing.join(", ")})`);
        if (s.notAttributable.length > LISTED) lines.push(`  ... and ${s.notAttributable.length - LISTED} more`);
    }
    if (s.expiringSoon.length) {
        lines.push(`Expiring within ${withinDays} days or already expired:`);
        for (const e of s.expiringSoon.slice(0, LISTED)) lines.push(`  ${visible(shortUrn(e.urn))} (expires_at ${e.expiresAt})`);
    }
    for (const { exemption, matches } of s.exemptionsInForce) lines.push(`Exemption in force until ${exemption.expires} (${describeExemption(exemption)}; ${matches} resources): ${visible(exemption.reason)}`);
    for (const e of s.exemptionsExpired) lines.push(`Exemption expired on ${e.expires} (${describeExemption(e)}), no longer applied: ${visible(e.reason)}`);
    return lines.join("\n");
}

export function attributionCoveragePolicy(onSummary?: (summary: CoverageSummary) => void): StackValidationPolicy {
    const parse = configParser(ATTRIBUTION_COVERAGE, CoverageConfigSchema);
    return withConfigSchema({
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
                onSummary?.(summary);
                report(reportViolation, [{ message: renderCoverage(summary, parsed.config.expiringWithinDays) }]);
            } catch (e) {
                report(reportViolation, [internalError(ATTRIBUTION_COVERAGE, e, "the stack summary")]);
            }
        },
    }, CoverageConfigSchema);
}
