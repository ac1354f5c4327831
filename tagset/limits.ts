/**
 * What each AWS API accepts as tags, per service, from its own API reference. A tag that breaks its
 * service's rule is refused at apply time (a mandatory finding); a tag that only breaks AWS's
 * cross-service character guidance is accepted by that service and is reported as advice.
 */
import { NO_KEYS } from "./values";

/** Keys starting with `aws:` (any case) are reserved on every service and do not count toward the limit. */
const RESERVED_PREFIX = /^aws:/i;

/** Tags per resource on every service in scope ("Maximum number of tags per resource – 50"). */
export const MAX_USER_TAGS = 50;
/** S3 objects take at most 10 tags, provider default tags included (S3 User Guide, "Categorizing your storage using tags"). */
export const MAX_S3_OBJECT_TAGS = 10;
export const S3_OBJECT_TYPES: readonly string[] = [
    "aws:s3/bucketObject:BucketObject",
    "aws:s3/bucketObjectv2:BucketObjectv2",
    "aws:s3/objectCopy:ObjectCopy",
];

interface CharacterRule {
    allowed: RegExp;
    disallowed: RegExp;
    /** What the rule allows, for messages. */
    text: string;
}

/**
 * `letters, digits, white space and + - = . _ : / @`: the character set SageMaker, the S3 control plane
 * and many newer APIs enforce as `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`, and AWS's cross-service guidance
 * for the rest ("other services may have restrictions on allowed characters").
 */
const PORTABLE: CharacterRule = {
    allowed: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
    disallowed: /[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu,
    text: "letters, digits, spaces and + - = . _ : / @",
};

/** Auto Scaling's pattern `[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\r\n\t]*`: anything but control characters other than tab, CR and LF. */
const NO_CONTROL_CHARACTERS: CharacterRule = {
    allowed: /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]*$/u,
    disallowed: /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/gu,
    text: "any characters except control characters (tab, CR and LF are allowed)",
};

export interface ServiceTagRules {
    /** The API whose reference states these rules. */
    api: string;
    /** Where the rules are documented. */
    source: string;
    maxKeyLength: number;
    maxValueLength: number;
    /** The characters the API refuses; absent when its reference states no rule. */
    characters?: CharacterRule;
}

const AWS_WIDE: ServiceTagRules = {
    api: "AWS (general tagging limits)",
    source: "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html",
    maxKeyLength: 128,
    maxValueLength: 256,
};

/** EC2's `Tag` type: keys at most 127 characters, values at most 256, no character rule. EBS volumes and snapshots are EC2 API resources. */
const EC2: ServiceTagRules = { api: "EC2", source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Tag.html", maxKeyLength: 127, maxValueLength: 256 };

/** Rules by provider module (`aws:<module>/...`). Modules not listed follow the AWS-wide limits and get the character guidance as advice. */
const BY_MODULE: Readonly<Record<string, ServiceTagRules>> = {
    ec2: EC2,
    ebs: EC2,
    autoscaling: {
        api: "EC2 Auto Scaling",
        source: "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_Tag.html",
        maxKeyLength: 128,
        maxValueLength: 256,
        characters: NO_CONTROL_CHARACTERS,
    },
    // S3's `Tag` type states no character rule; lengths from the S3 User Guide (bucket and object tagging).
    s3: { api: "S3", source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html", maxKeyLength: 128, maxValueLength: 256 },
    // EKS TagResource: key 1-128, value up to 256, no character rule.
    eks: { api: "EKS", source: "https://docs.aws.amazon.com/eks/latest/APIReference/API_TagResource.html", maxKeyLength: 128, maxValueLength: 256 },
    sagemaker: {
        api: "SageMaker",
        source: "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_Tag.html",
        maxKeyLength: 128,
        maxValueLength: 256,
        characters: PORTABLE,
    },
    // MSK TagResource takes a map of strings; its reference states no limits of its own.
    msk: { ...AWS_WIDE, api: "MSK", source: "https://docs.aws.amazon.com/msk/1.0/apireference/tags-resourcearn.html" },
};

export function serviceTagRules(module: string): ServiceTagRules {
    return BY_MODULE[module] ?? AWS_WIDE;
}

/** Length in Unicode code points, as AWS counts it (never more than the UTF-16 length, so short strings need no count). */
const length = (s: string, limit: number): number => (s.length <= limit ? s.length : [...s].length);

export interface TagLimitProblem {
    /** The tag key, or `*` for the resource as a whole. */
    key: string;
    problem: string;
    /** True when the service accepts the tag and only the cross-service guidance is broken. */
    advisory: boolean;
}

/** The distinct offending characters, as code points (`U+0023`) so that no control character reaches a message. */
function describeCharacters(s: string, rule: CharacterRule): string {
    const bad = [...new Set(s.match(rule.disallowed) ?? [])].slice(0, 5);
    return bad.map((c) => (/^[\p{L}\p{N}\p{P}\p{S}]$/u.test(c) ? `${JSON.stringify(c)}` : `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`)).join(", ");
}

/** Letters, digits, spaces and `_ . : / = + - @` in ASCII: within every rule above, and nearly every tag there is. */
const PLAIN = /^[A-Za-z0-9 _.:/=+\-@]*$/;

function characterProblem(s: string, what: "key" | "value", rules: ServiceTagRules, secret: boolean): Omit<TagLimitProblem, "key"> | undefined {
    if (PLAIN.test(s)) return undefined;
    const enforced = rules.characters;
    if (enforced && !enforced.allowed.test(s)) {
        return { problem: `${what} contains ${secret ? "characters" : describeCharacters(s, enforced)} that ${rules.api} refuses; it allows ${enforced.text}`, advisory: false };
    }
    if (enforced !== PORTABLE && !PORTABLE.allowed.test(s)) {
        return { problem: `${what} contains ${secret ? "characters" : describeCharacters(s, PORTABLE)} outside AWS's cross-service guidance (${PORTABLE.text}); ${rules.api} accepts it, other services and tools may not`, advisory: true };
    }
    return undefined;
}

/**
 * Every limit a set of known tags breaks on the given service. Values are never quoted: a problem names
 * the key and, for characters, only the offending ones (none for a secret). `secretKeys` are keys
 * whose values are secret; `hiddenKeys` are keys that are themselves secret (the caller names them).
 */
export function tagLimitProblems(
    tags: ReadonlyMap<string, string | undefined>,
    rules: ServiceTagRules,
    maxTags: number = MAX_USER_TAGS,
    secretKeys: ReadonlySet<string> = NO_KEYS,
    hiddenKeys: ReadonlySet<string> = NO_KEYS,
): TagLimitProblem[] {
    const problems: TagLimitProblem[] = [];
    let userTags = 0;
    tags.forEach((value, key) => {
        // `:` at index 3 first: nearly no key has one, and those need no expression.
        if (key.charCodeAt(3) === 58 && RESERVED_PREFIX.test(key)) {
            problems.push({ key, problem: "keys starting with `aws:` are reserved for AWS and cannot be set", advisory: false });
            return;
        }
        userTags++;
        const keyLength = length(key, rules.maxKeyLength);
        if (keyLength === 0 || keyLength > rules.maxKeyLength) {
            problems.push({ key, problem: `key is ${keyLength} characters; ${rules.api} allows 1 to ${rules.maxKeyLength}`, advisory: false });
        }
        const keyChars = characterProblem(key, "key", rules, hiddenKeys.has(key));
        if (keyChars) problems.push({ key, ...keyChars });
        if (value === undefined) return; // unknown until update
        const valueLength = length(value, rules.maxValueLength);
        if (valueLength > rules.maxValueLength) {
            problems.push({ key, problem: `value is ${valueLength} characters; ${rules.api} allows at most ${rules.maxValueLength}`, advisory: false });
        }
        const valueChars = characterProblem(value, "value", rules, secretKeys.has(key));
        if (valueChars) problems.push({ key, ...valueChars });
    });
    if (userTags > maxTags) {
        problems.push({ key: "*", problem: `${userTags} tags; AWS allows at most ${maxTags} on this resource (provider default tags count)`, advisory: false });
    }
    return problems;
}
