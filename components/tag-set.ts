/**
 * The tag set components take: its type is the vocabulary's (`tagset/vocabulary.ts`), and every
 * component validates it with the vocabulary's schema (`tagset/rules.ts`) before registering anything.
 */
import { DEFAULT_RULES, tagSetSchema } from "../tagset/rules";
import { ATTRIBUTION_TAG_KEYS, isAttributionKey, type AttributionTagSet } from "../tagset/vocabulary";

/** The attribution tags of everything a component creates. */
export type AttributionTags = AttributionTagSet;

/** A tag set that breaks the vocabulary; thrown at construction, before any resource is registered. */
export class InvalidTagSetError extends Error {
    constructor(readonly where: string, readonly problems: string[]) {
        super(`${where}: invalid attribution tags:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "InvalidTagSetError";
    }
}

const schema = tagSetSchema(DEFAULT_RULES);

/**
 * Validates a tag set and merges the caller's extra tags under it. Extra tags are kept; they may not
 * redefine an attribution key (that would let a child override the validated set).
 */
export function resolveTags(where: string, tags: AttributionTags, extraTags: Readonly<Record<string, string>> = {}): Record<string, string> {
    const parsed = schema.safeParse(tags);
    const problems = parsed.success ? [] : parsed.error.issues.map((i) => (i.code === "custom" ? i.message : `\`${i.path.join(".")}\` ${i.message}`));
    for (const key of Object.keys(extraTags)) {
        if (isAttributionKey(key)) problems.push(`\`${key}\` belongs in \`tags\`, not in \`extraTags\` (attribution keys: ${ATTRIBUTION_TAG_KEYS.join(", ")})`);
    }
    if (problems.length || !parsed.success) throw new InvalidTagSetError(where, problems);
    const attribution = Object.fromEntries(Object.entries(parsed.data).filter((e): e is [string, string] => typeof e[1] === "string"));
    return { ...extraTags, ...attribution };
}
