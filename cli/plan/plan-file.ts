/**
 * The JSON plan representation `terraform show -json PLANFILE` (and `tofu show -json`) writes:
 * https://developer.hashicorp.com/terraform/internals/json-format. Only what tagguard reads is
 * validated; everything else passes through untouched.
 */
import { z } from "zod";
import { MAX_NESTING, UsageError, isObject, parseJsonText, readTextFile, shownPath } from "../input";
import { visible } from "../../tagset/text";

const Expression: z.ZodType<unknown> = z.unknown();

export interface ResourceChange {
    address: string;
    module_address?: string;
    mode: string;
    type: string;
    name: string;
    provider_name?: string;
    deposed?: string;
    change: { actions: string[]; after?: unknown; after_unknown?: unknown; after_sensitive?: unknown };
}

interface ConfigResource {
    address: string;
    type?: string;
    provider_config_key?: string;
    expressions?: Record<string, unknown>;
}

export interface ConfigModule {
    resources?: ConfigResource[];
    module_calls?: Record<string, { source?: string; module?: ConfigModule; expressions?: Record<string, unknown> }>;
}

export interface ProviderConfig {
    name?: string;
    full_name?: string;
    alias?: string;
    module_address?: string;
    expressions?: Record<string, unknown>;
}

const ConfigResourceSchema = z.object({ address: z.string(), type: z.string().optional(), provider_config_key: z.string().optional(), expressions: z.record(z.string(), Expression).optional() }).loose();
const ConfigModuleSchema: z.ZodType<ConfigModule> = z.lazy(() => z.object({
    resources: z.array(ConfigResourceSchema).optional(),
    module_calls: z.record(z.string(), z.object({ module: ConfigModuleSchema.optional(), expressions: z.record(z.string(), Expression).optional() }).loose()).optional(),
}).loose());

const PlanSchema = z.object({
    format_version: z.string(),
    terraform_version: z.string().optional(),
    errored: z.boolean().optional(),
    // Checked by `resourceChangeProblem`: a plan holds thousands, and zod would copy each one.
    resource_changes: z.array(z.unknown()).optional(),
    configuration: z.object({
        provider_config: z.record(z.string(), z.object({ name: z.string().optional(), full_name: z.string().optional(), alias: z.string().optional(), module_address: z.string().optional(), expressions: z.record(z.string(), Expression).optional() }).loose()).optional(),
        root_module: ConfigModuleSchema.optional(),
    }).loose().optional(),
}).loose();

export interface TerraformPlan {
    format_version: string;
    terraform_version?: string;
    errored?: boolean;
    resource_changes?: ResourceChange[];
    configuration?: { provider_config?: Record<string, ProviderConfig>; root_module?: ConfigModule };
}

/** What is wrong with one entry of `resource_changes`, if anything. */
function resourceChangeProblem(rc: unknown): string | undefined {
    if (!isObject(rc)) return "must be an object";
    for (let i = 0; i < REQUIRED_STRINGS.length; i++) if (typeof rc[REQUIRED_STRINGS[i]] !== "string") return `.${REQUIRED_STRINGS[i]}: expected a string`;
    for (let i = 0; i < OPTIONAL_STRINGS.length; i++) if (rc[OPTIONAL_STRINGS[i]] !== undefined && typeof rc[OPTIONAL_STRINGS[i]] !== "string") return `.${OPTIONAL_STRINGS[i]}: expected a string`;
    const change = rc.change;
    if (!isObject(change)) return ".change: expected an object";
    const actions = change.actions;
    if (!Array.isArray(actions)) return ".change.actions: expected a list of strings";
    for (let i = 0; i < actions.length; i++) if (typeof actions[i] !== "string") return ".change.actions: expected a list of strings";
    return undefined;
}

const REQUIRED_STRINGS = ["address", "mode", "type", "name"] as const;
const OPTIONAL_STRINGS = ["module_address", "provider_name", "deposed"] as const;

/** The plan format's major version tagguard reads (`format_version` 0.x and 1.x). */
const READ_MAJOR_VERSIONS = new Set(["0", "1"]);


const HOW_TO_MAKE_ONE = "run `terraform plan -out tfplan` and then `terraform show -json tfplan > plan.json` (or the same with `tofu`)";

/** Sections of Terraform's plan representation; a plan has at least `planned_values`. */
const PLAN_SECTIONS = ["planned_values", "resource_changes", "configuration", "prior_state", "resource_drift", "output_changes", "variables"] as const;

/** What a JSON file is, when it is not a plan: a state, a Pulumi export, a config. */
function notAPlan(json: unknown): string | undefined {
    if (!isObject(json)) return `not a Terraform plan: the file holds a JSON ${Array.isArray(json) ? "list" : json === null ? "null" : typeof json}; ${HOW_TO_MAKE_ONE}`;
    if (typeof json.version === "number" && "lineage" in json && "resources" in json) return `a Terraform state file (terraform.tfstate), not a plan; ${HOW_TO_MAKE_ONE}`;
    if ("deployment" in json && json.version === 3) return "a Pulumi stack export, not a Terraform plan; check deployed Pulumi stacks with `tagguard audit`";
    if (!("format_version" in json)) return `not a Terraform plan (no \`format_version\`); ${HOW_TO_MAKE_ONE}`;
    if ("values" in json && !("resource_changes" in json) && !("planned_values" in json)) return `the JSON of a state (\`terraform show -json\` without a plan file), not of a plan; ${HOW_TO_MAKE_ONE}`;
    // Terraform writes `planned_values` in every plan, even one without changes; an empty state shows as `{"format_version": "1.0"}`.
    if (!PLAN_SECTIONS.some((section) => section in json)) return `holds no plan (no ${PLAN_SECTIONS.slice(0, 3).map((s) => `\`${s}\``).join(", ")}): \`terraform show -json\` without a plan file writes this for an empty state; ${HOW_TO_MAKE_ONE}`;
    return undefined;
}

/** Problems as `path: message`, at most a few, made visible. */
function schemaProblems(error: z.ZodError): string {
    const shown = error.issues.slice(0, 3).map((i) => visible(`${i.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") || "(top level)"}: ${i.message}`, { max: 200 }));
    return `${shown.join("; ")}${error.issues.length > 3 ? `; and ${error.issues.length - 3} more` : ""}`;
}

/** How deep `configuration.root_module`'s `module_calls` nest, counted without recursion (the schema and the views recurse). */
function moduleNesting(json: unknown): number {
    const root = isObject(json) && isObject(json.configuration) ? json.configuration.root_module : undefined;
    const stack: [unknown, number][] = [[root, 0]];
    let deepest = 0;
    while (stack.length) {
        const [module, depth] = stack.pop()!;
        if (!isObject(module) || !isObject(module.module_calls)) continue;
        deepest = Math.max(deepest, depth + 1);
        if (deepest > MAX_NESTING) return deepest;
        for (const call of Object.values(module.module_calls)) if (isObject(call)) stack.push([call.module, depth + 1]);
    }
    return deepest;
}

export function parsePlanText(text: string, file: string): TerraformPlan {
    // A binary plan file is a zip archive.
    if (text.startsWith("PK\u0003\u0004")) throw new UsageError(`${shownPath(file)}: a binary plan file, not its JSON; ${HOW_TO_MAKE_ONE}`);
    let json: unknown;
    try {
        json = parseJsonText(text, file, "the JSON of a Terraform plan (`terraform show -json PLANFILE`)");
    } catch (e) {
        // hashicorp/setup-terraform's wrapper (on by default) writes a `[command]` line before the JSON and workflow commands after it.
        if (/^\[command\]/.test(text) || /\n::(debug|set-output)\b/.test(text)) {
            throw new UsageError(`${shownPath(file)}: not the plan's JSON alone but the output of hashicorp/setup-terraform's wrapper (a \`[command]\` line or \`::debug::\` lines around it); set \`terraform_wrapper: false\` on the setup-terraform step, or run terraform-bin`);
        }
        throw e;
    }
    const other = notAPlan(json);
    if (other) throw new UsageError(`${shownPath(file)}: ${other}`);
    const nesting = moduleNesting(json);
    if (nesting > MAX_NESTING) throw new UsageError(`${shownPath(file)}: the configuration's modules are nested deeper than ${MAX_NESTING} levels (module_calls within module_calls); not a plan tagguard can read`);
    const parsed = PlanSchema.safeParse(json);
    if (!parsed.success) throw new UsageError(`${shownPath(file)}: not a plan tagguard can read: ${schemaProblems(parsed.error)}`);
    // Only what tagguard reads is kept: the rest (`planned_values`, `prior_state`: over a third of a plan) is garbage from here on.
    const { format_version, terraform_version, errored, configuration } = parsed.data;
    const plan: TerraformPlan = {
        format_version, terraform_version, errored,
        resource_changes: parsed.data.resource_changes as ResourceChange[] | undefined,
        configuration: configuration && { provider_config: configuration.provider_config, root_module: configuration.root_module },
    };
    const changes = plan.resource_changes ?? [];
    for (let i = 0; i < changes.length; i++) {
        const problem = resourceChangeProblem(changes[i]);
        if (problem) throw new UsageError(`${shownPath(file)}: not a plan tagguard can read: resource_changes[${i}]${visible(problem, { max: 200 })}`);
    }
    const major = plan.format_version.split(".")[0];
    if (!READ_MAJOR_VERSIONS.has(major)) throw new UsageError(`${shownPath(file)}: plan format_version ${visible(plan.format_version, { max: 20 })}; tagguard reads format versions 0.x and 1.x`);
    if (plan.errored) throw new UsageError(`${shownPath(file)}: the plan errored (Terraform could not finish planning), so it does not show what would be created; fix the plan's errors first`);
    return plan;
}

/** A plan file's parsed content. */
export function readPlanFile(file: string): TerraformPlan {
    if (!file.trim()) throw new UsageError("an empty path (an unset variable?) was given as a plan file");
    return parsePlanText(readTextFile(file, "plan JSON"), file);
}
