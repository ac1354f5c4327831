/** The baseline of bench:check: run a program under tagguard's mocks, exactly as `check` does, and stop there. */
import { readStackConfig } from "../cli/check/config";
import { chooseStack, readProject } from "../cli/check/project";
import { runProgram } from "../cli/check/run-program";

async function main(): Promise<void> {
    const [dir, stackName] = process.argv.slice(2);
    const project = readProject(dir);
    const stack = readStackConfig({ project, stack: chooseStack(project, stackName) });
    const { recorded } = await runProgram({ project, stack, organization: "organization" });
    console.log(recorded.resources.length);
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
