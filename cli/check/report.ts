/** The result of `tagguard check`: one object, printed in several formats. Its JSON form is a stable interface. */
import * as path from "path";
import { coverageSummary } from "../../policies/attribution-coverage";
import { today } from "../../policies/framework";
import { CoverageConfigSchema } from "../../tagset/config";
import { urnParts } from "../../tagset/urn";
import type { AnalyzedResource } from "../engine/analyzer-client";
import type { PackRun } from "../engine/session";
import type { BaselineStatus, BaselineSummary } from "../findings";
import type { EngineView } from "./engine-view";
import { RENDERED_BY_PROVIDER } from "./kubernetes-mocks";
import type { RecordedProgram, RecordedResource, SourceLocation } from "./recorded";

export const REPORT_VERSION = 1;

export interface CheckViolation {
    policy: string;
    enforcementLevel: "mandatory" | "advisory";
    urn: string;
    type: string;
    name: string;
    message: string;
    /**
     * Where the resource was constructed in the program (file relative to the project): for a resource
     * a component creates, the line that constructed the (outermost) component. Null for the stack.
     */
    location: SourceLocation | null;
    /** For a resource a component creates, the line inside the component that created it, when the component's source is the project's. */
    definedAt?: SourceLocation;
    /** With `--baseline`: whether the previous report had this finding. */
    baseline?: BaselineStatus;
}

const sameFrame = (a: SourceLocation, b: SourceLocation): boolean => a.file === b.file && a.line === b.line && a.column === b.column;

/**
 * Where to point a finding about a resource: its own registration's innermost frame in the project, or,
 * under a component, the first frame it shares with the outermost component's registration (the line
 * that constructed it), with the line inside the component kept as `definedAt`.
 */
export function locate(urn: string, byUrn: ReadonlyMap<string, RecordedResource>): { location: SourceLocation | null; definedAt?: SourceLocation } {
    const resource = byUrn.get(urn);
    const own = resource?.stack?.[0] ?? null;
    if (!resource || !own) return { location: own };
    let outermost: RecordedResource | undefined;
    for (let p = resource.parent ? byUrn.get(resource.parent) : undefined, depth = 0; p && depth < 100; p = p.parent ? byUrn.get(p.parent) : undefined, depth++) {
        if (!p.custom && p.type !== "pulumi:pulumi:Stack") outermost = p;
    }
    const constructed = outermost?.stack ? resource.stack!.find((f) => outermost!.stack!.some((g) => sameFrame(f, g))) : undefined;
    if (!constructed) return { location: own };
    return sameFrame(constructed, own) ? { location: own } : { location: constructed, definedAt: own };
}

/**
 * A component whose resources cannot be seen offline: a multi-language (remote) component, whose children
 * a provider plugin builds, or one rendered by a provider-side tool (a Helm v3 chart's `helm template`).
 */
export interface UncheckedComponent {
    urn: string;
    type: string;
    name: string;
    location: SourceLocation | null;
    /** Why it cannot be checked offline, for a component that is not remote. */
    reason?: string;
}

/** How to check what `check` cannot see offline. */
export const UNCHECKED_ADVICE = "their resources are built by a provider plugin during a real preview; check them with `pulumi preview --policy-pack <tagguard>/policies`";

export interface CheckReport {
    reportVersion: number;
    project: string;
    stack: string;
    policyPack: { name: string; version: string; path: string };
    /** Every resource of the program, in registration order; `read` marks one it only reads (`X.get`), which is never judged. */
    resources: { urn: string; type: string; name: string; parent: string | null; read?: true }[];
    violations: CheckViolation[];
    /** Remote components, listed so that nothing is passed silently. */
    notCheckedOffline: UncheckedComponent[];
    warnings: string[];
    /** The project directory, for paths relative to the working directory in SARIF and annotations. */
    projectDir: string;
    summary: {
        /** Registered (created or updated): what the pack judges. */
        resources: number;
        /** Existing resources the program only reads (`X.get`): never judged, as the engine never analyzes them. */
        read: number;
        inScope: number;
        attributable: number;
        /** Remote components whose resources could not be checked offline. */
        unchecked: number;
        violations: { mandatory: number; advisory: number };
        /** With `--baseline`: new, existing and fixed findings; only new mandatory ones fail the run. */
        baseline?: BaselineSummary & { newMandatory: number };
    };
}

export function buildReport(args: { project: string; projectDir: string; stack: string; packDir: string; view: EngineView; run: PackRun; warnings: string[]; recorded: RecordedProgram }): CheckReport {
    const { view, run } = args;
    const byUrn = new Map<string, AnalyzedResource>(view.stack.map((r) => [r.urn, r]));
    const recordedByUrn = new Map(args.recorded.resources.map((r) => [r.urn, r]));
    const violation = (d: PackRun["stack"]["diagnostics"][number], fallbackUrn: string): CheckViolation => {
        const urn = d.urn || fallbackUrn;
        const { type, name } = byUrn.get(urn) ?? urnParts(urn);
        return { policy: d.policyName, enforcementLevel: d.enforcementLevel === "advisory" ? "advisory" : "mandatory", urn, type, name, message: d.message, ...locate(urn, recordedByUrn) };
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
    const notCheckedOffline = args.recorded.resources.flatMap((r): UncheckedComponent[] => {
        const rendered = RENDERED_BY_PROVIDER[r.type];
        if (!r.remote && !rendered) return [];
        const unchecked: UncheckedComponent = { urn: r.urn, type: r.type, name: r.name, location: r.stack?.[0] ?? null };
        return [rendered ? { ...unchecked, reason: `rendered by the Kubernetes provider's ${rendered.tool}, which does not run offline` } : unchecked];
    });
    return {
        reportVersion: REPORT_VERSION,
        project: args.project,
        stack: args.stack,
        policyPack: { name: run.info.name, version: run.info.version, path: path.resolve(args.packDir) },
        resources: args.recorded.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent ?? null, ...(r.read ? { read: true as const } : {}) })),
        violations,
        notCheckedOffline,
        warnings: [...args.warnings, ...run.configWarnings],
        projectDir: path.resolve(args.projectDir),
        summary: {
            resources: view.stack.length,
            read: args.recorded.resources.filter((r) => r.read).length,
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
