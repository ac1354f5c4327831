// Baseline for bench:pack: one policy that reads one tag, in plain JavaScript.
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("trivial", {
    policies: [{
        name: "has-team-tag",
        description: "Resources carry a team tag.",
        enforcementLevel: "mandatory",
        validateResource: (args, reportViolation) => {
            const tags = args.props.tags;
            if (!tags || !tags.team) reportViolation("missing team tag");
        },
    }],
});
