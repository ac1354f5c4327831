/** The result of `tagguard check`: one object, printed in several formats. Its JSON form is a stable interface. */
import * as path from "path";
import { coverageSummary } from "../../policies/attribution-coverage";
import { today } from "../../policies/framework";
import { CoverageConfigSchema } from "../../tagset/config";
import { urnParts } from "../../tagset/urn";
import type { AnalyzedResource } from "../engine/analyzer-client";
import type { PackRun } from "../engine/session";
import type { EngineView } from "./engine-view";
import type { RecordedProgram, SourceLocation } from "./recorded";

export const REPORT_VERSION = 1;

export interface CheckViolation {
    policy: string;
    enforcementLevel: "mandatory" | "advisory";
    urn: string;
    type: string;
    name: string;
    message: string;
}

/** A multi-language (remote) component: its children are built by a provider plugin and cannot be seen offline. */
export interface UncheckedComponent {
    urn: string;
    type: string;
    name: string;
    location: SourceLocation | null;
}

/** How to check what `check` cannot see offline. */
export const UNCHECKED_ADVICE = "a remote component's resources are built by its provider plugin during a real preview; check them with `pulumi preview --policy-pack <tagguard>/policies`";

export interface CheckReport {
    reportVersion: number;
    project: string;
    stack: string;
    policyPack: { name: string; version: string; path: string };
    resources: { urn: string; type: string; name: string; parent: string | null }[];
    violations: CheckViolation[];
    /** Remote components, listed so that nothing is passed silently. */
    notCheckedOffline: UncheckedComponent[];
    warnings: string[];
    summary: {
        resources: number;
        inScope: number;
        attributable: number;
        /** Remote components whose resources could not be checked offline. */
        unchecked: number;
        violations: { mandatory: number; advisory: number };
    };
}

export function buildReport(args: { project: string; stack: string; packDir: string; view: EngineView; run: PackRun; warnings: string[]; recorded: RecordedProgram }): CheckReport {
    const { view, run } = args;
    const byUrn = new Map<string, AnalyzedResource>(view.stack.map((r) => [r.urn, r]));
    const violation = (d: PackRun["stack"]["diagnostics"][number], fallbackUrn: string): CheckViolation => {
        const urn = d.urn || fallbackUrn;
        const { type, name } = byUrn.get(urn) ?? urnParts(urn);
        return { policy: d.policyName, enforcementLevel: d.enforcementLevel === "advisory" ? "advisory" : "mandatory", urn, type, name, message: d.message };
    };
    const violations = [
        ...run.resources.flatMap((v) => v.result.diagnostics.map((d) => violation(d, v.resource.urn))),
        ...run.stack.diagnostics.map((d) => violation(d, view.stackUrn)),
    ];
    const coverageConfig = CoverageConfigSchema.safeParse(run.config["attribution-coverage"]?.properties ?? {});
    const coverage = coverageSummary(
        run.resources.map((v) => ({ type: v.resource.type, urn: v.resource.urn, name: v.resource.name, props: v.analyzedInputs, provider: v.resource.provider })),
        coverageConfig.success ? coverageConfig.data : CoverageConfigSchema.parse({}),
        today(),
    );
    const notCheckedOffline = args.recorded.resources.filter((r) => r.remote).map((r) => ({ urn: r.urn, type: r.type, name: r.name, location: r.stack?.[0] ?? null }));
    return {
        reportVersion: REPORT_VERSION,
        project: args.project,
        stack: args.stack,
        policyPack: { name: run.info.name, version: run.info.version, path: path.resolve(args.packDir) },
        resources: view.stack.map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.options?.parent ?? null })),
        violations,
        notCheckedOffline,
        warnings: [...args.warnings, ...run.configWarnings],
        summary: {
            resources: view.stack.length,
            inScope: coverage.inScope,
            attributable: coverage.attributable,
            unchecked: notCheckedOffline.length,
            violations: {
                mandatory: violations.filter((v) => v.enforcementLevel === "mandatory").length,
                advisory: violations.filter((v) => v.enforcementLevel === "advisory").length,
            },
        },
    };
}
