/** `tagguard check`: run a program for a preview and hand its resources to the policy pack as the engine would. */
import * as fs from "fs";
import { policyConfigSchemas } from "../../policies/all";
import { PolicyConfigError, type GivenPolicyConfig } from "../engine/policy-config";
import { openPackSession, type PackRun } from "../engine/session";
import { UsageError, shownPath } from "../input";
import { jsonText } from "../output";
import { readStackConfig, type StackConfig } from "./config";
import { engineView, type EngineView } from "./engine-view";
import { markBaseline, type Baseline } from "../findings";
import { formatGithub, formatMarkdown, formatSarif, formatText, type Format } from "./formats";
import { RENDERING_INVOKES } from "./kubernetes-mocks";
import { chooseStack, readProject, type PulumiProject } from "./project";
import type { RecordedProgram } from "./recorded";
import { buildReport, type CheckReport } from "./report";
import { ProgramStopped, runProgram } from "./run-program";

export interface CheckOptions {
    programDir: string;
    stack?: string;
    /** `--config key=value`, each overriding the stack file. */
    config?: readonly string[];
    policyPack: string;
    policyConfig: GivenPolicyConfig;
    policyConfigSource?: string;
    organization: string;
    typeCheck?: boolean;
    timeoutMs?: number;
    /** Progress lines (a terminal shows them). */
    progress?: (message: string) => void;
    /** A previous report: findings it has are marked existing. */
    baseline?: Baseline;
}

export interface CheckOutcome {
    report: CheckReport;
    render(format: Format): string;
}

export async function check(opts: CheckOptions): Promise<CheckOutcome> {
    const project = readProject(opts.programDir);
    const stackRef = chooseStack(project, opts.stack);
    const stack = readStackConfig({ project, stack: stackRef, overrides: opts.config });
    if (!fs.existsSync(opts.policyPack) || !fs.statSync(opts.policyPack).isDirectory()) throw new UsageError(`--policy-pack ${shownPath(opts.policyPack)}: no such directory`);
    const organization = stack.organization ?? opts.organization;
    const progress = opts.progress ?? (() => undefined);
    progress("starting the program and the policy pack");
    // The pack starts while the program runs, as the engine starts analyzers before the program registers anything.
    // A pack that cannot start (or a config it refuses) ends the run at once, not when the program ends.
    const packFailed = new AbortController();
    const [session, program] = await Promise.allSettled([
        openPackSession({
            packDir: opts.policyPack,
            identity: { organization, project: project.name, stack: stack.stack, dryRun: true, config: stack.config },
            policyConfig: opts.policyConfig,
            policyConfigSource: opts.policyConfigSource,
            packSchemas: policyConfigSchemas(),
        }).catch((e: unknown) => {
            packFailed.abort();
            throw e;
        }),
        runProgram({ project, stack, organization, typeCheck: opts.typeCheck, timeoutMs: opts.timeoutMs, signal: packFailed.signal, onProgress: (n) => progress(`program: ${n} resources registered`) }),
    ]);
    if (session.status === "rejected") {
        // An invalid config stops the run whatever the program does; otherwise a program that failed on its own comes first.
        if (program.status === "rejected" && !(program.reason instanceof ProgramStopped) && !(session.reason instanceof PolicyConfigError)) throw program.reason;
        throw session.reason;
    }
    try {
        if (program.status === "rejected") throw program.reason;
        const { recorded } = program.value;
        const view = engineView(recorded, project, stack);
        const run = await session.value.analyze(view.analyzed, view.stack, (done, total) => progress(`policy pack: ${done} of ${total} resources analyzed`));
        return outcome(project, stack, opts.policyPack, view, run, recorded, opts.baseline);
    } finally {
        await session.value.close();
    }
}

function outcome(project: PulumiProject, stack: StackConfig, packDir: string, view: EngineView, run: PackRun, recorded: RecordedProgram, baseline: Baseline | undefined): CheckOutcome {
    const warnings = [
        // A chart's or kustomization's rendering is reported with its component, as not checked offline.
        ...recorded.unmockedCalls.filter((c) => !RENDERING_INVOKES.has(c.token)).map((c) => `data source ${c.token} has no tagguard mock (called ${c.count} time${c.count === 1 ? "" : "s"}): it answered empty`),
        ...(recorded.offlineGaps ?? []),
        ...stack.undecrypted.map((k) => `config ${k} holds encrypted values tagguard cannot decrypt (set PULUMI_CONFIG_PASSPHRASE for a passphrase stack): the program sees a placeholder, and provider settings made from it are unknown`),
        ...(recorded.logs ?? []).filter((l) => l.severity === "warning").map((l) => `the program: ${l.message}`),
    ];
    const report = buildReport({ project: project.name, projectDir: project.dir, stack: stack.stack, packDir, view, run, warnings, recorded });
    if (baseline) report.summary.baseline = markBaseline(report.violations, (v) => v.urn, baseline);
    return {
        report,
        render(format) {
            switch (format) {
                case "json": return jsonText(report);
                case "sarif": return jsonText(formatSarif(report, run.info.policies, project.entry));
                case "github": return formatGithub(report, project.entry);
                case "markdown": return formatMarkdown(report);
                case "text": return formatText(report);
            }
        },
    };
}
