/**
 * What a team meets on day two: findings at their line, a baseline for pull requests, GitHub's
 * annotation limits and job summary, for `check` and `plan`.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { CheckReport } from "../../cli/check/report";
import { messageKind } from "../../cli/findings";
import type { PlanReport } from "../../cli/plan/plan";

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "cli", "bin", "tagguard.js");
const PROGRAMS = path.join(ROOT, "test", "fixtures", "programs");
const LEGACY = path.join(ROOT, "examples", "legacy-untagged");
const UNTAGGED_PLAN = path.join(ROOT, "examples", "terraform", "untagged", "plan.json");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tagguard-teams-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function tagguard(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT) {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", env: { ...process.env, TAGGUARD_TODAY: "2026-11-28", GITHUB_ACTIONS: "", ...env }, timeout: 120_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("locations", () => {
    const program = path.join(PROGRAMS, "component-locations");
    let report: CheckReport;
    beforeAll(() => {
        report = JSON.parse(tagguard(["check", program, "--format", "json"]).stdout) as CheckReport;
    });
    const find = (name: string, policy: string) => report.violations.find((v) => v.name === name && v.policy === policy)!;

    test("a resource: the line that constructed it, relative to the project", () => {
        expect(find("direct", "required-tags").location).toEqual({ file: "index.ts", line: 6, column: 1 });
        expect(find("direct", "required-tags").definedAt).toBeUndefined();
    });

    test("a resource a component of the project creates: the line that constructed the component, and the line inside it", () => {
        const v = find("fraud-features", "required-tags");
        expect(v.location).toEqual({ file: "index.ts", line: 8, column: 1 });
        expect(v.definedAt).toEqual({ file: "lib/platform.ts", line: 13, column: 9 });
    });

    test("text, SARIF and GitHub point at the line, relative to the working directory", () => {
        const text = tagguard(["check", program]).stdout;
        expect(text).toMatch(/\(aws:s3\/bucket:Bucket: fraud-features\) at test\/fixtures\/programs\/component-locations\/index\.ts:8 \(created at test\/fixtures\/programs\/component-locations\/lib\/platform\.ts:13\)\n/);
        expect(text).toMatch(/\(aws:s3\/bucket:Bucket: direct\) at test\/fixtures\/programs\/component-locations\/index\.ts:6\n/);
        const sarif = JSON.parse(tagguard(["check", program, "--format", "sarif"]).stdout);
        const result = sarif.runs[0].results.find((r: { message: { text: string } }) => r.message.text.startsWith("aws:s3/bucket:Bucket fraud-features"));
        expect(result.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "test/fixtures/programs/component-locations/index.ts", uriBaseId: "%SRCROOT%" }, region: { startLine: 8, startColumn: 1 } });
        expect(result.relatedLocations[0].physicalLocation.region).toEqual({ startLine: 13, startColumn: 9 });
        const github = tagguard(["check", program, "--format", "github"]).stdout;
        expect(github).toMatch(/^::error file=test\/fixtures\/programs\/component-locations\/index\.ts,line=8,col=1,title=tagguard required-tags%3A aws%3As3\/bucket%3ABucket fraud-features::urn:\S+ \(created at test\/fixtures\/programs\/component-locations\/lib\/platform\.ts:13\)%0A/m);
        const markdown = tagguard(["check", program, "--format", "markdown"]).stdout;
        expect(markdown).toMatch(/\| aws:s3\/bucket:Bucket fraud-features \| test\/fixtures\/programs\/component-locations\/index\.ts:8 \(created at test\/fixtures\/programs\/component-locations\/lib\/platform\.ts:13\) \|/);
    });

    test("advice names the provider: an explicit one without default tags is not told to run `pulumi config set`", () => {
        expect(find("on-west", "required-tags").message).toMatch(/It uses provider `west`, whose `defaultTags` set none/);
        expect(find("on-west", "required-tags").message).not.toMatch(/pulumi config set/);
        expect(find("direct", "required-tags").message).toMatch(/The default AWS provider's default tags \(stack config `aws:defaultTags`\) do not set them/);
    });

    test("text prints each policy's repeated fix once", () => {
        const text = tagguard(["check", LEGACY]).stdout;
        // Once per provider package: the aws and the aws-native fixes differ.
        expect(text.match(/pulumi config set --path 'aws:defaultTags/g)).toHaveLength(1);
        expect(text.match(/pulumi config set --path 'aws-native:defaultTags/g)).toHaveLength(1);
        expect(text).toMatch(/\nHow to fix:\n {4}required-tags: Set them once for every resource of the default provider in the stack file/);
        expect(text.match(/Give the launch template `tagSpecifications`/g)).toHaveLength(1);
    });
});

describe("a baseline: only what a change adds fails", () => {
    test("check: against its own report nothing is new (exit 0); a new untagged resource is new (exit 1); removed ones are fixed", () => {
        const baseline = path.join(dir, "legacy.json");
        fs.writeFileSync(baseline, tagguard(["check", LEGACY, "--format", "json"]).stdout);
        const same = tagguard(["check", LEGACY, "--baseline", baseline, "--format", "json"]);
        expect(same.code).toBe(0);
        const r = JSON.parse(same.stdout) as CheckReport;
        expect(r.summary.baseline).toMatchObject({ new: 0, existing: r.violations.length, fixed: 0, newMandatory: 0 });
        expect(tagguard(["check", LEGACY, "--baseline", baseline]).stdout).toMatch(/Against the baseline .*legacy\.json: 0 new \(0 mandatory\), 25 existing, 0 fixed\. Only new mandatory findings fail the run\./);

        // The baseline without two findings: those are new; one finding the baseline has and the run does not is fixed.
        const edited = JSON.parse(fs.readFileSync(baseline, "utf8")) as CheckReport;
        const dropped = edited.violations.filter((v) => v.name === "ml-vpc" || v.name === "ml-eks");
        edited.violations = [...edited.violations.filter((v) => !dropped.includes(v)), { ...dropped[0], urn: dropped[0].urn.replace("ml-vpc", "old-vpc") }];
        fs.writeFileSync(baseline, JSON.stringify(edited));
        const changed = tagguard(["check", LEGACY, "--baseline", baseline, "--format", "json"]);
        expect(changed.code).toBe(1);
        const c = JSON.parse(changed.stdout) as CheckReport;
        expect(c.summary.baseline).toMatchObject({ new: 2, newMandatory: 2, fixed: 1 });
        expect(c.violations.filter((v) => v.baseline === "new").map((v) => v.name).sort()).toEqual(["ml-eks", "ml-vpc"]);
        const github = tagguard(["check", LEGACY, "--baseline", baseline, "--format", "github"]).stdout;
        expect(github.split("\n").filter((l) => l.startsWith("::error"))).toHaveLength(2);
    });

    test("the kind of a finding ignores the values it quotes", () => {
        expect(messageKind("Missing required tags: `team` (looked at tags).")).toBe("Missing required tags");
        expect(messageKind("Missing required tags: `team`, `project` (looked at tagsAll).")).toBe("Missing required tags");
        expect(messageKind("This autoscaling group launches from launch template `lt-a`, whose ...")).toBe("This autoscaling group launches from launch template");
    });

    test("plan: against its own report nothing is new; a report of another command is refused", () => {
        const baseline = path.join(dir, "plan.json");
        fs.writeFileSync(baseline, tagguard(["plan", UNTAGGED_PLAN, "--format", "json"]).stdout);
        const same = tagguard(["plan", UNTAGGED_PLAN, "--baseline", baseline, "--format", "json"]);
        expect(same.code).toBe(0);
        expect((JSON.parse(same.stdout) as PlanReport).summary.baseline).toMatchObject({ new: 0, fixed: 0, newMandatory: 0 });
        const checkReport = path.join(dir, "check.json");
        fs.writeFileSync(checkReport, tagguard(["check", LEGACY, "--format", "json"]).stdout);
        const wrong = tagguard(["plan", UNTAGGED_PLAN, "--baseline", checkReport]);
        expect(wrong.code).toBe(2);
        expect(wrong.stderr).toMatch(/--baseline .*check\.json: its findings have no `address`; give a report of the same command/);
        const notReport = tagguard(["plan", UNTAGGED_PLAN, "--baseline", UNTAGGED_PLAN]);
        expect(notReport.code).toBe(2);
        expect(notReport.stderr).toMatch(/not a tagguard --format json report/);
    });

    test("plan with several plans: a finding matches only in its own plan; one plan renamed still matches", () => {
        const plans = path.join(dir, "plans");
        fs.mkdirSync(plans, { recursive: true });
        const untagged = JSON.parse(fs.readFileSync(UNTAGGED_PLAN, "utf8")) as { resource_changes: { address: string }[] };
        const bucketOnly = (address: string) => ({ ...untagged, resource_changes: untagged.resource_changes.filter((c) => c.address === address) });
        // dev has the untagged feature store; prod does not, yet.
        fs.writeFileSync(path.join(plans, "dev.json"), JSON.stringify(bucketOnly("aws_s3_bucket.features")));
        fs.writeFileSync(path.join(plans, "prod.json"), JSON.stringify(bucketOnly("aws_msk_cluster.events")));
        const baseline = path.join(dir, "stacks-baseline.json");
        const run = (extra: string[]) => tagguard(["plan", "plans/dev.json", "plans/prod.json", ...extra], {}, dir);
        fs.writeFileSync(baseline, run(["--format", "json"]).stdout);
        expect(run(["--baseline", baseline]).code).toBe(0);
        // prod gains the same untagged bucket at the same address: new in prod, though dev has it.
        fs.writeFileSync(path.join(plans, "prod.json"), JSON.stringify({ ...untagged, resource_changes: [...bucketOnly("aws_msk_cluster.events").resource_changes, ...bucketOnly("aws_s3_bucket.features").resource_changes] }));
        const r = run(["--baseline", baseline, "--format", "json"]);
        expect(r.code).toBe(1);
        const report = JSON.parse(r.stdout) as PlanReport;
        expect(report.violations.filter((v) => v.baseline === "new").map((v) => [v.file, v.address, v.policy])).toEqual([["plans/prod.json", "aws_s3_bucket.features", "required-tags"]]);
        // One plan against a one-plan baseline: the file may have been renamed or moved.
        const single = path.join(dir, "single-baseline.json");
        fs.writeFileSync(single, tagguard(["plan", "plans/dev.json", "--format", "json"], {}, dir).stdout);
        fs.copyFileSync(path.join(plans, "dev.json"), path.join(plans, "dev-renamed.json"));
        expect(tagguard(["plan", "plans/dev-renamed.json", "--baseline", single], {}, dir).code).toBe(0);
    });
});

describe("GitHub Actions", () => {
    test("annotations are capped at 10 errors, with one more that says how many were left out", () => {
        const lines = tagguard(["check", LEGACY, "--format", "github"]).stdout.trim().split("\n");
        expect(lines.filter((l) => l.startsWith("::error "))).toHaveLength(10);
        expect(lines[lines.length - 1]).toMatch(/^::notice title=tagguard%3A more findings::14 more errors and 0 more warnings are not annotated/);
        const plan = tagguard(["plan", UNTAGGED_PLAN, "--format", "github"]).stdout.trim().split("\n");
        expect(plan.filter((l) => l.startsWith("::error "))).toHaveLength(10);
        expect(plan[plan.length - 1]).toMatch(/5 more errors/);
    });

    test("the job summary: appended to $GITHUB_STEP_SUMMARY in Actions, whatever the output format", () => {
        const summary = path.join(dir, "summary.md");
        fs.writeFileSync(summary, "earlier step\n");
        const r = tagguard(["check", LEGACY, "--format", "sarif"], { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary });
        expect(r.code).toBe(1);
        JSON.parse(r.stdout);
        const md = fs.readFileSync(summary, "utf8");
        expect(md).toMatch(/^earlier step\n## tagguard check: fraud-platform-legacy\/dev\n/);
        expect(md).toMatch(/0 of 18 resources in scope carry the full tag set \(0\.0%\)/);
        expect(md.match(/^\| mandatory \|/gm)).toHaveLength(24);
        expect(md).toMatch(/\| examples\/legacy-untagged\/index\.ts:33 \|/);
        tagguard(["plan", UNTAGGED_PLAN], { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary });
        expect(fs.readFileSync(summary, "utf8")).toMatch(/## tagguard plan: examples\/terraform\/untagged\/plan\.json\n[\s\S]*\| module\.training\.aws_instance\.trainer \| \.\/modules\/training \|/);
    });

    test("examples/ci: the workflow runs the README's commands and uploads SARIF even when the gate fails", () => {
        const workflow = fs.readFileSync(path.join(ROOT, "examples", "ci", "tagguard.yml"), "utf8");
        const yaml = require("js-yaml") as typeof import("js-yaml");
        const doc = yaml.load(workflow) as { jobs: Record<string, { steps: { name?: string; run?: string; uses?: string; if?: string; with?: Record<string, string> }[] }> };
        const steps = Object.values(doc.jobs).flatMap((j) => j.steps);
        const check = steps.find((s) => s.run?.includes("npx tagguard check") && s.run.includes("--baseline"));
        expect(check?.run).toMatch(/--format sarif > tagguard\.sarif/);
        const upload = steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif"));
        expect(upload?.if).toBe("always()");
        expect(steps.some((s) => s.run?.includes("terraform show -json tfplan > plan.json"))).toBe(true);
        // setup-terraform's wrapper would write its own lines into plan.json.
        expect(steps.find((s) => s.uses?.startsWith("hashicorp/setup-terraform"))?.with).toMatchObject({ terraform_wrapper: false });
        expect(steps.some((s) => s.run?.includes("npx tagguard plan plan.json"))).toBe(true);
        // Each tagguard command line the workflow runs parses with this version's options.
        for (const s of steps.filter((x) => x.run?.includes("npx tagguard"))) {
            for (const line of s.run!.split("\n").filter((l) => l.includes("npx tagguard"))) {
                const args = line.replace(/.*npx tagguard /, "").replace(/\s*(\|\||>).*$/, "").trim().split(/\s+/);
                const help = tagguard([args[0], "--help"]);
                for (const option of args.filter((a) => a.startsWith("--"))) expect([line, help.stdout.includes(option)]).toEqual([line, true]);
            }
        }
    });
});

describe("progress on a terminal", () => {
    const hasScript = spawnSync("script", ["--version"]).status === 0;
    (hasScript ? test : test.skip).each([
        ["audit", ["audit", "test/fixtures/state", "--format", "json"], /\[\d+\.\ds\] reading 1 of 3: legacy-untagged\.json/],
        ["check", ["check", "examples/legacy-untagged", "--format", "json"], /\[\d+\.\ds\] (starting the program|program: |policy pack: )/],
    ])("%s: a line on stderr, rewritten in place and cleared; stdout untouched", (_name, args, progress) => {
        const out = path.join(dir, `progress-${_name}.json`);
        const log = path.join(dir, `progress-${_name}.log`);
        const command = `${process.execPath} ${BIN} ${args.join(" ")} > ${out}`;
        spawnSync("script", ["-qec", command, log], { cwd: ROOT, env: { ...process.env, TAGGUARD_TODAY: "2026-11-28" }, timeout: 120_000 });
        const terminal = fs.readFileSync(log, "utf8");
        expect(terminal).toMatch(progress);
        expect(terminal).toMatch(/\r\u001b\[2K(\r\n|\n|$)/);
        expect((JSON.parse(fs.readFileSync(out, "utf8")) as { reportVersion: number }).reportVersion).toBe(1);
    }, 120_000);
});
