/**
 * The pack's messages in Terraform's words. The policies speak Pulumi (property names in camelCase,
 * `pulumi config set`, preview and update); a plan's reader wants `volume_tags`, the provider's
 * `default_tags` block, plan and apply. The rules and their messages stay in the policies; only the
 * vocabulary is translated here.
 */
import { HOW_TO_FIX } from "../../policies/required-tags";
import { QUOTED_PROPERTY_NAMES, terraformPropertyName } from "../../tagset/terraform";

export const TERRAFORM_HOW_TO_FIX =
    "Set them once for every resource of the provider in its `default_tags` block (`provider \"aws\" { default_tags { tags = { team = \"fraud\", ... } } }`), or on the resource's `tags`.";

const PHRASES: readonly [RegExp, string][] = [
    [/`defaultTags: \{tags: \{\.\.\.\}\}`/g, "`default_tags { tags = {...} }` block"],
    [/ \(tagguard's GPU node group component does this\)/g, ""],
    [/,? or use tagguard's components\./g, "."],
    [/ during preview\b/g, " at plan time"],
    [/ during a preview\b/g, " at plan time"],
    [/\bfrom the resource's outputs at update\b/g, "at apply"],
    [/\bat update\b/g, "at apply"],
    [/ in this stack\b/g, " in this plan"],
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
    let text = message.split(HOW_TO_FIX).join(TERRAFORM_HOW_TO_FIX);
    for (const [pattern, replacement] of PHRASES) text = text.replace(pattern, replacement);
    // Only back-quoted spans name properties; tag keys in them are the user's and are not in the set.
    return text.replace(/`([^`\n]*)`/g, (whole, span: string) => (whole.includes("default_tags") ? whole : `\`${renameProperties(span)}\``))
        .replace(/provider defaultTags/g, "provider default_tags")
        .replace(/\btagsAll\b/g, "tags_all");
}
