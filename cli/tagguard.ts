/** The `tagguard` command. */
import * as fs from "fs";
import * as path from "path";
import { Command, InvalidArgumentError, Option } from "commander";
import { PolicyConfigError, readPolicyPackConfigFile } from "./engine/policy-config";
import { PolicyPackError } from "./engine/policy-pack-process";
import { check } from "./check/check";
import { FORMATS, type Format } from "./check/formats";
import { ProgramError } from "./check/run-program";
import { audit, auditConfig } from "./audit/audit";
import { AUDIT_FORMATS, renderAudit, type AuditFormat } from "./audit/formats";
import { loadStateFiles } from "./audit/state";
import { markBaseline, planScope, readBaseline } from "./findings";
import { MAX_NESTING, UsageError, isStackOverflow, uniqueInputs } from "./input";
import { OutputError, ReaderGone, appendJobSummary, outputTarget, writeOutput, writeStdout } from "./sink";
import { PLAN_FORMATS, renderPlan, type PlanFormat } from "./plan/formats";
import { planReport } from "./plan/plan";
import { runCleanups } from "./lifecycle";
import { visible, visibleLines } from "./output";
import { attributionReport, type AllocationMethod } from "./report/report";
import { REPORT_FORMATS, renderReport, type ReportFormat } from "./report/formats";
import { billingFiles } from "./report/inputs";
import { readModelsFile } from "./report/models";
import { BillingInputError, type CostMeasure, type Schema } from "./report/sources";
import { IDLE_MODES, type IdleMode } from "./report/split";
import { parseIsoDay, valueProblem } from "../tagset/rules";
import { shownValue } from "../tagset/text";
import { isAttributionKey, type AttributionTagKey } from "../tagset/vocabulary";

/** Exit codes: 0 no mandatory violation, 1 at least one (or a gate not met), 2 usage error, invalid config, or a program that fails to run. */
export const EXIT = { ok: 0, violations: 1, error: 2 } as const;

/** The pack shipped with tagguard (`policies/` beside the CLI bundle in `cli/dist/`). */
const DEFAULT_PACK = path.resolve(__dirname, "..", "..", "policies");

/** tagguard's package.json (beside `cli/` in the package). */
function manifest(): { version?: string; engines?: { node?: string } } {
    try {
        return JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "package.json"), "utf8")) as { version?: string; engines?: { node?: string } };
    } catch {
        return {};
    }
}

/** tagguard's version, from its package.json. */
export const version = (): string => manifest().version ?? "unknown";

/**
 * The Node.js lines tagguard supports and tests (`engines.node`, `^22.11.0 || ^24.11.0`): a warning on any
 * other, since nothing is tested there (Node.js 20 reached its end of life in April 2026, and newer
 * `@pulumi/pulumi` releases refuse it). It runs on anyway.
 */
export function nodeLineWarning(nodeVersion: string = process.versions.node, engines: string | undefined = manifest().engines?.node): string | undefined {
    const lines = [...(engines ?? "").matchAll(/\^(\d+)\./g)].map((m) => m[1]);
    const major = nodeVersion.split(".")[0];
    if (!lines.length || lines.includes(major)) return undefined;
    return `Node.js ${nodeVersion} is not a line tagguard supports and tests (${lines.join(", ")}); it runs, but upgrade Node.js before reporting a problem`;
}

const KNOWN_ERRORS = [UsageError, ProgramError, PolicyConfigError, PolicyPackError, BillingInputError, OutputError];

/**
 * Any failure as one line on stderr (a config error lists one problem per line), exit 2; a stack trace
 * only with TAGGUARD_DEBUG=1. A reader that stopped reading (EPIPE) ends the run quietly, exit 2: its
 * verdict was not delivered.
 */
function fail(e: unknown): never {
    runCleanups();
    if (e instanceof ReaderGone) process.exit(EXIT.error);
    const known = KNOWN_ERRORS.some((k) => e instanceof k) || isStackOverflow(e);
    // A walk that found no bound of its own: the input is what is wrong, not tagguard.
    const message = isStackOverflow(e) ? `an input is nested deeper than tagguard can follow (more than ${MAX_NESTING} levels)` : e instanceof Error ? e.message : String(e);
    process.stderr.write(`tagguard: ${known ? visibleLines(message) : `internal error: ${visibleLines(message.split("\n")[0])} (TAGGUARD_DEBUG=1 shows where; please report it)`}\n`);
    if (process.env.TAGGUARD_DEBUG === "1" && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    process.exit(EXIT.error);
}

/** Progress on stderr when it is a terminal: one line, rewritten in place. */
function progressLine(): { show: (message: string) => void; done: () => void } {
    if (!process.stderr.isTTY) return { show: () => undefined, done: () => undefined };
    const started = Date.now();
    let last = 0;
    return {
        show: (message) => {
            const now = Date.now();
            if (now - last < 100) return;
            last = now;
            process.stderr.write(`\r\x1b[2K[${((now - started) / 1000).toFixed(1)}s] ${message}`);
        },
        done: () => process.stderr.write("\r\x1b[2K"),
    };
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** What `check` reads: the project folder (every file under it), the pack, its config, the baseline. */
const checkInputs = (programDir: string, opts: { policyPack: string; policyPackConfig?: string; baseline?: string }): string[] =>
    [programDir, opts.policyPack, ...(opts.policyPackConfig ? [opts.policyPackConfig] : []), ...(opts.baseline ? [opts.baseline] : [])];

export function program(): Command {
    const cli = new Command("tagguard")
        .description("Cost attribution tags for ML infrastructure on AWS, enforced before anything is created.")
        .version(version(), "-V, --version", "print tagguard's version")
        .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : EXIT.error))
        // A usage mistake is one line, like every other failure; the values it quotes are the user's.
        .configureOutput({ outputError: (text, write) => write(`tagguard: ${visible(text.trim().replace(/^error: /, ""), { max: 400 })} (see --help)\n`) });
    cli.command("check")
        .description("Run a Pulumi program for a preview, as the Pulumi CLI's Node language host runs it, and check it against the policy pack as `pulumi preview --policy-pack` would.")
        .argument("[program-dir]", "directory of the Pulumi project (with Pulumi.yaml)", ".")
        .option("--stack <name>", "stack whose Pulumi.<stack>.yaml config to use (stack, org/stack or org/project/stack); default: the only stack file, else dev without one")
        .option("-c, --config <key=value>", "config value for this run, as pulumi's --config (repeatable); overrides the stack file", collect, [])
        .option("--policy-pack <dir>", "policy pack directory", DEFAULT_PACK)
        .option("--policy-pack-config <file>", "policy pack config JSON, as for pulumi --policy-pack-config")
        .addOption(new Option("--format <format>", "output format").choices(FORMATS).default("text"))
        .option("--organization <name>", "organization name the program and pack see (or give --stack org/stack)", "organization")
        .option("--type-check", "type-check a TypeScript program as `pulumi preview` does (slower)", false)
        .option("--timeout <seconds>", "stop a program that runs longer than this", parsePositive, 600)
        .option("--fail-on-unchecked", "exit 1 when a component (remote, or rendered by a provider-side tool) could not be checked offline", false)
        .option("--baseline <report>", "a previous `--format json` report: findings it has are marked existing, and only new mandatory ones fail the run")
        .action(async (programDir: string, opts: { stack?: string; config: string[]; policyPack: string; policyPackConfig?: string; format: Format; organization: string; typeCheck: boolean; timeout: number; failOnUnchecked: boolean; baseline?: string }) => {
            const progress = progressLine();
            try {
                todayFromEnvironment(); // an invalid TAGGUARD_TODAY stops the run here, not silently in the pack
                const baseline = opts.baseline === undefined ? undefined : readBaseline(opts.baseline, "urn");
                const outcome = await check({
                    programDir, stack: opts.stack, config: opts.config, policyPack: opts.policyPack,
                    policyConfig: readPolicyPackConfigFile(opts.policyPackConfig), policyConfigSource: opts.policyPackConfig,
                    organization: opts.organization, typeCheck: opts.typeCheck, timeoutMs: opts.timeout * 1000, progress: progress.show, baseline,
                });
                progress.done();
                writeStdout(`${outcome.render(opts.format)}\n`);
                appendJobSummary(() => outcome.render("markdown"), checkInputs(programDir, opts));
                const { summary } = outcome.report;
                const mandatory = summary.baseline ? summary.baseline.newMandatory : summary.violations.mandatory;
                process.exitCode = mandatory > 0 || (opts.failOnUnchecked && summary.unchecked > 0) ? EXIT.violations : EXIT.ok;
            } catch (e) {
                progress.done();
                fail(e);
            }
        });
    cli.command("audit")
        .description("Attribution coverage of deployed stacks, from `pulumi stack export` files or a DIY backend's state files; touches nothing.")
        .argument("<state...>", "stack export files (deployment version 3) or backend state files (.json, .json.gz), or folders of them")
        .option("--policy-pack-config <file>", "the pack's config: scope and exemptions of required-tags, value rules of tag-values")
        .addOption(new Option("--format <format>", "output format").choices(AUDIT_FORMATS).default("text"))
        .option("--fail-under <pct>", "exit 1 when attributable coverage is below this percentage", parsePercent)
        .option("--today <date>", "the date expiry is judged against (YYYY-MM-DD; default today)", parseDay)
        .option("--out <path>", "write the output to a file instead of standard output")
        .action((states: string[], opts: { policyPackConfig?: string; format: AuditFormat; failUnder?: number; today?: Date; out?: string }) => {
            const progress = progressLine();
            try {
                const config = auditConfig(readPolicyPackConfigFile(opts.policyPackConfig), opts.today ?? todayFromEnvironment(), opts.policyPackConfig);
                const { results, warnings } = loadStateFiles(states, progress.show);
                progress.show("auditing");
                const inputs = [...results.map((r) => (r.ok ? r.stack.file : r.file)), ...(opts.policyPackConfig ? [opts.policyPackConfig] : [])];
                if (opts.out) outputTarget(opts.out, inputs);
                const report = audit(results, config, warnings);
                progress.done();
                // With no stack read there is nothing to report: the errors say why.
                if (report.summary.stacks > 0) {
                    writeOutput(`${renderAudit(report, opts.format)}\n`, opts.out, inputs);
                }
                for (const e of report.errors) process.stderr.write(`tagguard: ${visible(e.file)}: ${visible(e.error, { max: 400 })}\n`);
                const unreadable = report.errors.length > 0;
                // Nothing in scope cannot meet a coverage gate: there is nothing that shows coverage.
                const under = opts.failUnder !== undefined && (report.summary.coverage === null || report.summary.coverage * 100 < opts.failUnder);
                if (under && !unreadable && report.summary.coverage === null) process.stderr.write("tagguard: --fail-under: no resource in scope, so coverage cannot be measured\n");
                process.exitCode = unreadable ? EXIT.error : under ? EXIT.violations : EXIT.ok;
            } catch (e) {
                progress.done();
                fail(e);
            }
        });
    cli.command("plan")
        .description("Check Terraform or OpenTofu plans (`terraform show -json PLANFILE`) against the pack's policies: the same vocabulary, config and rules as the pack.")
        .argument("<plans...>", "plan JSON files")
        .option("--policy-pack-config <file>", "the pack's config, as for pulumi --policy-pack-config")
        .addOption(new Option("--format <format>", "output format").choices(PLAN_FORMATS).default("text"))
        .option("--out <path>", "write the output to a file instead of standard output")
        .option("--baseline <report>", "a previous `--format json` report: findings it has are marked existing, and only new mandatory ones fail the run")
        .action(async (plans: string[], opts: { policyPackConfig?: string; format: PlanFormat; out?: string; baseline?: string }) => {
            try {
                todayFromEnvironment();
                const baseline = opts.baseline === undefined ? undefined : readBaseline(opts.baseline, "address");
                const files = uniqueInputs(plans);
                for (const w of files.warnings) process.stderr.write(`tagguard: warning: ${w}\n`);
                const inputs = [...files.files, ...(opts.policyPackConfig ? [opts.policyPackConfig] : []), ...(opts.baseline ? [opts.baseline] : [])];
                if (opts.out) outputTarget(opts.out, inputs);
                const report = await planReport({ files: files.files, policyConfig: readPolicyPackConfigFile(opts.policyPackConfig), policyConfigSource: opts.policyPackConfig });
                if (baseline) report.summary.baseline = markBaseline(report.violations, (v) => v.address, baseline, (v) => planScope(v.file));
                writeOutput(`${renderPlan(report, opts.format)}\n`, opts.out, inputs);
                appendJobSummary(() => renderPlan(report, "markdown"), inputs, opts.out);
                const mandatory = report.summary.baseline ? report.summary.baseline.newMandatory : report.summary.violations.mandatory;
                process.exitCode = mandatory > 0 ? EXIT.violations : EXIT.ok;
            } catch (e) {
                fail(e);
            }
        });
    cli.command("report")
        .description("Cost by model, team and lifecycle phase from billing exports (FOCUS 1.0-1.2, AWS CUR 2.0), reconciled to the bill.")
        .argument("<files...>", "CSV, CSV.gz or Parquet exports; globs are expanded")
        .addOption(new Option("--schema <schema>", "export format (default: told by the export's columns)").choices(["focus", "cur2"]))
        .addOption(new Option("--cost <measure>", "effective (amortized) or billed (invoiced)").choices(["effective", "billed"]).default("effective"))
        .option("--period <YYYY-MM>", "only this billing period", parsePeriod)
        .addOption(new Option("--format <format>", "output format (csv: chargeback records)").choices(REPORT_FORMATS).default("text"))
        .option("--out <path>", "write the output to a file instead of standard output")
        .option("--fail-under <pct>", "exit 1 when the dollar-weighted coverage of the required set is below this percentage", parsePercent)
        .addOption(new Option("--allocation <method>", "how shared cost (model_id = shared) is split across teams").choices(["even", "proportional", "model-count"]).default("proportional"))
        .addOption(new Option("--idle <mode>", "shared EKS nodes' unallocated capacity (split cost allocation data): reported apart on the nodes' own tags, or spread over the pods as AWS does").choices(IDLE_MODES).default("separate"))
        .option("--allocate-unallocated", "split unallocated usage across teams too", false)
        .option("--alias <raw=key...>", "extra tag key aliases, e.g. --alias owner_team=team", parseAliases, {})
        .option("--anomaly-warning <z>", "z-score of a WARNING anomaly", parsePositive, 3)
        .option("--anomaly-critical <z>", "z-score of a CRITICAL anomaly", parsePositive, 5)
        .option("--models <file>", "per model_id: monthly_predictions, monthly_value_usd, benchmark_cost_per_1k_usd, owner_team (YAML or JSON)")
        .option("--team <name>", "only this team's showback page (and its chargeback records)")
        .option("--chargeback-source <team>", "the team chargeback records are billed from", "platform")
        .action(async (files: string[], opts: { schema?: Schema; idle: IdleMode; cost: CostMeasure; period?: string; format: ReportFormat; out?: string; failUnder?: number; allocation: AllocationMethod; allocateUnallocated: boolean; alias: Record<string, AttributionTagKey>; anomalyWarning: number; anomalyCritical: number; models?: string; team?: string; chargebackSource: string }) => {
            try {
                const tty = process.stderr.isTTY;
                const started = Date.now();
                const inputs = billingFiles(files);
                for (const w of inputs.warnings) process.stderr.write(`tagguard: warning: ${w}\n`);
                const readFiles = [...inputs.files, ...(opts.models ? [opts.models] : [])];
                if (opts.out) outputTarget(opts.out, readFiles);
                const models = opts.models === undefined ? undefined : readModelsFile(opts.models);
                if (opts.team !== undefined && !opts.team.trim()) throw new UsageError("--team: empty name (an unset variable?)");
                const source = valueProblem("team", opts.chargebackSource);
                if (source) throw new UsageError(`--chargeback-source: ${shownValue(opts.chargebackSource)} ${source} (it is a team)`);
                const report = await attributionReport({
                    files: inputs.files, schema: opts.schema, measure: opts.cost, period: opts.period, aliases: opts.alias, idle: opts.idle,
                    allocation: opts.allocation, allocateUnallocated: opts.allocateUnallocated, models, chargebackSource: opts.chargebackSource,
                    anomaly: { warning: opts.anomalyWarning, critical: opts.anomalyCritical, baselineDays: 14 },
                    progress: tty ? (m) => process.stderr.write(`\r\x1b[2K[${((Date.now() - started) / 1000).toFixed(1)}s] ${m}`) : undefined,
                });
                if (tty) process.stderr.write("\r\x1b[2K");
                if (opts.team !== undefined && !report.teams.some((t) => t.team === opts.team)) {
                    throw new UsageError(`--team ${shownValue(opts.team)}: no attributed cost for that team in ${report.periods[report.periods.length - 1] ?? "the exports"} (teams: ${report.teams.map((t) => t.team).join(", ") || "none"})`);
                }
                writeOutput(`${renderReport(report, opts.format, opts.team)}\n`, opts.out, readFiles);
                process.exitCode = opts.failUnder !== undefined && report.coverageAll * 100 < opts.failUnder ? EXIT.violations : EXIT.ok;
            } catch (e) {
                fail(e);
            }
        });
    return cli;
}

function parsePeriod(value: string): string {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw new InvalidArgumentError("a billing period as YYYY-MM");
    return value;
}

function parseAliases(value: string, previous: Record<string, AttributionTagKey>): Record<string, AttributionTagKey> {
    const [raw, key, extra] = value.split("=");
    if (!raw?.trim() || !key || extra !== undefined || !isAttributionKey(key)) throw new InvalidArgumentError("raw=key, where key is an attribution key (team, cost_center, ...)");
    return { ...previous, [raw]: key };
}

function parseNumber(value: string): number {
    const n = value.trim() === "" ? NaN : Number(value);
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`${shownValue(value)} is not a number`);
    return n;
}

function parsePercent(value: string): number {
    const n = parseNumber(value);
    if (n < 0 || n > 100) throw new InvalidArgumentError("a percentage from 0 to 100");
    return n;
}

function parsePositive(value: string): number {
    const n = parseNumber(value);
    if (n <= 0) throw new InvalidArgumentError("a number greater than 0");
    return n;
}

/** TAGGUARD_TODAY (YYYY-MM-DD) fixes "today" for reproducible runs; an invalid value is an error, not ignored. */
function todayFromEnvironment(): Date {
    const fixed = process.env.TAGGUARD_TODAY;
    if (fixed === undefined) return new Date();
    try {
        return parseDay(fixed);
    } catch {
        throw new UsageError(`TAGGUARD_TODAY=${shownValue(fixed)}: expected a calendar date as YYYY-MM-DD`);
    }
}

function parseDay(value: string): Date {
    const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? parseIsoDay(value) : undefined;
    if (day === undefined) throw new InvalidArgumentError("a calendar date as YYYY-MM-DD");
    return new Date(day * 86_400_000);
}

/** Runs the command line: signals stop child processes, any failure is one line and exit 2. */
export function main(argv: string[]): Promise<unknown> {
    // Help and usage text go through the streams: a reader that stops early ends the run quietly there too.
    process.stdout.on("error", (e: NodeJS.ErrnoException) => fail(e.code === "EPIPE" ? new ReaderGone("standard output") : new OutputError(`standard output: could not be written in full (${e.code ?? e.message})`)));
    process.stderr.on("error", () => process.exit(process.exitCode ?? EXIT.error));
    const unsupported = nodeLineWarning();
    if (unsupported) process.stderr.write(`tagguard: warning: ${unsupported}\n`);
    return program().parseAsync(argv).catch(fail);
}

if (require.main === module) void main(process.argv);
