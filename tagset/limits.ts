/** AWS-wide tag limits: what the AWS APIs refuse at apply time. */

export const MAX_KEY_LENGTH = 128;
export const MAX_VALUE_LENGTH = 256;
export const MAX_USER_TAGS = 50;
/** S3 objects take at most 10 tags, provider default tags included. */
export const MAX_S3_OBJECT_TAGS = 10;
export const S3_OBJECT_TYPES: readonly string[] = [
    "aws:s3/bucketObject:BucketObject",
    "aws:s3/bucketObjectv2:BucketObjectv2",
    "aws:s3/objectCopy:ObjectCopy",
];

/** Letters, digits, white space and `+ - = . _ : / @`, in any script. */
const ALLOWED_CHARACTERS = /^[\p{L}\p{N}\p{Zs}\t\n\r+\-=._:/@]*$/u;
const DISALLOWED_CHARACTER = /[^\p{L}\p{N}\p{Zs}\t\n\r+\-=._:/@]/gu;
/** The ASCII subset of the allowed characters: most tags, tested faster than Unicode classes. */
const ALLOWED_ASCII = /^[A-Za-z0-9 +\-=._:/@]*$/;
const RESERVED_PREFIX = /^aws:/i;

const allowed = (s: string): boolean => ALLOWED_ASCII.test(s) || ALLOWED_CHARACTERS.test(s);

/** Length in Unicode code points, as AWS counts it (never more than the UTF-16 length, so short strings need no count). */
const length = (s: string, limit: number): number => (s.length <= limit ? s.length : [...s].length);

export interface TagLimitProblem {
    key: string;
    problem: string;
}

function describeCharacters(s: string): string {
    const bad = [...new Set(s.match(DISALLOWED_CHARACTER) ?? [])].slice(0, 5);
    return bad.map((c) => JSON.stringify(c)).join(", ");
}

/**
 * Every limit a set of known tags breaks. Values are never quoted: a problem names the key and, for
 * characters, only the offending ones (none for a secret value).
 */
export function tagLimitProblems(tags: ReadonlyMap<string, string | undefined>, maxTags: number = MAX_USER_TAGS, secretKeys: ReadonlySet<string> = new Set()): TagLimitProblem[] {
    const problems: TagLimitProblem[] = [];
    let userTags = 0;
    for (const [key, value] of tags) {
        if (RESERVED_PREFIX.test(key)) {
            problems.push({ key, problem: "keys starting with `aws:` are reserved for AWS and cannot be set" });
            continue;
        }
        userTags++;
        const keyLength = length(key, MAX_KEY_LENGTH);
        if (keyLength === 0 || keyLength > MAX_KEY_LENGTH) {
            problems.push({ key, problem: `key is ${keyLength} characters; AWS allows 1 to ${MAX_KEY_LENGTH}` });
        }
        if (!allowed(key)) {
            problems.push({ key, problem: `key contains ${describeCharacters(key)}; AWS allows letters, digits, spaces and + - = . _ : / @` });
        }
        if (value === undefined) continue; // unknown until update
        const valueLength = length(value, MAX_VALUE_LENGTH);
        if (valueLength > MAX_VALUE_LENGTH) {
            problems.push({ key, problem: `value is ${valueLength} characters; AWS allows at most ${MAX_VALUE_LENGTH}` });
        }
        if (!allowed(value)) {
            const which = secretKeys.has(key) ? "characters" : describeCharacters(value); // not even a secret's characters are shown
            problems.push({ key, problem: `value contains ${which}; AWS allows letters, digits, spaces and + - = . _ : / @` });
        }
    }
    if (userTags > maxTags) {
        problems.push({ key: "*", problem: `${userTags} tags; AWS allows at most ${maxTags} on this resource (provider default tags count)` });
    }
    return problems;
}
