// Run by the determinism test in a separate node process: prints the bundle hash and its JSON length.
import { tokenizerForModel } from "@taskloom/llm";
import { buildContextBundle } from "../bundle.ts";
import { determinismFixture } from "./determinism-fixture.ts";

const { candidates, target } = determinismFixture();
const bundle = await buildContextBundle(candidates, target, { tokenizer: tokenizerForModel("gpt-4o") });
process.stdout.write(`${JSON.stringify({ hash: bundle.hash, length: JSON.stringify(bundle).length })}\n`);
