/**
 * Careless and hostile input, command by command. Every case asserts the exit code and the cause, and
 * every run is held to the same rules: no stack trace, the failure on one line (an invalid config: one
 * line per problem under one heading), no secret sentinel in any output, no raw control character in
 * any output, and every input file byte-for-byte unchanged.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SECRET_SIG, SECRET_SIG_KEY } from "../../tagset/values";
import { FULL_TAGS } from "../fixtures";
import { plan as planJson } from "../plan/helpers";

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "cli", "bin", "tagguard.js");
const SENTINEL = "S3CR3T-SENTINEL-7f3a";
const STATES = path.join(ROOT, "test", "fixtures", "state");
const PROGRAMS = path.join(ROOT, "test", "fixtures", "programs");
const UNTAGGED_PLAN = path.join(ROOT, "examples", "terraform", "untagged", "plan.json");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "tagguard-bad-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

type Files = Record<string, string | Buffer | { fifo: true } | { symlink: string }>;

interface Case {
    name: string;
    /** Arguments after `tagguard`; `{dir}` is the case's folder. */
    args: string[];
    files?: Files;
    env?: Record<string, string>;
    exit: 0 | 1 | 2;
    /** For exit 2, what stderr says; otherwise what the output says. */
    message: RegExp;
    /** A warning expected on stderr besides the output. */
    warning?: RegExp;
    timeoutMs?: number;
}

/** Control characters other than line feed (and tab, written only in text the user gave it as visible `\t`). */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function setUp(dir: string, files: Files): void {
    for (const [name, content] of Object.entries(files)) {
        const file = path.join(dir, name);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        if (typeof content === "object" && !Buffer.isBuffer(content) && "fifo" in content) spawnSync("mkfifo", [file]);
        else if (typeof content === "object" && !Buffer.isBuffer(content) && "symlink" in content) fs.symlinkSync(content.symlink, file);
        else fs.writeFileSync(file, content);
    }
}

/** Digest of every regular file under a folder, to prove that nothing was written to an input. */
function digest(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (d: string): void => {
        for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, entry.name);
            if (entry.isDirectory()) walk(p);
            else if (entry.isFile()) out[path.relative(dir, p)] = crypto.createHash("sha256").update(fs.readFileSync(p)).digest("hex");
        }
    };
    walk(dir);
    return out;
}

let n = 0;
function run(c: Case): void {
    const dir = path.join(work, `case-${n++}`);
    fs.mkdirSync(dir);
    setUp(dir, c.files ?? {});
    const before = digest(dir);
    const args = c.args.map((a) => a.replaceAll("{dir}", dir));
    const env = Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, v.replaceAll("{dir}", dir)]));
    const r = spawnSync(process.execPath, [BIN, ...args], {
        cwd: ROOT, encoding: "utf8", timeout: c.timeoutMs ?? 60_000,
        env: { ...process.env, GITHUB_ACTIONS: "", GITHUB_STEP_SUMMARY: "", TAGGUARD_TODAY: "2026-11-28", TAGGUARD_DEBUG: "", ...env },
    });
    const all = `${r.stdout}${r.stderr}`;
    expect({ exit: r.status, signal: r.signal }).toEqual({ exit: c.exit, signal: null });
    expect(c.exit === 2 ? r.stderr : r.stdout).toMatch(c.message);
    if (c.warning) expect(r.stderr).toMatch(c.warning);
    expect(all).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/); // no stack trace
    expect(all).not.toMatch(/internal error/);
    expect(all).not.toContain(SENTINEL);
    expect(all).not.toMatch(RAW_CONTROL);
    if (c.exit === 2) {
        const lines = r.stderr.trim().split("\n").filter((l) => !/^tagguard: warning: /.test(l));
        // One line, or a heading and one line per problem.
        expect(lines.length === 1 || lines.slice(1).every((l) => /^ {2}- /.test(l))).toBe(true);
        expect(r.stdout).toBe("");
    }
    const after = digest(dir);
    for (const [file, hash] of Object.entries(before)) expect([file, after[file]]).toEqual([file, hash]);
}

// ---------------------------------------------------------------------------------------------------
// Files: every way a file can be wrong, for each kind of JSON input tagguard reads.

const secretWrapper = (value: string) => ({ [SECRET_SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(value) });
const utf16NoBom = Buffer.from('{"version": 3}', "utf16le");

function fileFaults(kind: string, command: (file: string) => string[], valid: string): Case[] {
    const at = (name: string) => command(`{dir}/${name}`);
    return [
        { name: `${kind}: missing`, args: at("nope.json"), exit: 2, message: /nope\.json: no such file/ },
        { name: `${kind}: a FIFO (would block)`, args: at("pipe.json"), files: { "pipe.json": { fifo: true } }, exit: 2, message: /not a regular file \(a pipe, socket or device\)/ },
        { name: `${kind}: /dev/zero (endless)`, args: command("/dev/zero"), exit: 2, message: /\/dev\/zero: not a regular file/ },
        { name: `${kind}: empty`, args: at("empty.json"), files: { "empty.json": "" }, exit: 2, message: /empty file/ },
        { name: `${kind}: white space only`, args: at("blank.json"), files: { "blank.json": " \n\t\n" }, exit: 2, message: /empty file/ },
        { name: `${kind}: a BOM only`, args: at("bom.json"), files: { "bom.json": Buffer.from([0xef, 0xbb, 0xbf]) }, exit: 2, message: /empty file/ },
        { name: `${kind}: UTF-16 without a BOM`, args: at("u16.json"), files: { "u16.json": utf16NoBom }, exit: 2, message: /UTF-16 without a byte-order mark/ },
        { name: `${kind}: binary`, args: at("bin.json"), files: { "bin.json": Buffer.from([0x00, 0x9b, 0x1b, 0x5b, 0x32, 0x4a, 0xff, 0x10, 0x07]) }, exit: 2, message: /not valid JSON at line 1, column 1/ },
        { name: `${kind}: two JSON documents in one file`, args: at("two.json"), files: { "two.json": `${valid}\n${valid}\n` }, exit: 2, message: /not valid JSON at line \d+, column 1 \(a second JSON document starts here; give each its own file\)/ },
        { name: `${kind}: text after the JSON`, args: at("tail.json"), files: { "tail.json": `${valid}\nDone.\n` }, exit: 2, message: /not valid JSON at line \d+, column 1 \(text after the JSON value\)/ },
        { name: `${kind}: truncated`, args: at("cut.json"), files: { "cut.json": valid.slice(0, Math.floor(valid.length / 2)) }, exit: 2, message: /ends before its JSON does \(truncated\?\)/ },
        { name: `${kind}: a syntax error right after a secret (never quoted)`, args: at("syntax.json"), files: { "syntax.json": `{"a": "${SENTINEL}" "b": 1}` }, exit: 2, message: /not valid JSON at line 1, column \d+ \(comma expected\)/ },
        { name: `${kind}: a comment (JSON has none)`, args: at("comment.json"), files: { "comment.json": `// ${SENTINEL}\n{}` }, exit: 2, message: /not valid JSON at line 1, column 1/ },
        { name: `${kind}: an empty path (an unset variable)`, args: command(""), exit: 2, message: /empty path/ },
        { name: `${kind}: a name with a terminal escape`, args: at("\u001b[31mred\u0007.json"), exit: 2, message: /\\u\{1B\}\[31mred\\u\{7\}\.json: no such file/ },
        { name: `${kind}: a symbolic link loop`, args: at("loop.json"), files: { "loop.json": { symlink: "loop.json" } }, exit: 2, message: /too many symbolic links/ },
        { name: `${kind}: a directory`, args: at("folder"), files: { "folder/x.txt": "x" }, exit: 2, message: /folder: (is a directory, not a file|a folder with no stack exports)/ },
    ];
}

const stateText = fs.readFileSync(path.join(STATES, "legacy-untagged.json"), "utf8");
const planText = fs.readFileSync(UNTAGGED_PLAN, "utf8");
const configText = fs.readFileSync(path.join(ROOT, "examples", "policy-config.json"), "utf8");

const fileCases: Case[] = [
    ...fileFaults("audit state", (f) => ["audit", f], stateText),
    ...fileFaults("plan", (f) => ["plan", f], planText),
    ...fileFaults("policy config (audit)", (f) => ["audit", path.join(STATES, "ml-platform.json"), "--policy-pack-config", f], configText),
    ...fileFaults("policy config (plan)", (f) => ["plan", UNTAGGED_PLAN, "--policy-pack-config", f], configText).slice(0, 6),
];

// ---------------------------------------------------------------------------------------------------
// What a file holds: the wrong kind of document, values that do not fit.

const exportOf = (resources: object[]) => JSON.stringify({ version: 3, deployment: { manifest: {}, resources } });
const PROVIDER_URN = "urn:pulumi:dev::p::pulumi:providers:aws::default";
const bucketState = (name: string, tags: unknown, provider = `${PROVIDER_URN}::1`) => ({ urn: `urn:pulumi:dev::p::aws:s3/bucket:Bucket::${name}`, custom: true, type: "aws:s3/bucket:Bucket", provider, inputs: {}, outputs: { tagsAll: tags } });

const contentCases: Case[] = [
    { name: "audit: not an export (a list)", args: ["audit", "{dir}/s.json"], files: { "s.json": "[]" }, exit: 2, message: /not a `pulumi stack export` file/ },
    { name: "audit: deployment version 2", args: ["audit", "{dir}/s.json"], files: { "s.json": JSON.stringify({ version: 2, deployment: {} }) }, exit: 2, message: /deployment version 2; tagguard reads version 3/ },
    { name: "audit: resources null", args: ["audit", "{dir}/s.json", "--fail-under", "100"], files: { "s.json": JSON.stringify({ version: 3, deployment: { resources: null } }) }, exit: 2, message: /`deployment\.resources` is null, not a list/ },
    { name: "audit: a folder with no exports", args: ["audit", "{dir}/empty"], files: { "empty/readme.txt": "x" }, exit: 2, message: /a folder with no stack exports/ },
    { name: "audit: a Terraform plan given as a state", args: ["audit", UNTAGGED_PLAN], exit: 2, message: /not a `pulumi stack export` file \(no `version`\)/ },
    { name: "audit: the same file twice counts once (warning)", args: ["audit", path.join(STATES, "ml-platform.json"), path.join(STATES, "ml-platform.json"), "--format", "json"], exit: 0, message: /"stacks": 1/ },
    { name: "audit: a file and its folder count once", args: ["audit", path.join(STATES, "ml-platform.json"), STATES, "--format", "json"], exit: 0, message: /"stacks": 3/ },
    {
        name: "audit: pending-delete copies and repeated URNs are not counted", args: ["audit", "{dir}/s.json", "--format", "json"], exit: 0, message: /"inScope": 1/,
        files: { "s.json": exportOf([{ urn: PROVIDER_URN, custom: true, id: "1", type: "pulumi:providers:aws", inputs: {} }, bucketState("a", FULL_TAGS), { ...bucketState("a", {}), delete: true }, bucketState("a", FULL_TAGS)]) },
    },
    {
        name: "plan: a state file", args: ["plan", "{dir}/t.tfstate"], exit: 2, message: /a Terraform state file/,
        files: { "t.tfstate": JSON.stringify({ version: 4, terraform_version: "1.9.8", serial: 1, lineage: "l", outputs: {}, resources: [] }) },
    },
    { name: "plan: a binary plan", args: ["plan", "{dir}/tfplan"], files: { tfplan: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]) }, exit: 2, message: /a binary plan file, not its JSON/ },
    { name: "plan: a Pulumi stack export", args: ["plan", path.join(STATES, "ml-platform.json")], exit: 2, message: /a Pulumi stack export, not a Terraform plan/ },
    { name: "plan: format 2.0", args: ["plan", "{dir}/p.json"], files: { "p.json": JSON.stringify({ format_version: "2.0", planned_values: {} }) }, exit: 2, message: /format_version 2\.0/ },
    // GitHub Actions' hashicorp/setup-terraform wraps terraform by default: its stdout is not the JSON alone.
    {
        name: "plan: the output of setup-terraform's wrapper", args: ["plan", "{dir}/p.json"], exit: 2, message: /p\.json: not the plan's JSON alone but the output of hashicorp\/setup-terraform's wrapper .*set `terraform_wrapper: false`/,
        files: { "p.json": `[command]/home/runner/work/_temp/3d1e/terraform-bin show -json tfplan\n${fs.readFileSync(UNTAGGED_PLAN, "utf8")}\n::debug::Terraform exited with code 0.\n` },
    },
    // What `terraform show -json` without a plan file writes when the state is empty (before the first apply): never an empty pass.
    { name: "plan: an empty state's JSON", args: ["plan", "{dir}/p.json"], files: { "p.json": '{"format_version":"1.0"}\n' }, exit: 2, message: /holds no plan .*without a plan file writes this for an empty state/ },
    { name: "plan: a plan without changes passes", args: ["plan", "{dir}/p.json"], files: { "p.json": JSON.stringify({ format_version: "1.2", terraform_version: "1.9.8", planned_values: { root_module: {} }, configuration: { provider_config: {}, root_module: {} }, applyable: false, complete: true, errored: false }) }, exit: 0, message: /0 resources created, updated or replaced/ },
    { name: "plan: resource_changes not a list", args: ["plan", "{dir}/p.json"], files: { "p.json": JSON.stringify({ format_version: "1.2", resource_changes: {} }) }, exit: 2, message: /resource_changes: /},
    { name: "plan: an address that is a number", args: ["plan", "{dir}/p.json"], files: { "p.json": JSON.stringify({ format_version: "1.2", resource_changes: [{ address: 1, mode: "managed", type: "aws_s3_bucket", name: "b", change: { actions: ["create"] } }] }) }, exit: 2, message: /resource_changes\[0\]\.address: expected a string/ },
    {
        name: "plan: sensitive tags never printed", args: ["plan", "{dir}/p.json"], exit: 1, message: /\[secret\]/,
        files: { "p.json": JSON.stringify(planJson({ changes: [{ address: "aws_s3_bucket.b", after: { tags_all: { ...FULL_TAGS, team: SENTINEL } }, sensitive: { tags_all: { team: true } } }] })) },
    },
    {
        name: "plan: a wholly sensitive tag map: keys hidden too", args: ["plan", "{dir}/p.json", "--format", "json"], exit: 1, message: /a secret key|required-tags/,
        files: { "p.json": JSON.stringify(planJson({ changes: [{ address: "aws_s3_bucket.b", after: { tags_all: { [SENTINEL]: "x", Team: "fraud" } }, sensitive: { tags_all: true } }] })) },
    },
    {
        name: "plan: workflow-command injection in a tag value (github format)", args: ["plan", "{dir}/p.json", "--format", "github"], exit: 1, message: /^(::(error|warning|notice)[^\n]*\n?)+$/,
        files: { "p.json": JSON.stringify(planJson({ changes: [{ address: "aws_s3_bucket.b", after: { tags_all: { ...FULL_TAGS, team: "x\n::error file=evil::owned\u001b[2J" } } }] })) },
    },
    {
        name: "plan: terminal escapes in keys, values and addresses (text)", args: ["plan", "{dir}/p.json"], exit: 1, message: /\\u\{1B\}/,
        files: { "p.json": JSON.stringify(planJson({ changes: [{ address: 'aws_s3_bucket.b["\u001b[31m"]', after: { tags_all: { ...FULL_TAGS, "\u001b]0;title\u0007": "\u202eevil", lifecycle_phase: "\u001b[1mtraining" } } }] })) },
    },
    {
        name: "audit: a secret in provider default tags stays secret (text)", args: ["audit", "{dir}/s.json"], exit: 0, message: /\[secret\]/,
        files: { "s.json": exportOf([{ urn: PROVIDER_URN, custom: true, id: "1", type: "pulumi:providers:aws", inputs: { defaultTags: secretWrapper(JSON.stringify({ tags: { ...FULL_TAGS, team: SENTINEL } })) } }, bucketState("a", undefined)]) },
    },
    ...(["json", "csv", "markdown"] as const).map((format): Case => ({
        name: `audit: secret team values never printed (${format})`, args: ["audit", "{dir}/s.json", "--format", format], exit: 0, message: /secret/,
        files: { "s.json": exportOf([{ urn: PROVIDER_URN, custom: true, id: "1", type: "pulumi:providers:aws", inputs: {} }, bucketState("a", { ...FULL_TAGS, team: secretWrapper(SENTINEL) })]) },
    })),
    {
        name: "audit: terminal escapes and formula prefixes in tags (csv)", args: ["audit", "{dir}/s.json", "--format", "csv"], exit: 0, message: /'=HYPERLINK/,
        files: { "s.json": exportOf([{ urn: PROVIDER_URN, custom: true, id: "1", type: "pulumi:providers:aws", inputs: {} }, bucketState("a", { ...FULL_TAGS, team: "=HYPERLINK(\"http://x\")" }), bucketState("\u001b[2Jb", { Name: "\u001b[31m" })]) },
    },
    {
        name: "audit: markdown escapes table syntax in names", args: ["audit", "{dir}/s.json", "--format", "markdown"], exit: 0, message: /\\\|/,
        files: { "s.json": exportOf([{ urn: PROVIDER_URN, custom: true, id: "1", type: "pulumi:providers:aws", inputs: {} }, bucketState("a|b<script>", { Name: "x" })]) },
    },
];

// ---------------------------------------------------------------------------------------------------
// Policy config: validated completely before anything is analyzed.

const stateArg = path.join(STATES, "ml-platform.json");
const configCase = (name: string, config: unknown, message: RegExp, command: "audit" | "plan" = "audit"): Case => ({
    name: `config (${command}): ${name}`, args: [command, command === "audit" ? stateArg : UNTAGGED_PLAN, "--policy-pack-config", "{dir}/c.json"],
    files: { "c.json": typeof config === "string" ? config : JSON.stringify(config) }, exit: 2, message,
});

const configCases: Case[] = [
    configCase("a service name typo", { "required-tags": { services: ["s4"] } }, /services\.0: "s4" is not a provider module tagguard knows \(did you mean "s3"\?\)/),
    configCase("a service name typo", { "required-tags": { services: ["ec3"] } }, /did you mean "ec2"\?/, "plan"),
    configCase("services as a string", { "required-tags": { services: "ec2" } }, /services/),
    configCase("an invalid pattern", { "tag-values": { patterns: { model_id: "(" } } }, /patterns\.model_id: .*not a valid pattern/),
    configCase("a pattern with lookahead (not RE2)", { "tag-values": { patterns: { team: "(?=x)x" } } }, /not a valid pattern/, "plan"),
    configCase("a pattern for an unknown key", { "tag-values": { patterns: { owner: "x" } } }, /patterns/),
    configCase("an exemption with no target", { "required-tags": { exemptions: [{ reason: "long enough reason here", expires: "2027-01-01" }] } }, /needs at least one of `urn`, `name`, `type`/),
    configCase("an impossible date", { "required-tags": { exemptions: [{ name: "x", reason: "long enough reason here", expires: "2099-13-45" }] } }, /expires/),
    configCase("February 30", { "required-tags": { exemptions: [{ name: "x", reason: "long enough reason here", expires: "2026-02-30" }] } }, /expires/, "plan"),
    configCase("a date in words", { "required-tags": { exemptions: [{ name: "x", reason: "long enough reason here", expires: "tomorrow" }] } }, /expires/),
    configCase("an exemption type matching nothing", { "required-tags": { exemptions: [{ type: "aws:s3/bukket:Bukket", reason: "long enough reason here", expires: "2027-01-01" }] } }, /matches no resource type tagguard knows/),
    configCase("a reason too short to mean anything", { "required-tags": { exemptions: [{ name: "x", reason: "todo", expires: "2027-01-01" }] } }, /reason/),
    configCase("an unknown exemption field", { "required-tags": { exemptions: [{ name: "x", reason: "long enough reason here", expires: "2027-01-01", until: "x" }] } }, /until|unrecognized/i),
    configCase("an enforcement level that does not exist", { "required-tags": "strict" }, /"strict" is not an enforcement level/),
    configCase("an enforcement level that does not exist (object)", { "required-tags": { enforcementLevel: "blocking" } }, /enforcementLevel: must be one of/, "plan"),
    configCase("a top-level list", [], /the top level must be an object of policy names/),
    configCase("a top-level string", '"mandatory"', /the top level must be an object/),
    configCase("a policy given a number", { "required-tags": 3 }, /must be an enforcement level or an object/),
    configCase("a __proto__ key", '{"__proto__": {"enforcementLevel": "disabled"}, "required-tags": {"services": ["s4"]}}', /services\.0/),
    configCase("includeTypes naming no type", { "required-tags": { includeTypes: ["aws:ec2/instanse:Instance"] } }, /is not a resource type tagguard knows \(did you mean "aws:ec2\/instance:Instance"\?\)/),
    configCase("excludeTypes not a list", { "required-tags": { excludeTypes: "aws:ec2/instance:Instance" } }, /excludeTypes/),
    configCase("allowedValues not a list", { "tag-values": { allowedValues: { team: "fraud" } } }, /allowedValues/),
    configCase("a negative expiry horizon", { "tag-values": { expiryHorizonDays: { experiment: -1 } } }, /expiryHorizonDays/),
    configCase("a fractional day count", { "attribution-coverage": { expiringWithinDays: 1.5 } }, /expiringWithinDays/, "plan"),
    configCase("an unknown property", { "required-tags": { requiredKeys: ["team"] } }, /requiredKeys|unrecognized/i),
    configCase("a duplicate key (JSON allows it; the last wins, still validated)", '{"required-tags": {"services": ["ec2"]}, "required-tags": {"services": ["x"]}}', /services\.0: "x"/),
    {
        name: "config: a catastrophic pattern runs in linear time (RE2): no hang", args: ["audit", "{dir}/s.json", "--policy-pack-config", "{dir}/c.json"], exit: 0, message: /attributable/, timeoutMs: 20_000,
        files: {
            "c.json": JSON.stringify({ "tag-values": { patterns: { project: "(a+)+b" } } }),
            "s.json": exportOf([{ urn: PROVIDER_URN, custom: true, id: "1", type: "pulumi:providers:aws", inputs: {} }, bucketState("a", { ...FULL_TAGS, project: "a".repeat(5000) })]),
        },
    },
    { name: "config: an empty path (an unset CI variable)", args: ["audit", stateArg, "--policy-pack-config", ""], exit: 2, message: /--policy-pack-config: empty path/ },
    { name: "config: an unknown policy is a warning, not silence", args: ["audit", stateArg, "--policy-pack-config", "{dir}/c.json"], files: { "c.json": JSON.stringify({ "requried-tags": "mandatory" }) }, exit: 0, message: /attributable/ },
];

// ---------------------------------------------------------------------------------------------------
// Options.

const optionCases: Case[] = [
    ...["", "abc", "-1", "101", "NaN", "Infinity", "1e999", " "].map((v): Case => ({ name: `audit --fail-under ${JSON.stringify(v)}`, args: ["audit", stateArg, "--fail-under", v], exit: 2, message: /--fail-under/ })),
    ...["2026-02-30", "2099-13-45", "", "tomorrow", "2026-1-1", "28/11/2026"].map((v): Case => ({ name: `audit --today ${JSON.stringify(v)}`, args: ["audit", stateArg, "--today", v], exit: 2, message: /--today.*a calendar date as YYYY-MM-DD/ })),
    ...["2026-02-30", "soon", ""].map((v): Case => ({ name: `TAGGUARD_TODAY=${JSON.stringify(v)} (audit)`, args: ["audit", stateArg], env: { TAGGUARD_TODAY: v }, exit: 2, message: /TAGGUARD_TODAY=.*expected a calendar date/ })),
    { name: "TAGGUARD_TODAY invalid (plan)", args: ["plan", UNTAGGED_PLAN], env: { TAGGUARD_TODAY: "2026-13-01" }, exit: 2, message: /TAGGUARD_TODAY/ },
    { name: "TAGGUARD_TODAY invalid (check)", args: ["check", path.join(PROGRAMS, "javascript")], env: { TAGGUARD_TODAY: "x" }, exit: 2, message: /TAGGUARD_TODAY/ },
    { name: "audit --format bogus", args: ["audit", stateArg, "--format", "xml"], exit: 2, message: /--format.*xml.*(Allowed choices|invalid)/i },
    { name: "plan --format bogus", args: ["plan", UNTAGGED_PLAN, "--format", "html"], exit: 2, message: /Allowed choices/ },
    { name: "report --format bogus", args: ["report", "x.csv", "--format", "pdf"], exit: 2, message: /Allowed choices/ },
    { name: "audit --out into a missing folder", args: ["audit", stateArg, "--out", "{dir}/missing/out.txt"], exit: 2, message: /the folder .* does not exist/ },
    { name: "audit --out a directory", args: ["audit", stateArg, "--out", "{dir}"], exit: 2, message: /is a directory/ },
    { name: "audit --out = the state it reads", args: ["audit", "{dir}/s.json", "--out", "{dir}/s.json"], files: { "s.json": stateText }, exit: 2, message: /is one of the inputs; tagguard never overwrites an input/ },
    { name: "audit --out = the config it reads", args: ["audit", stateArg, "--policy-pack-config", "{dir}/c.json", "--out", "{dir}/c.json"], files: { "c.json": "{}" }, exit: 2, message: /is one of the inputs/ },
    { name: "audit --out through a symbolic link to the input", args: ["audit", "{dir}/s.json", "--out", "{dir}/link.json"], files: { "s.json": stateText, "link.json": { symlink: "s.json" } }, exit: 2, message: /is one of the inputs/ },
    { name: "plan --out = the plan", args: ["plan", "{dir}/p.json", "--out", "{dir}/p.json"], files: { "p.json": planText }, exit: 2, message: /is one of the inputs/ },
    { name: "plan --out into a missing folder", args: ["plan", UNTAGGED_PLAN, "--out", "{dir}/no/such.txt"], exit: 2, message: /does not exist/ },
    { name: "plan: no file", args: ["plan"], exit: 2, message: /missing required argument/ },
    { name: "audit: no file", args: ["audit"], exit: 2, message: /missing required argument/ },
    { name: "an unknown command", args: ["frobnicate"], exit: 2, message: /unknown command/ },
    { name: "an unknown option", args: ["audit", stateArg, "--frobnicate"], exit: 2, message: /unknown option/ },
    ...["0", "-5", "x", ""].map((v): Case => ({ name: `check --timeout ${JSON.stringify(v)}`, args: ["check", path.join(PROGRAMS, "javascript"), "--timeout", v], exit: 2, message: /--timeout/ })),
];

// ---------------------------------------------------------------------------------------------------
// Billing exports.

const FOCUS_HEADER = "BilledCost,EffectiveCost,BillingCurrency,BillingPeriodStart,ChargeCategory,ChargePeriodStart,ServiceName,ResourceId,Tags";
const focusLine = (cost: string, tags: unknown, currency = "USD") => `${cost},${cost},${currency},2026-10-01 00:00:00,Usage,2026-10-02 00:00:00,Amazon Elastic Compute Cloud,i-1,"${JSON.stringify(tags).replace(/"/g, '""')}"`;
const focus = (...lines: string[]) => [FOCUS_HEADER, ...lines].join("\n");
const gzip = (text: string) => require("zlib").gzipSync(Buffer.from(text)) as Buffer;

const reportCases: Case[] = [
    { name: "report: missing file", args: ["report", "{dir}/nope.csv"], exit: 2, message: /nope\.csv: (no such file|no file matches)/ },
    { name: "report: a glob matching nothing", args: ["report", "{dir}/*.parquet"], exit: 2, message: /\*\.parquet: no file matches/ },
    { name: "report: a FIFO", args: ["report", "{dir}/p.csv"], files: { "p.csv": { fifo: true } }, exit: 2, message: /not a regular file/ },
    { name: "report: a directory", args: ["report", "{dir}/d.csv"], files: { "d.csv/x": "x" }, exit: 2, message: /is a directory/ },
    { name: "report: not a billing export extension", args: ["report", "{dir}/bill.xlsx"], files: { "bill.xlsx": "x" }, exit: 2, message: /xlsx|\.csv/ },
    { name: "report: an empty CSV", args: ["report", "{dir}/e.csv"], files: { "e.csv": "" }, exit: 2, message: /e\.csv/ },
    // An empty day of a CUR, or the wrong file: never a clean $0 report.
    { name: "report: a header only", args: ["report", "{dir}/h.csv"], files: { "h.csv": focus() }, exit: 2, message: /h\.csv: no billing line \(only a header\?\): nothing to report/ },
    { name: "report: two exports with a header only", args: ["report", "{dir}/h1.csv", "{dir}/h2.csv.gz", "--fail-under", "90"], files: { "h1.csv": focus(), "h2.csv.gz": gzip(focus()) }, exit: 2, message: /^tagguard: 2 exports: no billing line/ },
    // A European spreadsheet's re-save: semicolons between fields, comma decimals. Every cost unreadable is no $0 report.
    {
        name: "report: comma decimals in a semicolon CSV", args: ["report", "{dir}/eu.csv", "--fail-under", "0"],
        files: { "eu.csv": [FOCUS_HEADER.replace(/,/g, ";"), "12,5;12,5;USD;2026-10-01 00:00:00;Usage;2026-10-02 00:00:00;Amazon Elastic Compute Cloud;i-1;{}"].join("\n") },
        exit: 2, message: /eu\.csv: no line has a cost that is a number, such as "12,5": comma decimal separators, .*save it with "\." as the decimal separator: nothing to report/,
    },
    { name: "report: no cost is a number", args: ["report", "{dir}/na.csv"], files: { "na.csv": focus(focusLine("N/A", FULL_TAGS), focusLine("n/a", FULL_TAGS)) }, exit: 2, message: /na\.csv: no line has a cost that is a number, such as "N\/A": nothing to report/ },
    { name: "report: some costs not numbers are left out and counted", args: ["report", "{dir}/some.csv"], files: { "some.csv": focus(focusLine("N/A", FULL_TAGS), focusLine("7", FULL_TAGS)) }, exit: 0, message: /left out: 1 line with a cost that is not a number/ },
    { name: "report: a header-only file beside a real one is fine", args: ["report", "{dir}/h.csv", "{dir}/f.csv", "--format", "json"], files: { "h.csv": focus(), "f.csv": focus(focusLine("7", FULL_TAGS)) }, exit: 0, message: /"total": 7\b/ },
    { name: "report: UTF-16 CSV", args: ["report", "{dir}/u.csv"], files: { "u.csv": Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(focus(focusLine("1", FULL_TAGS)), "utf16le")]) }, exit: 2, message: /UTF-16/ },
    { name: "report: missing FOCUS columns", args: ["report", "{dir}/m.csv"], files: { "m.csv": "Cost,Tags\n1,{}" }, exit: 2, message: /missing|BilledCost/ },
    { name: "report: part of a CUR export's columns", args: ["report", "{dir}/cur.csv"], files: { "cur.csv": "line_item_unblended_cost,line_item_currency_code\n1,USD" }, exit: 2, message: /cur\.csv: neither a FOCUS export \(missing columns BilledCost, .*\) nor a CUR 2\.0 export \(missing columns bill_billing_period_start_date, line_item_usage_start_date, line_item_line_item_type, line_item_product_code\)/ },
    { name: "report: mixed currencies", args: ["report", "{dir}/c.csv"], files: { "c.csv": focus(focusLine("1", FULL_TAGS), focusLine("2", FULL_TAGS, "EUR")) }, exit: 2, message: /mix currencies/ },
    { name: "report: costs whose sum overflows the decimal type", args: ["report", "{dir}/o.csv"], files: { "o.csv": focus(focusLine("9".repeat(28), FULL_TAGS), focusLine("9".repeat(28), FULL_TAGS)) }, exit: 2, message: /o\.csv|overflow|too large/i },
    { name: "report: a cost that is not a decimal is a skipped line, reported", args: ["report", "{dir}/o.csv"], files: { "o.csv": focus(focusLine("9".repeat(40), FULL_TAGS), focusLine("1", FULL_TAGS)) }, exit: 0, message: /skipped|not a number|unparsable|cost/i },
    { name: "report: a damaged gzip", args: ["report", "{dir}/d.csv.gz"], files: { "d.csv.gz": gzip(focus(focusLine("1", FULL_TAGS))).subarray(0, 30) }, exit: 2, message: /d\.csv\.gz/ },
    { name: "report: gzip bytes named .csv", args: ["report", "{dir}/g.csv"], files: { "g.csv": gzip(focus(focusLine("1", FULL_TAGS))) }, exit: 2, message: /g\.csv/ },
    { name: "report: a corrupt Parquet file", args: ["report", "{dir}/x.parquet"], files: { "x.parquet": Buffer.from("PAR1 not really parquet") }, exit: 2, message: /x\.parquet/ },
    { name: "report: --period with no lines", args: ["report", "{dir}/f.csv", "--period", "2025-01"], files: { "f.csv": focus(focusLine("1", FULL_TAGS)) }, exit: 2, message: /--period 2025-01: no billing line in that period; the exports hold 2026-10/ },
    ...["2026-13", "", "2026-1", "oct"].map((v): Case => ({ name: `report --period ${JSON.stringify(v)}`, args: ["report", "{dir}/f.csv", "--period", v], files: { "f.csv": focus(focusLine("1", FULL_TAGS)) }, exit: 2, message: /--period.*YYYY-MM/ })),
    ...["0", "-1", "x", ""].map((v): Case => ({ name: `report --anomaly-warning ${JSON.stringify(v)}`, args: ["report", "{dir}/f.csv", "--anomaly-warning", v], files: { "f.csv": focus(focusLine("1", FULL_TAGS)) }, exit: 2, message: /--anomaly-warning/ })),
    { name: "report --anomaly-critical not a number (never reaches SQL)", args: ["report", "{dir}/f.csv", "--anomaly-critical", "1; DROP TABLE x"], files: { "f.csv": focus(focusLine("1", FULL_TAGS)) }, exit: 2, message: /--anomaly-critical/ },
    ...["x", "=team", "a=b", "a=team=c", ""].map((v): Case => ({ name: `report --alias ${JSON.stringify(v)}`, args: ["report", "{dir}/f.csv", "--alias", v], files: { "f.csv": focus(focusLine("1", FULL_TAGS)) }, exit: 2, message: /--alias/ })),
    ...["", "x", "150"].map((v): Case => ({ name: `report --fail-under ${JSON.stringify(v)}`, args: ["report", "{dir}/f.csv", "--fail-under", v], files: { "f.csv": focus(focusLine("1", FULL_TAGS)) }, exit: 2, message: /--fail-under/ })),
    { name: "report --chargeback-source that a spreadsheet would run", args: ["report", "{dir}/f.csv", "--chargeback-source", "=cmd|' /C calc'!A0", "--format", "csv"], files: { "f.csv": focus(focusLine("1", FULL_TAGS)) }, exit: 2, message: /--chargeback-source: .*must be a lower-case kebab or snake identifier/ },
    { name: "report --models that does not validate", args: ["report", "{dir}/f.csv", "--models", "{dir}/m.yaml"], files: { "f.csv": focus(focusLine("1", FULL_TAGS)), "m.yaml": "xgb:\n  monthly_predictions: lots\n" }, exit: 2, message: /--models .*m\.yaml: xgb\.monthly_predictions: / },
    { name: "report --models with a YAML syntax error", args: ["report", "{dir}/f.csv", "--models", "{dir}/m.yaml"], files: { "f.csv": focus(focusLine("1", FULL_TAGS)), "m.yaml": "xgb: [unclosed\n" }, exit: 2, message: /--models .*m\.yaml: not valid YAML at line \d+, column \d+/ },
    { name: "report --team that has no cost", args: ["report", "{dir}/f.csv", "--team", "nobody"], files: { "f.csv": focus(focusLine("1", FULL_TAGS)) }, exit: 2, message: /--team "nobody": no attributed cost for that team/ },
    { name: "report --allocation bogus", args: ["report", "{dir}/f.csv", "--allocation", "random"], files: { "f.csv": "x" }, exit: 2, message: /Allowed choices/ },
    { name: "report --schema bogus", args: ["report", "{dir}/f.csv", "--schema", "cur1"], files: { "f.csv": "x" }, exit: 2, message: /Allowed choices/ },
    { name: "report --out = the export", args: ["report", "{dir}/f.csv", "--out", "{dir}/f.csv"], files: { "f.csv": focus(focusLine("1", FULL_TAGS)) }, exit: 2, message: /is one of the inputs/ },
    { name: "report --out matched by the input glob", args: ["report", "{dir}/*.csv", "--out", "{dir}/report.csv"], files: { "f.csv": focus(focusLine("1", FULL_TAGS)), "report.csv": focus(focusLine("2", FULL_TAGS)) }, exit: 2, message: /is one of the inputs/ },
    { name: "report: the same file twice is read once (warning)", args: ["report", "{dir}/f.csv", "{dir}/f.csv", "--format", "json"], files: { "f.csv": focus(focusLine("7", FULL_TAGS)) }, exit: 0, message: /"total": 7\b/ },
    ...(["text", "csv", "html", "json"] as const).map((format): Case => ({
        // Values outside the vocabulary attribute nothing, so they never reach the chargeback records; they are named in coverage.
        name: `report: hostile tag values (${format})`, args: ["report", "{dir}/f.csv", "--format", format], exit: 0, message: format === "csv" ? /^billing_period,[^\n]*\n2026-10,platform,unallocated,unallocated,unallocated,5\.00,,,,,\n$/ : format === "html" ? /&lt;script&gt;/ : /total/i,
        files: { "f.csv": focus(focusLine("5", { ...FULL_TAGS, team: "=cmd|' /C calc'!A0", model_id: "<script>alert(1)</script>\u001b[2J" })) },
    })),
];

// ---------------------------------------------------------------------------------------------------
// check: projects and programs.

const checkCases: Case[] = [
    { name: "check: a folder that does not exist", args: ["check", "{dir}/nope"], exit: 2, message: /nope/ },
    { name: "check: not a Pulumi project", args: ["check", "{dir}"], files: { "index.ts": "" }, exit: 2, message: /Pulumi\.yaml/ },
    { name: "check: Pulumi.yaml that is not YAML", args: ["check", "{dir}"], files: { "Pulumi.yaml": "name: [unclosed\nruntime: nodejs\n" }, exit: 2, message: /Pulumi\.yaml/ },
    { name: "check: a Python project", args: ["check", "{dir}"], files: { "Pulumi.yaml": "name: p\nruntime: python\n" }, exit: 2, message: /python|nodejs/i },
    { name: "check: a malformed package.json", args: ["check", "{dir}"], files: { "Pulumi.yaml": "name: p\nruntime: nodejs\n", "package.json": '{"main": ', "index.ts": "" }, exit: 2, message: /package\.json: the file ends before its JSON does/ },
    { name: "check: a named stack without its file", args: ["check", path.join(PROGRAMS, "javascript"), "--stack", "prod"], exit: 2, message: /Pulumi\.prod\.yaml/ },
    { name: "check: a stack name with too many parts", args: ["check", path.join(PROGRAMS, "javascript"), "--stack", "a/b/c/d"], exit: 2, message: /--stack|stack/ },
    { name: "check: -c without a value", args: ["check", path.join(PROGRAMS, "javascript"), "-c", "novalue"], exit: 2, message: /-c|key=value/ },
    { name: "check: -c with an empty key", args: ["check", path.join(PROGRAMS, "javascript"), "-c", "=v"], exit: 2, message: /-c|key=value/ },
    // The Pulumi CLI takes it as the key `p:__proto__`; it must not pollute anything or crash.
    { name: "check: a config key __proto__ is just a key", args: ["check", "{dir}"], files: { "Pulumi.yaml": "name: p\nruntime: nodejs\nmain: index.js\n", "Pulumi.dev.yaml": "config:\n  __proto__: x\n", "package.json": '{"main": "index.js"}', "index.js": "", "node_modules": { symlink: path.join(ROOT, "node_modules") } }, exit: 0, message: /1 resources registered/ },
    // A wholly secret tags map: its keys are as secret as its values, in every format and policy (the provider's Check copies them into tagsAll).
    ...(["text", "json", "sarif", "github", "markdown"] as const).map((format): Case => ({
        name: `check: the keys of a wholly secret tags map are never printed (${format})`, args: ["check", "{dir}", "--format", format], exit: 1, message: /a secret key/,
        files: {
            "Pulumi.yaml": "name: p\nruntime: nodejs\nmain: index.js\n", "package.json": '{"main": "index.js"}', "node_modules": { symlink: path.join(ROOT, "node_modules") },
            "index.js": `const pulumi = require("@pulumi/pulumi"); const aws = require("@pulumi/aws");
new aws.sagemaker.Model("m", { executionRoleArn: "arn:aws:iam::1:role/x", tags: pulumi.secret({ "${SENTINEL},!": "v", Team: "fraud" }) });
new aws.s3.Bucket("b", { tags: pulumi.secret({ "${SENTINEL}": "x".repeat(300) }) });`,
        },
    })),
    { name: "check: a policy pack folder that does not exist", args: ["check", path.join(PROGRAMS, "javascript"), "--policy-pack", "{dir}/nope"], exit: 2, message: /nope/ },
    { name: "check: a program that throws", args: ["check", path.join(PROGRAMS, "throws")], exit: 2, message: /throws|Error/ },
    { name: "check: invalid pack config", args: ["check", path.join(PROGRAMS, "javascript"), "--policy-pack-config", "{dir}/c.json"], files: { "c.json": JSON.stringify({ "required-tags": { services: ["s4"] } }) }, exit: 2, message: /did you mean "s3"/ },
];

// ---------------------------------------------------------------------------------------------------
// Deep, huge and endless: every input bounded in the work it can cause, every run ending.

const DEEP = 100_000;
const nested = (open: string, leaf: string, close: string, depth = DEEP): string => `${open.repeat(depth)}${leaf}${close.repeat(depth)}`;
const planWith = (mark: string, replacement: string): string => planText.replace(mark, replacement);
const untaggedPlan = JSON.parse(planText) as { configuration: { root_module: { module_calls?: Record<string, unknown> } } };
const deepModules = (): string => {
    const withModules = structuredClone(untaggedPlan);
    withModules.configuration.root_module.module_calls = { ...withModules.configuration.root_module.module_calls, deep: "@DEEP@" };
    return JSON.stringify(withModules).replace('"@DEEP@"', `{"source":"./d","module":${nested('{"module_calls":{"m":{"source":"./m","module":', "{}", "}}}")}}`);
};
const aliasBomb = (top: string): string => `${top}:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 9 }, (_, i) => `  a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(", ")}]`).join("\n")}\n`;
const program = (index: string, stackFile = "config:\n  aws:region: us-east-1\n"): Files => ({
    "Pulumi.yaml": "name: p\nruntime: nodejs\nmain: index.js\n", "Pulumi.dev.yaml": stackFile, "package.json": '{"main": "index.js"}', "index.js": index,
    "node_modules": { symlink: path.join(ROOT, "node_modules") },
});
const farFuture = focus(...Array.from({ length: 60 }, (_, m) => [focusLine("1", { ...FULL_TAGS, model_id: `m-${m}` }), focusLine("1", { ...FULL_TAGS, model_id: `m-${m}` }).replace(/2026-10-0(\d)/g, "9999-12-0$1")]).flat());
const longModule = Array.from({ length: 8_000 }, (_, i) => `module.m${i % 10}`).join(".");

const boundCases: Case[] = [
    { name: "plan: invalid JSON nested 100,000 deep", args: ["plan", "{dir}/p.json"], files: { "p.json": nested('{"a":', "1", "}").slice(0, -1) }, exit: 2, message: /p\.json: not valid JSON \(nested deeper than 512 levels, too deep to say where\)/ },
    { name: "audit: invalid JSON nested 100,000 deep", args: ["audit", "{dir}/s.json"], files: { "s.json": nested("[", "", "]").slice(0, -1) }, exit: 2, message: /s\.json: not valid JSON \(nested deeper than 512 levels/ },
    { name: "plan: modules nested 100,000 deep", args: ["plan", "{dir}/p.json"], files: { "p.json": deepModules() }, exit: 2, message: /p\.json: the configuration's modules are nested deeper than 512 levels/ },
    { name: "plan: a tag value nested 100,000 deep", args: ["plan", "{dir}/p.json"], files: { "p.json": planWith('"tags_all":{', `"tags_all":{"deep":${nested("[", "1", "]")},`) }, exit: 1, message: /Violations: / },
    { name: "plan: after_unknown nested 100,000 deep", args: ["plan", "{dir}/p.json"], files: { "p.json": planWith('"after_unknown":{', `"after_unknown":{"deep":${nested("[", "true", "]")},`) }, exit: 1, message: /Violations: / },
    { name: "plan: after_sensitive nested 100,000 deep", args: ["plan", "{dir}/p.json"], files: { "p.json": planWith('"after_sensitive":{', `"after_sensitive":{"tags_all":${nested('{"a":', "true", "}")},"x":1,`) }, exit: 1, message: /Violations: / },
    { name: "audit: outputs nested 100,000 deep", args: ["audit", "{dir}/s.json"], files: { "s.json": stateText.replace('"outputs": {', `"outputs": {"deep": ${nested("[", "1", "]")}, `) }, exit: 0, message: /attributable/ },
    { name: "plan --baseline with findings nested 100,000 deep", args: ["plan", UNTAGGED_PLAN, "--baseline", "{dir}/b.json"], files: { "b.json": `{"reportVersion":1,"violations":[${nested("[", "", "]")}]}` }, exit: 1, message: /Against the baseline/ },
    { name: "plan: an address and a provider key 80,000 characters long", args: ["plan", "{dir}/p.json"], timeoutMs: 20_000, exit: 1, message: /Violations: /,
        files: { "p.json": JSON.stringify(planJson({
            providers: { aws: {}, [`aws.${"a".repeat(80_000)}`]: { alias: "a".repeat(80_000), defaultTags: FULL_TAGS } },
            changes: [{ address: `${longModule}.aws_s3_bucket.b`, after: { tags_all: {} } }, { address: `aws_s3_bucket.${"b".repeat(80_000)}`, after: { tags: {} } }],
            configured: { [`aws_s3_bucket.${"b".repeat(80_000)}`]: { provider: `aws.${"a".repeat(80_000)}` } },
        })) } },
    { name: "check: an alias bomb in the stack file", args: ["check", "{dir}"], files: program("", aliasBomb("config")), timeoutMs: 20_000, exit: 2, message: /Pulumi\.dev\.yaml: holds more than 2000000 values, counting each use of an alias/ },
    { name: "check: an alias bomb in Pulumi.yaml", args: ["check", "{dir}"], files: { ...program(""), "Pulumi.yaml": `name: p\nruntime: nodejs\n${aliasBomb("x")}` }, timeoutMs: 20_000, exit: 2, message: /Pulumi\.yaml: holds more than 2000000 values/ },
    { name: "check: a stack file nested deeper than YAML is read", args: ["check", "{dir}"], files: program("", `config:\n  p:x: ${nested("[", "", "]", 5_000)}\n`), exit: 2, message: /Pulumi\.dev\.yaml:2:\d+: not valid YAML \(nesting exceeded maxDepth/ },
    { name: "report --models: an alias bomb", args: ["report", "{dir}/f.csv", "--models", "{dir}/m.yaml"], files: { "f.csv": focus(focusLine("1", FULL_TAGS)), "m.yaml": aliasBomb("xgb") }, timeoutMs: 20_000, exit: 2, message: /--models .*m\.yaml: holds more than 2000000 values/ },
    { name: "report --models: millions of entries are refused by size before reading", args: ["report", "{dir}/f.csv", "--models", "{dir}/m.json"], timeoutMs: 20_000, exit: 2, message: /m\.json: \d+ bytes, more than the 8388608 bytes tagguard reads as a models file; refused before reading/,
        files: { "f.csv": focus(focusLine("1", FULL_TAGS)), "m.json": `{${Array.from({ length: 300_000 }, (_, i) => `"model-${i}":{"monthly_predictions":${i}}`).join(",")}}` } },
    { name: "report --models: 100,000 entries end in seconds", args: ["report", "{dir}/f.csv", "--models", "{dir}/m.json"], timeoutMs: 30_000, exit: 0, message: /total/i,
        files: { "f.csv": focus(focusLine("1", FULL_TAGS)), "m.json": `{${Array.from({ length: 100_000 }, (_, i) => `"model-${i}":{"monthly_predictions":${i}}`).join(",")}}` } },
    { name: "report: a raw NUL in a tag value is read and shown", args: ["report", "{dir}/f.csv"], files: { "f.csv": focus(focusLine("1", { ...FULL_TAGS, team: "fr\u0000aud" }).replace("\\u0000", "\u0000")) }, exit: 0, message: /fr\\u\{0\}aud/ },
    { name: "report: an escaped NUL in a tag key is read and shown", args: ["report", "{dir}/f.csv"], files: { "f.csv": focus(focusLine("1", FULL_TAGS), focusLine("2", { ...FULL_TAGS, "te\u0000am": "fraud" })) }, exit: 0, message: /te\\u\{0\}am/ },
    { name: "report: charges dated in the year 9999 take time by the data, not the calendar", args: ["report", "{dir}/f.csv", "--format", "html"], files: { "f.csv": farFuture }, timeoutMs: 20_000, exit: 0, message: /9999-12/ },
    { name: "check: a stack config too large for a process environment (no spawn E2BIG)", args: ["check", "{dir}"], timeoutMs: 60_000, exit: 1, message: /Violations: 1 mandatory/,
        files: program(`const pulumi = require("@pulumi/pulumi"); const aws = require("@pulumi/aws");
if (new pulumi.Config().require("blob").length !== 300000) throw new Error("the config did not arrive whole");
new aws.s3.Bucket("b", {});`, `config:\n  p:blob: ${"x".repeat(300_000)}\n`) },
    { name: "check --timeout: a never-ending program whose detached child holds its output", args: ["check", "{dir}", "--timeout", "3"], timeoutMs: 30_000, exit: 2, message: /did not finish within 3 s \(--timeout\)/,
        files: program(`require("child_process").spawn("sleep", ["20"], { detached: true, stdio: ["ignore", "inherit", "inherit"] }).unref(); setInterval(() => {}, 1000);`) },
    { name: "check: a program that ends but leaves a detached child holding its output", args: ["check", "{dir}"], timeoutMs: 30_000, exit: 1, message: /Violations: 1 mandatory/,
        files: program(`const aws = require("@pulumi/aws"); new aws.s3.Bucket("b", {}); require("child_process").spawn("sleep", ["20"], { detached: true, stdio: ["ignore", "inherit", "inherit"] }).unref();`) },
    { name: "plan --out /dev/full: one line naming the output", args: ["plan", UNTAGGED_PLAN, "--out", "/dev/full"], exit: 2, message: /^tagguard: --out \/dev\/full: could not be written in full \(no space left on the device\)\n$/ },
    { name: "plan: $GITHUB_STEP_SUMMARY pointing at the plan appends nothing to it", args: ["plan", "{dir}/p.json"], files: { "p.json": planText }, env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: "{dir}/p.json" }, exit: 1, message: /Violations: /, warning: /^tagguard: warning: \$GITHUB_STEP_SUMMARY \(.*p\.json\) is one of the run's inputs \(.*p\.json\): no job summary written$/m },
    { name: "plan: $GITHUB_STEP_SUMMARY pointing at the baseline (through a link) appends nothing to it", args: ["plan", UNTAGGED_PLAN, "--baseline", "{dir}/b.json"], files: { "b.json": '{"reportVersion":1,"violations":[]}', "summary.md": { symlink: "b.json" } }, env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: "{dir}/summary.md" }, exit: 1, message: /Violations: /, warning: /summary\.md\) is one of the run's inputs \(.*b\.json\)/ },
    { name: "check: $GITHUB_STEP_SUMMARY pointing into the program appends nothing to it", args: ["check", "{dir}"], files: program("const aws = require(\"@pulumi/aws\"); new aws.s3.Bucket(\"b\", {});"), env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: "{dir}/index.js" }, exit: 1, message: /Violations: 1 mandatory/, warning: /index\.js\) is one of the run's inputs/ },
];

const cases: Case[] = [...fileCases, ...contentCases, ...configCases, ...optionCases, ...reportCases, ...checkCases, ...boundCases];

describe("bad input, command by command", () => {
    test("the table holds at least 150 cases", () => {
        expect(cases.length).toBeGreaterThanOrEqual(150);
        expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    });
    test.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => run(c), 90_000);
});
