/** `tagguard check`: run a program under mocks and hand its resources to the policy pack as the engine would. */
import * as fs from "fs";
import { readPolicyPackConfigFile } from "../engine/policy-config";
import { openPackSession, type PackRun } from "../engine/session";
import { engineView, type EngineView } from "./engine-view";
import { formatGithub, formatSarif, formatText, type Format } from "./formats";
import { chooseStack, readProject, readStackConfig, UsageError, type PulumiProject } from "./project";
import type { RecordedProgram } from "./recorded";
import { buildReport, type CheckReport } from "./report";
import { runProgram } from "./run-program";

export interface CheckOptions {
    programDir: string;
    stack?: string;
    policyPack: string;
    policyPackConfig?: string;
    organization: string;
    typeCheck?: boolean;
}

export interface CheckOutcome {
    report: CheckReport;
    render(format: Format): string;
}

export async function check(opts: CheckOptions): Promise<CheckOutcome> {
    const project = readProject(opts.programDir);
    const stack = readStackConfig(project, chooseStack(project, opts.stack));
    const policyConfig = readPolicyPackConfigFile(opts.policyPackConfig);
    if (!fs.existsSync(opts.policyPack)) throw new UsageError(`${opts.policyPack}: policy pack directory not found`);
    // The pack starts while the program runs, as the engine starts analyzers before the program registers anything.
    const [session, program] = await Promise.allSettled([
        openPackSession({
            packDir: opts.policyPack,
            identity: { organization: opts.organization, project: project.name, stack: stack.stack, dryRun: true, config: stack.config },
            policyConfig,
            policyConfigSource: opts.policyPackConfig,
        }),
        runProgram({ project, stack, organization: opts.organization, typeCheck: opts.typeCheck }),
    ]);
    if (session.status === "rejected") {
        if (program.status === "rejected") throw program.reason; // the program's own failure comes first
        throw session.reason;
    }
    try {
        if (program.status === "rejected") throw program.reason;
        const { recorded } = program.value;
        const view = engineView(recorded, project, stack);
        const run = await session.value.analyze(view.analyzed, view.stack);
        return outcome(project, stack.stack, opts.policyPack, view, run, recorded);
    } finally {
        await session.value.close();
    }
}

function outcome(project: PulumiProject, stack: string, packDir: string, view: EngineView, run: PackRun, recorded: RecordedProgram): CheckOutcome {
    const warnings = recorded.unmockedCalls.map((c) => `data source ${c.token} has no tagguard mock (called ${c.count} time${c.count === 1 ? "" : "s"}): it answered empty`);
    const report = buildReport({ project: project.name, stack, packDir, view, run, warnings });
    return {
        report,
        render(format) {
            switch (format) {
                case "json": return JSON.stringify(report, null, 2);
                case "sarif": return JSON.stringify(formatSarif(report, run.info.policies, project.entry), null, 2);
                case "github": return formatGithub(report, project.entry);
                case "text": return formatText(report);
            }
        },
    };
}
