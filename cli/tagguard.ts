/** The `tagguard` command. */
import * as path from "path";
import { Command, Option } from "commander";
import { PolicyConfigError } from "./engine/policy-config";
import { PolicyPackStartError } from "./engine/policy-pack-process";
import { check } from "./check/check";
import { FORMATS, type Format } from "./check/formats";
import { UsageError } from "./check/project";
import { ProgramError } from "./check/run-program";

/** Exit codes: 0 no mandatory violation, 1 at least one, 2 usage error, invalid config, or a program that fails to run. */
export const EXIT = { ok: 0, violations: 1, error: 2 } as const;

/** The pack shipped with tagguard (`policies/` beside the CLI bundle in `cli/dist/`). */
const DEFAULT_PACK = path.resolve(__dirname, "..", "..", "policies");

function fail(e: unknown): never {
    const known = e instanceof UsageError || e instanceof ProgramError || e instanceof PolicyConfigError || e instanceof PolicyPackStartError;
    process.stderr.write(`tagguard: ${known ? e.message : e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(EXIT.error);
}

export function program(): Command {
    const cli = new Command("tagguard")
        .description("Cost attribution tags for ML infrastructure on AWS, enforced before anything is created.")
        .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : EXIT.error))
        .showHelpAfterError();
    cli.command("check")
        .description("Run a Pulumi program offline under mocks and check it against the policy pack, as `pulumi preview --policy-pack` would.")
        .argument("[program-dir]", "directory of the Pulumi project (with Pulumi.yaml)", ".")
        .option("--stack <name>", "stack whose Pulumi.<stack>.yaml config to use (default: the only stack file, else dev)")
        .option("--policy-pack <dir>", "policy pack directory", DEFAULT_PACK)
        .option("--policy-pack-config <file>", "policy pack config JSON, as for pulumi --policy-pack-config")
        .addOption(new Option("--format <format>", "output format").choices(FORMATS).default("text"))
        .option("--organization <name>", "organization name the program and pack see", "organization")
        .option("--type-check", "type-check a TypeScript program as the Pulumi CLI does (slower)", false)
        .action(async (programDir: string, opts: { stack?: string; policyPack: string; policyPackConfig?: string; format: Format; organization: string; typeCheck: boolean }) => {
            try {
                const outcome = await check({ programDir, ...opts });
                process.stdout.write(`${outcome.render(opts.format)}\n`);
                process.exitCode = outcome.report.summary.violations.mandatory > 0 ? EXIT.violations : EXIT.ok;
            } catch (e) {
                fail(e);
            }
        });
    return cli;
}

if (require.main === module) {
    program().parseAsync(process.argv).catch(fail);
}
