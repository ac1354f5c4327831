/**
 * The pack's messages in Terraform's words. The policies speak Pulumi (property names in camelCase,
 * `pulumi config set`, preview and update); a plan's reader wants `volume_tags`, the provider's
 * `default_tags` block, plan and apply. The rules and their messages stay in the policies; only the
 * vocabulary is translated here.
 */
import { HOW_TO_FIX_PATTERN, keysOfFix } from "../../policies/required-tags";
import { LAUNCH_TEMPLATE_FIXES, LAUNCH_TEMPLATE_FIX_TEXTS, anyOf } from "../../policies/all";
import { QUOTED_PROPERTY_NAMES, terraformPropertyName } from "../../tagset/terraform";

/** The pack's `howToFix` in Terraform's words, naming the same keys; for `awscc` resources, whose provider has no default tags, on the resource alone. */
export function terraformHowToFix(keys: readonly string[], cloudControl = false): string {
    const them = keys.length === 1 ? "it" : "them";
    if (cloudControl) return `Set ${them} on the resource's \`tags\` (\`tags = [${keys.map((k) => `{ key = "${k}", value = "..." }`).join(", ")}]\`): the awscc provider has no default tags.`;
    return `Set ${them} once for every resource of the provider in its \`default_tags\` block (\`provider "aws" { default_tags { tags = { ${keys.map((k) => `${k} = "..."`).join(", ")} } } }\`), or on the resource's \`tags\`.`;
}

/** A `terraformHowToFix` text inside a message (either form). */
const TERRAFORM_HOW_TO_FIX_PATTERN = /Set (?:it|them) once for every resource of the provider in its `default_tags` block \(`provider "aws" \{ default_tags \{ tags = \{ (?:[a-z_]+ = "\.\.\."(?:, )?)+ \} \} \}`\), or on the resource's `tags`\.|Set (?:it|them) on the resource's `tags` \(`tags = \[(?:\{ key = "[a-z_]+", value = "\.\.\." \}(?:, )?)+\]`\): the awscc provider has no default tags\./;

/** How a repeated fix of the pack (`REPEATED_FIXES`) reads in a plan's messages. */
export function terraformFix(fix: string | RegExp): string | RegExp {
    if (typeof fix === "string") return terraformWording(fix);
    if (fix === HOW_TO_FIX_PATTERN) return TERRAFORM_HOW_TO_FIX_PATTERN;
    if (fix === LAUNCH_TEMPLATE_FIXES) return anyOf(LAUNCH_TEMPLATE_FIX_TEXTS.map(terraformWording));
    throw new Error(`no Terraform wording for the repeated fix ${fix.source}`);
}

const PHRASES: readonly [RegExp, string][] = [
    [/`defaultTags: \{tags: \{\.\.\.\}\}`/g, "`default_tags { tags = {...} }` block"],
    [/ \(tagguard's GPU node group component does this\)/g, ""],
    [/,? or use tagguard's components\./g, "."],
    [/, or build the labels with tagguard's `podLabels` helper\./g, "."],
    [/ during preview\b/g, " at plan time"],
    [/ during a preview\b/g, " at plan time"],
    [/\bfrom the resource's outputs at update\b/g, "at apply"],
    [/\bat update\b/g, "at apply"],
    [/ in this stack\b/g, " in this plan"],
    [/ \(tagguard's HyperPod component does\), or set it in the provider's default tags\./g, "."],
    [/The default aws-native provider sets no default tags \(stack config `aws-native:defaultTags`\)\. /g, ""],
];

/** A Pulumi property name inside a back-quoted span, as Terraform spells it; anything else unchanged. */
function renameProperties(span: string): string {
    return span.replace(/[A-Za-z][A-Za-z0-9]*/g, (word) => (QUOTED_PROPERTY_NAMES.has(word) ? terraformPropertyName(word) : word))
        // `propagateAtLaunch: true` is an argument: `propagate_at_launch = true`.
        .replace(/^([a-z_]+): /, (whole, name: string) => (QUOTED_PROPERTY_NAMES.has(name) || [...QUOTED_PROPERTY_NAMES].some((p) => terraformPropertyName(p) === name) ? `${name} = ` : whole));
}

/** Messages repeat across a plan's resources (the same missing keys, the same fix): each is translated once. */
const translated = new Map<string, string>();
const REMEMBERED = 10_000;

export function terraformWording(message: string): string {
    let text = translated.get(message);
    if (text === undefined) {
        text = translate(message);
        if (translated.size >= REMEMBERED) translated.clear();
        translated.set(message, text);
    }
    return text;
}

function translate(message: string): string {
    let text = message.replace(new RegExp(HOW_TO_FIX_PATTERN.source, "g"), (fix: string, keys: string) => terraformHowToFix(keysOfFix(keys), fix.includes("`aws-native:")));
    for (const [pattern, replacement] of PHRASES) text = text.replace(pattern, replacement);
    // Only back-quoted spans name properties; tag keys in them are the user's and are not in the set.
    return text.replace(/`([^`\n]*)`/g, (whole, span: string) => (whole.includes("default_tags") ? whole : `\`${renameProperties(span)}\``))
        .replace(/provider defaultTags/g, "provider default_tags")
        .replace(/\btagsAll\b/g, "tags_all");
}
